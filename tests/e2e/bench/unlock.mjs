// P9 as a person feels it (issue 19 part 5): on the lock screen of a signed-in tablet, from the
// tap on "Unlock" until the page they were on is back, with the CPU throttled 4× through the
// DevTools protocol as on a slow tablet, and unthrottled as the baseline. The key is unwrapped
// with the app's own PBKDF2-SHA256 cost (core::keys::PBKDF2_ITERATIONS, 1,200,000).
// Chromium's throttle slows the page's own thread; WebCrypto's PBKDF2 runs in native code off
// it, so the throttled time shows what the app adds around the derivation, and a tablet whose
// native code is slower than this machine's adds that to the derivation itself (see P9).
// Needs BURROW_SERVER and BURROW_DIST (cargo xtask bench sets them).
// Prints JSON: {"throttled_ms", "unthrottled_ms", "runs", "samples"}.
import { chromium as playwright } from "@playwright/test";
import { chromium } from "../support/chromium.js";
import { startServer } from "../support/server.js";

const RUNS = 5;
const PASSPHRASE = "teapot river lantern";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(page, cdp, rate) {
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  await page.getByRole("button", { name: "Lock" }).click();
  await page.getByRole("heading", { name: "Burrow is locked" }).waitFor();
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  const start = performance.now();
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.getByTestId("children-list").getByText("Ava Okafor").waitFor({ timeout: 30_000 });
  const ms = performance.now() - start;
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  return ms;
}

const server = await startServer({ args: ["--demo"] });
const browser = await playwright.launch({ headless: true, ...chromium });
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: "en-GB",
    timezoneId: "Europe/London",
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(server.url);
  await page.getByLabel("Your name").fill("Sam Patel");
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Children" }).click();
  await page.getByTestId("children-list").getByText("Ava Okafor").waitFor();
  await once(page, cdp, 1); // the first unlock warms the page's code
  const throttled = [];
  const unthrottled = [];
  for (let i = 0; i < RUNS; i++) {
    throttled.push(await once(page, cdp, 4));
    unthrottled.push(await once(page, cdp, 1));
  }
  const round = (xs) => xs.map((x) => Math.round(x));
  console.log(
    JSON.stringify({
      throttled_ms: Math.round(median(throttled)),
      unthrottled_ms: Math.round(median(unthrottled)),
      runs: RUNS,
      samples: { throttled: round(throttled), unthrottled: round(unthrottled) },
    }),
  );
} finally {
  await browser.close();
  await server.stop();
  server.cleanUp();
}
