// A copied tablet reveals nothing. Chromium is closed and every file of its profile is read,
// raw and decompressed; a positive control in each test proves the scan reads Burrow's
// IndexedDB at all.
// 1. The app: a manager registers a child with unmistakable marker names and the tablet keeps
//    the children's list (sealed) for offline use. No child's name or date of birth on disk.
// 2. The store underneath (through the harness page, since the camera and the observation
//    editor come in later issues): thousands of observation-sized records with a marker text
//    and a 300 KB photo of a known byte pattern. Neither appears on disk.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { scanProfile } from "../support/disk-scan.js";
import { cleanUpAfterEach, freshProfile, openHarness, signedInOnDisk } from "../support/profile.js";

const PASSPHRASE = "teapot river lantern";

const held = cleanUpAfterEach(test);

test("nothing about any child reaches the disk in the clear", async () => {
  held.server = await startServer({ args: ["--demo"] });
  const { context, page } = await signedInOnDisk(held, "Sam Patel", PASSPHRASE);
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
  await held.server.stop();
  await page.getByRole("link", { name: "Staff" }).click();
  await page.getByRole("link", { name: "Children" }).click();
  await expect(page.getByText("this is the list as this tablet last saw it")).toBeVisible();
  await expect(page.getByTestId("children-list")).toContainText("Marigold Thistlewaite-Quorn");
  await context.close();

  const { hits, filesRead, tableBlocks } = scanProfile(held.profile.dir, [
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

// The photo's bytes as the harness makes them (`pattern` in examples/store_crash.rs).
function pattern(from, len) {
  return Buffer.from(Array.from({ length: len }, (_, k) => ((from + k) * 167 + 13) % 256));
}

test("records and photos sealed by the store leave no trace of their content on disk", async () => {
  const appDir = process.env.BURROW_STORE_CRASH;
  if (!appDir) throw new Error("set BURROW_STORE_CRASH to the harness page's folder (cargo xtask test does)");
  held.server = await startServer({ appDir });
  held.profile = freshProfile();
  const context = await held.profile.launch();
  const photo = await openHarness(context, held.server.url, "photo", expect);
  expect(await photo.evaluate(() => window.photo), "the photo reads back whole").toBe(true);
  // Enough records for LevelDB to move some into compressed table files.
  const page = await openHarness(context, held.server.url, "write", expect);
  await page.waitForFunction(() => window.saved.length >= 4000, null, { timeout: 120_000 });
  const marker = await page.evaluate(() => window.marker);
  await context.close();

  const control = "harness plain control marker";
  const { hits, filesRead, tableBlocks } = scanProfile(held.profile.dir, [
    marker,
    { label: "photo bytes (start)", bytes: pattern(0, 48) },
    { label: "photo bytes (middle)", bytes: pattern(150_001, 48) },
    control,
  ]);
  console.log(`scanned ${filesRead} files and ${tableBlocks} LevelDB table blocks`);
  expect(tableBlocks, "LevelDB moved records into compressed tables, and the scan opened them").toBeGreaterThan(0);
  expect(hits.filter((h) => h.marker === control).length, "the scan must find the plain control").toBeGreaterThan(0);
  expect(hits.filter((h) => h.marker !== control), "record text or photo bytes found on disk").toEqual([]);
});
