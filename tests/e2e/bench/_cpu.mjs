import { chromium as playwright } from "@playwright/test";
import { chromium } from "../support/chromium.js";
import fs from "node:fs";
const url = process.argv[2] + (process.argv[3] ?? "/");
const browser = await playwright.launch({ headless: true, ...chromium });
const context = await browser.newContext({ serviceWorkers: "block" });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await page.addInitScript(() => {
  new MutationObserver(() => {
    if (document.querySelector("main.app h1") && !window.__firstScreen) window.__firstScreen = performance.now();
  }).observe(document, { childList: true, subtree: true });
});
await cdp.send("Profiler.start");
await page.goto(url);
await page.waitForFunction(() => window.__firstScreen !== undefined, null, { timeout: 30_000 });
const { profile } = await cdp.send("Profiler.stop");
console.log("first", await page.evaluate(() => window.__firstScreen));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const cf = n.callFrame;
  const key = (cf.functionName || "(anon)") + " " + (cf.url || "").replace(/^.*\//, "");
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
}
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
for (const [k, v] of rows) console.log((v / 1000).toFixed(1).padStart(8), "ms", k);
fs.writeFileSync("/tmp/prof/profile.cpuprofile", JSON.stringify(profile));
await context.close();
await browser.close();
