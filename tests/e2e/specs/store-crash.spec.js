// A tablet that dies mid-save loses nothing by halves: Chromium is killed (SIGKILL, the whole
// browser) at random moments while the store writes batches of records; after each restart on
// the same profile every record has its outbox entry and every entry its record, the mutation
// counters run 1..n without a gap, every record opens, and every record the page was told was
// saved is still there. The page is the app's own store code (examples/store_crash.rs).
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, freshProfile, openHarness } from "../support/profile.js";

const ROUNDS = 20;

const held = cleanUpAfterEach(test);

// Every Chromium process of this profile, killed at once with no chance to flush anything.
function killChromium(dir) {
  let pids = "";
  try {
    pids = execFileSync("pgrep", ["-f", `user-data-dir=${dir}`], { encoding: "utf8" });
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

test("killing Chromium in the middle of writes never leaves a record without its outbox entry", async () => {
  test.setTimeout(600_000);
  const appDir = process.env.BURROW_STORE_CRASH;
  if (!appDir) throw new Error("set BURROW_STORE_CRASH to the harness page's folder (cargo xtask test does)");
  held.server = await startServer({ appDir });
  const profile = (held.profile = freshProfile());

  const mustHave = new Set();
  let killedWhileWriting = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const context = await profile.launch();
    const check = await openHarness(context, held.server.url, "check", expect);
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

    const page = await openHarness(context, held.server.url, "write", expect);
    await page.waitForTimeout(100 + Math.random() * 1400);
    const saved = await page.evaluate(() => window.saved.slice());
    const counterBefore = report.counter;
    expect(killChromium(profile.dir), "Chromium processes killed").toBeGreaterThan(0);
    await context.close().catch(() => {});
    for (const id of saved) mustHave.add(id);
    if (saved.length > 0) killedWhileWriting++;
    console.log(`kill ${round + 1}: ${counterBefore} records before, ${saved.length} saved this round`);
  }
  expect(killedWhileWriting).toBe(ROUNDS);
});
