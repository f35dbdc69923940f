// P14: a quick observation, as a key person makes one on a tablet (DESIGN §1: under 30 seconds,
// offline or not): from Today, tap "New observation" beside the child, write 80 characters, add
// a photo from the camera, tap a suggested tag, submit. Every tap is counted.
//
// A script taps and types far faster than a person, so the time is modelled the usual way
// (the keystroke-level model of Card, Moran and Newell): each tap 1.1 s (reaching and pressing,
// the model's pointing time; on a touch screen the point is the press), each character typed
// 0.28 s (the model's average typist, about 40 words a minute), plus every wait the app itself
// causes, measured: the page opening, the camera starting, the photo being sealed, the save.
// Four runs, the last two with the tablet off the network.
// Needs BURROW_SERVER and BURROW_DIST (cargo xtask bench sets them).
// Prints JSON: {"taps", "typed", "app_s", "person_s", "runs", "samples"}.
import { chromium as playwright } from "@playwright/test";
import { chromium } from "../support/chromium.js";
import { startServer } from "../support/server.js";
import { median, signedIn } from "./signed-in.mjs";

const TAP_S = 1.1;
const KEY_S = 0.28;
const RUNS = 4;
const WORDS = "Ava filled the jug at the water tray and counted three cups as she poured them!";


async function once(page, n) {
  let taps = 0;
  const tap = async (locator) => {
    await locator.click();
    taps += 1;
  };
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Today" }).click();
  const ava = page.getByTestId("key-children").getByRole("listitem").filter({ hasText: "Ava Okafor" });
  await ava.waitFor();

  const start = performance.now();
  await tap(ava.getByRole("link", { name: "New observation" }));
  const text = page.getByLabel("What did you see?");
  await text.waitFor();
  // The cursor is already in the box; if it were not, the person would tap it.
  const focused = await page
    .waitForFunction(() => document.activeElement?.id === "field-text", null, { timeout: 2_000 })
    .then(() => true, () => false);
  if (!focused) await tap(text);
  const said = `${WORDS.slice(0, 78)}${n}.`;
  await page.keyboard.type(said);
  await tap(page.getByRole("button", { name: "Add a photo" }));
  await tap(page.getByRole("button", { name: "Take photo" }));
  await page.getByTestId("observation-photos").getByRole("img").waitFor();
  await tap(page.getByTestId("quick-tags").getByRole("button", { name: "Maths: Number" }));
  await tap(page.getByRole("button", { name: /^Submit/ }));
  await page.getByRole("heading", { name: "Ava’s journal" }).waitFor();
  const appMs = performance.now() - start;
  return { taps, appMs, typed: said.length };
}

const server = await startServer({ args: ["--demo"] });
const browser = await playwright.launch({ headless: true, ...chromium });
try {
  const { context, page } = await signedIn(browser, server.url, "Priya Shah");
  const runs = [];
  for (let n = 0; n < RUNS; n++) {
    if (n === RUNS / 2) await context.setOffline(true);
    runs.push(await once(page, n));
  }
  const typed = Math.max(...runs.map((r) => r.typed));
  const taps = Math.max(...runs.map((r) => r.taps));
  const app = median(runs.map((r) => r.appMs)) / 1000;
  console.log(
    JSON.stringify({
      taps,
      typed,
      app_s: Math.round(app * 100) / 100,
      person_s: Math.round((taps * TAP_S + typed * KEY_S + app) * 10) / 10,
      runs: RUNS,
      samples: runs.map((r) => ({ taps: r.taps, app_s: Math.round(r.appMs) / 1000 })),
    }),
  );
} finally {
  await browser.close();
  await server.stop();
  server.cleanUp();
}
