// A Chromium profile on disk (Playwright's default context keeps storage in memory), for the
// tests that read or kill what the browser left behind.
import { chromium as playwrightChromium } from "@playwright/test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "./chromium.js";
import { section } from "./screens.js";

// `camera: false` starts Chromium without its fake camera: like a machine with none at all.
// `ignoreHTTPSErrors`: trust the setting's certificate as an installed CA would (benchmarks).
// `videoFile`: the fake camera shows this Y4M file instead of Chromium's own animation.
export function freshProfile({ camera = true, ignoreHTTPSErrors = false, videoFile } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "burrow-profile-"));
  let args = camera ? chromium.args : chromium.args.filter((a) => a !== "--use-fake-device-for-media-stream");
  if (videoFile) args = [...args, `--use-file-for-fake-video-capture=${videoFile}`];
  const launched = [];
  return {
    dir,
    launch: async () => {
      const context = await playwrightChromium.launchPersistentContext(dir, {
        headless: true,
        ...chromium,
        args,
        viewport: { width: 1280, height: 800 },
        ignoreHTTPSErrors,
        locale: "en-GB",
        timezoneId: "Europe/London",
      });
      launched.push(context);
      return context;
    },
    // Closes any Chromium still running on the folder first: one still writing its files makes
    // the removal fail (ENOTEMPTY) after a test that passed.
    remove: async () => {
      for (const context of launched.splice(0)) await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

// Opens the store harness (examples/store_crash.rs) in `mode` and waits for it to be under way
// (`write`) or done (`check`, `photo`); a failure in the page fails the test with its sentence.
export async function openHarness(context, url, mode, expect) {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${url}/?${mode}`);
  const flag = { write: "writing", check: "report", photo: "photo", purge: "seeded", "purge-check": "report" }[mode];
  await page.waitForFunction((flag) => window[flag] !== undefined || window.failure, flag, { timeout: 60_000 });
  const failure = await page.evaluate(() => window.failure);
  expect(failure, `the harness failed in ${mode} mode`).toBeUndefined();
  return page;
}

// For tests that keep a server and a profile on disk: both are stopped and removed after each
// test. Set `held.server` and `held.profile` as they are made (`held.others`: more profiles). A panic in the app's code on a
// profile launched by `signedInOnDisk` fails the test, even if the screen looked right.
export function cleanUpAfterEach(test) {
  const held = { panics: [] };
  test.afterEach(async () => {
    await held.server?.stop();
    held.server?.cleanUp();
    await held.profile?.remove();
    for (const other of held.others ?? []) await other.remove();
    held.server = held.profile = held.others = undefined;
    const panics = held.panics.splice(0);
    if (panics.length > 0) throw new Error(`the app panicked:\n${panics.join("\n")}`);
  });
  return held;
}

// A fresh profile on disk with the app open at its front door and no one signed in (a parent's
// own phone): `held.panics` catches a panic in it like in the others.
// `path`: where it opens (a parent's phone may go straight to /family); `requested` lists every
// address the profile asked for.
export async function openOnDisk(held, options, path = "/") {
  const profile = freshProfile(options);
  const context = await profile.launch();
  context.on("console", (m) => {
    if (m.type() === "error" && m.text().includes("panicked at")) held.panics.push(m.text().split("\n")[0]);
  });
  const requested = [];
  context.on("request", (r) => requested.push(r.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(held.server.url + path);
  return { profile, context, page, requested };
}

// The demo setting on a profile on disk, signed in as `name` and on the Children screen (a
// practitioner lands on their day first): the context and its page.
export async function signedInOnDisk(held, name, passphrase, options) {
  held.profile = freshProfile(options);
  const context = await held.profile.launch();
  const watch = (p) =>
    p.on("console", (m) => {
      if (m.type() === "error" && m.text().includes("panicked at")) held.panics.push(m.text().split("\n")[0]);
    });
  context.pages().forEach(watch);
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(held.server.url);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Passphrase").fill(passphrase);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
  await section(page, "Children");
  await page.getByTestId("children-list").waitFor();
  return { context, page };
}
