import { chromium as playwright } from "@playwright/test";
import { chromium } from "../support/chromium.js";
import fs from "node:fs";
const url = process.argv[2] + (process.argv[3] ?? "/");
const browser = await playwright.launch({ headless: true, ...chromium });
const context = await browser.newContext({ serviceWorkers: "block" });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
await page.addInitScript(() => {
  new MutationObserver(() => {
    if (document.querySelector("main.app h1") && !window.__firstScreen) { window.__firstScreen = performance.now(); performance.mark("first-screen"); }
  }).observe(document, { childList: true, subtree: true });
});
await browser.startTracing(page, { path: "/tmp/prof/trace.json", categories: ["devtools.timeline", "v8", "v8.wasm", "disabled-by-default-v8.compile", "blink", "IndexedDB", "loading", "blink.user_timing"] });
await page.goto(url);
await page.waitForFunction(() => window.__firstScreen !== undefined, null, { timeout: 30_000 });
await browser.stopTracing();
console.log("first", await page.evaluate(() => window.__firstScreen));
await context.close();
await browser.close();
