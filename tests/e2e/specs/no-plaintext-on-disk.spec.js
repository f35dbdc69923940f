// A copied tablet reveals nothing: a manager registers a child with unmistakable marker names
// and the tablet keeps the children's list (sealed) for offline use; Chromium is closed and
// every file of its profile is read, raw and decompressed. No child's name or date of birth
// may appear anywhere. A positive control proves the scan reads Burrow's IndexedDB at all.
import { test, expect, chromium as playwrightChromium } from "@playwright/test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../support/server.js";
import { chromium } from "../support/chromium.js";
import { scanProfile } from "../support/disk-scan.js";

const PASSPHRASE = "teapot river lantern";

let server;
let profile;
test.afterEach(async () => {
  await server?.stop();
  server?.cleanUp();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("nothing about any child reaches the disk in the clear", async () => {
  server = await startServer({ args: ["--demo"] });
  // A real profile on disk (Playwright's default context keeps storage in memory).
  profile = mkdtempSync(join(tmpdir(), "burrow-profile-"));
  const context = await playwrightChromium.launchPersistentContext(profile, {
    headless: true,
    ...chromium,
    viewport: { width: 1280, height: 800 },
    locale: "en-GB",
    timezoneId: "Europe/London",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  await page.getByLabel("Your name").fill("Sam Patel");
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");

  await page.getByRole("button", { name: "Register a child" }).click();
  await page.getByLabel("First name").fill("Marigold");
  await page.getByLabel("Surname").fill("Thistlewaite-Quorn");
  await page.getByLabel("Date of birth").fill("2023-02-17");
  await page.getByLabel("Key person").selectOption({ label: "Priya Shah" });
  await page.getByRole("button", { name: "Register child" }).click();
  const list = page.getByTestId("children-list");
  await expect(list).toContainText("Marigold Thistlewaite-Quorn");
  await expect(list).toContainText("born 17/02/2023");

  // The tablet holds the list: with the server gone, it still shows it once unlocked.
  await server.stop();
  await page.getByRole("link", { name: "Staff" }).click();
  await page.getByRole("link", { name: "Children" }).click();
  await expect(page.getByText("this is the list as this tablet last saw it")).toBeVisible();
  await expect(page.getByTestId("children-list")).toContainText("Marigold Thistlewaite-Quorn");
  await context.close();

  const { hits, filesRead, tableBlocks } = scanProfile(profile, [
    "Marigold",
    "Thistlewaite",
    "2023-02-17",
    "17/02/2023",
    "Okafor",
    "Kowalski",
    PASSPHRASE,
    "Sam Patel", // positive control: staff names are kept in the clear for the lock screen
  ]);
  console.log(`scanned ${filesRead} files and ${tableBlocks} LevelDB table blocks`);
  const control = hits.filter((h) => h.marker === "Sam Patel" && h.file.includes("IndexedDB"));
  expect(control.length, "the scan must find the lock screen's staff names in IndexedDB").toBeGreaterThan(0);
  const leaks = hits.filter((h) => h.marker !== "Sam Patel");
  expect(leaks, "child data or a passphrase found on disk").toEqual([]);
});
