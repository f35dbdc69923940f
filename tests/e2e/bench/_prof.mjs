import { chromium as playwright } from "@playwright/test";
import { chromium } from "../support/chromium.js";
const url = process.argv[2] + (process.argv[3] ?? "/");
const extra = process.env.EXTRA ? process.env.EXTRA.split(" ") : [];
const browser = await playwright.launch({ headless: true, ...chromium, args: [...chromium.args, ...extra] });
for (let run = 0; run < 3; run++) {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (document.querySelector("main.app h1") && !window.__firstScreen) window.__firstScreen = performance.now();
      if (document.querySelector("main.app") && !window.__main) window.__main = performance.now();
      if (document.querySelector("main.app p.loading") && !window.__loading) window.__loading = performance.now();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__firstScreen !== undefined, null, { timeout: 30_000 });
  const t = await page.evaluate(() => ({
    first: window.__firstScreen, main: window.__main, loading: window.__loading,
    res: performance.getEntriesByType("resource").map((e) => [e.name.replace(/^https?:\/\/[^/]+/, ""), Math.round(e.startTime), Math.round(e.responseEnd)]),
    nav: performance.getEntriesByType("navigation").map((e) => [Math.round(e.responseEnd), Math.round(e.domContentLoadedEventEnd)]),
  }));
  console.log(JSON.stringify(t));
  await context.close();
}
await browser.close();
