import { defineConfig } from "@playwright/test";
import { chromium } from "./support/chromium.js";

export default defineConfig({
  testDir: "./specs",
  timeout: 90_000,
  expect: { timeout: 10_000 },
  // Each test starts its own server on its own port and data folder, so they could run in
  // parallel; CI has two cores, and one of them is busy with Chromium already.
  workers: 1,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    headless: true,
    launchOptions: chromium,
    // A 10-inch tablet held landscape.
    viewport: { width: 1280, height: 800 },
    locale: "en-GB",
    timezoneId: "Europe/London",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
