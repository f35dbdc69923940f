// P2: cold load to the first screen in headless Chromium, with the CPU throttled 4× through the
// DevTools protocol, as a slow tablet: the staff app's sign-in screen of a set-up setting at
// `/`, or (P2p) a parent's phone's app at `/family`, whose first screen is setting the phone up.
// Each run uses a fresh browser context: empty HTTP cache, no service worker.
// Also P1w: the bytes on the wire for one cold load of the first screen, as the server sends
// them to Chromium (the network log's encoded lengths: compressed where it was compressed).
// Prints JSON: {"throttled_ms": median, "unthrottled_ms": median, "wire_bytes": n, "runs": n,
// "samples": {...}}.
import { chromium as playwright } from "@playwright/test";
import { chromium } from "../support/chromium.js";

const server = process.argv[2];
if (!server) {
  console.error("usage: node bench/cold-load.mjs <server url> [path, / by default]");
  process.exit(2);
}
const url = server + (process.argv[3] ?? "/");
// 15 of each: medians of 7 moved 100–200 ms between runs of one build on a busy 2-core machine.
const RUNS = 15;

// Records when the first screen's heading is on screen, from navigation start.
const marker = () => {
  const seen = () => {
    if (document.querySelector("main.app h1") && !window.__firstScreen) {
      window.__firstScreen = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
};

// Waits for the first screen through the DevTools protocol, a small expression every 20 ms.
// Not Playwright's waitForFunction: that injects Playwright's own script (~110 ms of the main
// thread at 4x, in a trace) into the page in the middle of the load it is measuring.
async function firstScreen(cdp) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { result } = await cdp.send("Runtime.evaluate", {
      expression: "window.__firstScreen",
      returnByValue: true,
    });
    if (typeof result.value === "number") return result.value;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error(`no first screen at ${url} within 30 s`);
}

async function once(browser, rate) {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  await page.addInitScript(marker);
  await page.goto(url);
  const ms = await firstScreen(cdp);
  await context.close();
  return ms;
}

// One cold load to the first screen and until the network is quiet, counting what came over it.
async function wireBytes(browser) {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => {
    bytes += e.encodedDataLength;
  });
  await page.addInitScript(marker);
  await page.goto(url, { waitUntil: "networkidle" });
  await firstScreen(cdp);
  await context.close();
  return bytes;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await playwright.launch({ headless: true, ...chromium });
try {
  await once(browser, 1); // warm the server's file cache, not the browser's
  const throttled = [];
  const unthrottled = [];
  for (let i = 0; i < RUNS; i++) {
    throttled.push(await once(browser, 4));
    unthrottled.push(await once(browser, 1));
  }
  const wire = await wireBytes(browser);
  const round = (xs) => xs.map((x) => Math.round(x));
  console.log(
    JSON.stringify({
      throttled_ms: median(throttled),
      unthrottled_ms: median(unthrottled),
      wire_bytes: wire,
      runs: RUNS,
      samples: { throttled: round(throttled), unthrottled: round(unthrottled) },
    }),
  );
} finally {
  await browser.close();
}
