// A tablet that dies mid-save loses nothing by halves: Chromium is killed (SIGKILL, the whole
// browser) at random moments while the store writes batches of records; after each restart on
// the same profile every record has its outbox entry and every entry its record, the mutation
// counters run 1..n without a gap, every record opens, and every record the page was told was
// saved is still there. The page is the app's own store code (examples/store_crash.rs).
import { test, expect, chromium as playwrightChromium } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../support/server.js";
import { chromium } from "../support/chromium.js";

const ROUNDS = 20;

let server;
let profile;
test.afterEach(async () => {
  await server?.stop();
  server?.cleanUp();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

function launch() {
  return playwrightChromium.launchPersistentContext(profile, { headless: true, ...chromium });
}

// Every Chromium process of this profile, killed at once with no chance to flush anything.
function killChromium() {
  let pids = "";
  try {
    pids = execFileSync("pgrep", ["-f", `user-data-dir=${profile}`], { encoding: "utf8" });
  } catch {
    return 0; // pgrep finds nothing: already gone
  }
  const list = pids.split("\n").filter(Boolean).map(Number);
  for (const pid of list) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // exited between pgrep and kill
    }
  }
  return list.length;
}

async function open(context, mode) {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/?${mode}`);
  const ready = mode === "write" ? "window.writing || window.failure" : "window.report || window.failure";
  await page.waitForFunction(ready, null, { timeout: 60_000 });
  const failure = await page.evaluate(() => window.failure);
  expect(failure, `the harness failed in ${mode} mode`).toBeUndefined();
  return page;
}

test("killing Chromium in the middle of writes never leaves a record without its outbox entry", async () => {
  test.setTimeout(600_000);
  const appDir = process.env.BURROW_STORE_CRASH;
  if (!appDir) throw new Error("set BURROW_STORE_CRASH to the harness page's folder (cargo xtask test does)");
  server = await startServer({ appDir });
  profile = mkdtempSync(join(tmpdir(), "burrow-crash-"));

  const mustHave = new Set();
  let killedWhileWriting = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const context = await launch();
    const check = await open(context, "check");
    const report = JSON.parse(await check.evaluate(() => window.report));
    expect(report.problems, `after kill ${round}`).toEqual([]);
    const found = new Set(report.records);
    const lost = [...mustHave].filter((id) => !found.has(id));
    expect(lost, `records reported saved but gone after kill ${round}`).toEqual([]);
    expect(report.records.length).toBe(report.counter);
    if (round === ROUNDS) {
      await context.close();
      // Enough writes happened for the kills to have landed among them.
      expect(report.counter).toBeGreaterThan(ROUNDS * 20);
      break;
    }

    const page = await open(context, "write");
    await page.waitForTimeout(100 + Math.random() * 1400);
    const saved = await page.evaluate(() => window.saved.slice());
    const counterBefore = report.counter;
    expect(killChromium(), "Chromium processes killed").toBeGreaterThan(0);
    await context.close().catch(() => {});
    for (const id of saved) mustHave.add(id);
    if (saved.length > 0) killedWhileWriting++;
    console.log(`kill ${round + 1}: ${counterBefore} records before, ${saved.length} saved this round`);
  }
  expect(killedWhileWriting).toBe(ROUNDS);
});
