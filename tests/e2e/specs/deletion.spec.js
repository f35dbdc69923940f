// A leaver's data deleted everywhere (issue 15 parts 6-8), on three devices: the key person's
// tablet, the manager's tablet and Ava's mum's phone. Ava left yesterday; the manager shortens
// the grace period to none in Settings, so her data goes from the server at once. Each device
// deletes its copy at its next sync and says so; the manager's page shows who still holds one,
// then that every device has deleted it, and the receipt it downloads is genuine by the server's
// own check. Ava is gone from the key person's tablet while Noah's journal keeps the group entry,
// with "A friend" where Ava was; so does an entry about both that Priya wrote off the Wi-Fi and
// that reached the server only after Ava's data had gone.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { scanProfile } from "../support/disk-scan.js";
import { cleanUpAfterEach, openOnDisk, signedInOnDisk } from "../support/profile.js";
import { enrol, syncNow } from "../support/tablets.js";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const GRACE_PASSPHRASE = "marble otter sunrise";
const held = cleanUpAfterEach(test);

const iso = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(d);

async function observe(page, children, words) {
  await section(page, "Observe");
  for (const child of children) {
    await page.getByTestId("observation-children").getByLabel(child).check();
  }
  await page.getByLabel("What did you see?").fill(words);
  await expect(page.getByTestId("saved")).toContainText("Saved on this tablet, encrypted");
  await page.getByTestId("quick-tags").getByRole("button").first().click();
  await page.getByRole("button", { name: "Submit for validation" }).click();
  await expect(page.getByRole("button", { name: "Submit for validation" })).toHaveCount(0);
}

async function familySync(page) {
  const said = page.getByTestId("family-sync");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(said).toContainText("Up to date", { timeout: 30_000 });
}

// How many records and photo chunks the tablet's IndexedDB holds (sealed: only counted).
async function stored(page) {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    const counts = {};
    for (const name of names) {
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const store of ["records", "photo_chunks"]) {
        if (!db.objectStoreNames.contains(store)) continue;
        counts[store] = (counts[store] ?? 0) + (await new Promise((resolve) => {
          const r = db.transaction(store).objectStore(store).count();
          r.onsuccess = () => resolve(r.result);
        }));
      }
      db.close();
    }
    return counts;
  });
}

test("a leaver's data is deleted from the server and every device, which confirm it, with a genuine receipt", async () => {
  test.setTimeout(300_000);
  held.server = await startServer({ args: ["--demo"] });
  const room = await signedInOnDisk(held, "Priya Shah", PASSPHRASE);
  const roomProfile = held.profile;
  const officeHeld = { server: held.server, panics: held.panics };
  const office = await signedInOnDisk(officeHeld, "Sam Patel", PASSPHRASE);
  held.others = [officeHeld.profile];
  const priya = room.page;
  const sam = office.page;
  await enrol(priya, sam, "Room 2 tablet");
  await enrol(sam, sam, "Office tablet");

  // Ava's mum follows Ava and her brother Noah on her phone.
  await section(sam, "Families");
  await sam.getByLabel("Their name").fill("Grace Okafor");
  await sam.getByTestId("parent-children").getByLabel("Ava Okafor").check();
  await sam.getByTestId("parent-children").getByLabel("Noah Williams").check();
  await sam.getByRole("button", { name: "Link and make a code" }).click();
  const code = (await sam.getByTestId("family-invite").locator(".code").textContent()).trim();
  const device = await openOnDisk(held);
  held.others.push(device.profile);
  const grace = device.page;
  await grace.setViewportSize({ width: 390, height: 844 });
  await grace.getByRole("link", { name: "Follow your child’s journal on your own phone" }).click();
  await grace.getByLabel("Invite code").fill(code);
  await grace.getByLabel("Passphrase", { exact: true }).fill(GRACE_PASSPHRASE);
  await grace.getByLabel("Passphrase again").fill(GRACE_PASSPHRASE);
  await grace.getByRole("button", { name: "Set up this phone" }).click();
  await expect(grace.getByRole("heading", { name: "Ava and Noah’s journal" })).toBeVisible();

  // Priya writes about Ava alone, and about Ava and Noah together; both tablets have them.
  await observe(priya, ["Ava Okafor"], "Ava painted a sunflower for her mum");
  await observe(priya, ["Ava Okafor", "Noah Williams"], "Ava and Noah built a den with the big blocks");
  // And a photo of Ava at the easel (her parents agreed to every purpose, displays too).
  await section(priya, "Photo");
  await priya.getByLabel("Ava Okafor").check();
  await priya.getByRole("button", { name: "Open the camera" }).click();
  await expect(priya.getByLabel("Camera preview")).toBeVisible();
  await priya.getByRole("button", { name: "Take photo" }).click();
  await expect(priya.getByText("Saved on this tablet, encrypted.")).toBeVisible();
  await expect(await syncNow(priya)).toContainText("Everything is on the setting’s server");
  await expect(await syncNow(sam)).toContainText("Everything is on the setting’s server");
  // Sam validates both; Ava's mum's phone brings them.
  await section(sam, "Validate");
  const item = sam.getByTestId("queue-item");
  await expect(item).toHaveCount(2);
  // The count above the queue lines up with the cards, not the screen's edge.
  const countAt = (await sam.getByTestId("queue-count").boundingBox()).x;
  expect(countAt).toBeGreaterThanOrEqual((await item.first().boundingBox()).x - 1);
  await item.first().getByRole("button", { name: "Validate", exact: true }).click();
  await expect(item).toHaveCount(1);
  await item.first().getByRole("button", { name: "Validate", exact: true }).click();
  await expect(sam.getByTestId("queue-done")).toBeVisible();
  await expect(await syncNow(sam)).toContainText("Everything is on the setting’s server");
  await familySync(grace);
  await expect(grace.getByTestId("family-entry")).toHaveCount(2);
  await section(priya, "Children");
  await priya.getByRole("link", { name: "Noah’s journal" }).click();
  await expect(priya.getByTestId("journal")).toContainText("Ava and Noah built a den");
  // A draft about both, saved and synced; Priya changes it off the Wi-Fi below.
  await section(priya, "Observe");
  await priya.getByTestId("observation-children").getByLabel("Ava Okafor").check();
  await priya.getByTestId("observation-children").getByLabel("Noah Williams").check();
  await priya.getByLabel("What did you see?").fill("Ava and Noah fed the fish");
  await expect(priya.getByTestId("saved")).toContainText("Saved on this tablet, encrypted");
  await section(priya, "Children");
  await expect(await syncNow(priya)).toContainText("Everything is on the setting’s server");
  const before = await stored(priya);

  // Priya's tablet goes out of the Wi-Fi's reach (an outing): she writes about Ava and Noah at
  // the water tray there, and finishes the draft about the fish. Both reach the server only
  // after Ava's data has gone (the draft rewritten there without her meanwhile).
  await room.context.setOffline(true);
  await observe(priya, ["Ava Okafor", "Noah Williams"], "Ava and Noah splashed in the water tray");
  await section(priya, "Children");
  await priya.getByRole("link", { name: "Noah’s journal" }).click();
  await priya.getByTestId("journal").getByText("Ava and Noah fed the fish").click();
  await priya.getByLabel("What did you see?").fill("Ava and Noah fed the fish together");
  await expect(priya.getByTestId("saved")).toContainText("Saved on this tablet, encrypted");

  // Ava left yesterday. Her page says when her data will go: after the 30 days' grace.
  const yesterday = new Date(Date.now() - 86_400_000);
  await section(sam, "Children");
  await sam.getByRole("link", { name: "Ava’s consent" }).click();
  const card = sam.getByTestId("leaving");
  await card.getByLabel("Last day at the setting").fill(iso(yesterday));
  await card.getByRole("button", { name: "Record the leaving date" }).click();
  await expect(card).toContainText("Ava left on");
  await expect(sam.getByTestId("deleted-on")).toContainText(
    "Ava’s journal, photos and records will be deleted from the server and every tablet on",
  );

  // Sam keeps the photo for posterity (for the setting's displays); it shows from his tablet.
  const posterity = sam.getByTestId("posterity");
  await expect(posterity.getByTestId("posterity-photo")).toHaveCount(1);
  await expect(posterity.getByRole("img")).toHaveCount(1);
  await posterity.getByLabel("Keep for posterity").check();
  await expect(posterity).toContainText("Kept for posterity: it stays when the rest is deleted.");
  await expect(posterity.getByLabel("Keep for posterity")).toBeChecked();
  await posterity.screenshot({ path: test.info().outputPath("posterity.png") });
  // The card fits a phone's width too (a manager may look on one).
  const tablet = sam.viewportSize();
  await sam.setViewportSize({ width: 390, height: 844 });
  await expect(async () => {
    expect(await sam.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect((await posterity.getByRole("img").boundingBox()).width).toBeLessThanOrEqual(390);
  }).toPass({ timeout: 5_000 });
  await posterity.screenshot({ path: test.info().outputPath("posterity-phone.png") });
  await sam.setViewportSize(tablet);

  // The manager shortens the grace period to none: a bad number first, refused beside the field.
  await section(sam, "Settings");
  const leavers = sam.getByTestId("leavers-setting");
  await expect(leavers).toContainText("30 days after their last day");
  await leavers.getByLabel("Days to keep a leaver’s records after their last day").fill("400");
  await leavers.getByRole("button", { name: "Save" }).click();
  await expect(leavers.locator(".field-error")).toContainText("between 0 and 365");
  await leavers.getByLabel("Days to keep a leaver’s records after their last day").fill("0");
  await leavers.getByRole("button", { name: "Save" }).click();
  await expect(leavers).toContainText("Saved. A leaver’s records are now deleted the day after their last day.");

  // The server deletes Ava's data at once; the manager's page lists the devices still holding it.
  await section(sam, "Children");
  const deletion = sam.getByTestId("deletion");
  // It runs in the background: the page is opened again until it is listed.
  await expect(async () => {
    await section(sam, "Settings");
    await section(sam, "Children");
    await expect(deletion).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(deletion).toContainText("Deleted: 1 entry");
  await expect(deletion).toContainText("1 photo was kept for posterity.");
  await expect(deletion).toContainText("Kept for the other children, with this child taken out: 2 group entries.");
  // The phone syncs only when Grace asks; a tablet may have synced by itself meanwhile.
  await expect(deletion).toContainText("Still to delete their copy at their next sync:");
  await expect(deletion).toContainText("A parent's phone");
  await expect(sam.getByTestId("children-list")).not.toContainText("Ava Okafor");

  // Each device syncs, deletes its copy and says so. Priya's tablet is back: its entry from the
  // water tray is kept for Noah without Ava and goes to the server in the same run, with no
  // refusal left to show.
  await room.context.setOffline(false);
  await expect(await syncNow(priya)).toContainText("Everything is on the setting’s server");
  await expect(await syncNow(sam)).toContainText("Everything is on the setting’s server");
  await familySync(grace);
  await expect(grace.getByTestId("family-left")).toContainText("Ava has left the setting");
  await expect(grace.getByRole("heading", { name: "Noah’s journal" })).toBeVisible();
  await expect(grace.getByTestId("family-entry")).toContainText("A friend and Noah built a den");
  expect(await grace.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await grace.screenshot({ path: test.info().outputPath("phone-after-deletion.png"), fullPage: true });
  await section(sam, "Settings");
  await section(sam, "Children");
  await expect(deletion).toHaveAttribute("data-complete", "true");
  await expect(deletion).toContainText("Every tablet and phone has deleted its copy.");
  await sam.screenshot({ path: test.info().outputPath("children-deletions.png"), fullPage: true });
  await sam.setViewportSize({ width: 390, height: 844 });
  expect(await sam.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await sam.screenshot({ path: test.info().outputPath("children-deletions-phone.png"), fullPage: true });

  // The receipt: genuine by the server's own check; edited, it is not.
  const saving = sam.waitForEvent("download");
  await deletion.getByRole("link", { name: "Download the deletion receipt" }).click();
  const receiptPath = test.info().outputPath("receipt.json");
  await (await saving).saveAs(receiptPath);
  const verify = (file) =>
    spawnSync(process.env.BURROW_SERVER, ["--data-dir", held.server.dataDir, "verify-receipt", file], { encoding: "utf8" });
  const genuine = verify(receiptPath);
  expect(genuine.status, genuine.stdout + genuine.stderr).toBe(0);
  expect(genuine.stdout).toContain("Genuine");
  const receipt = JSON.parse(readFileSync(receiptPath, "utf8"));
  expect(JSON.stringify(receipt)).not.toContain("Okafor");
  expect(receipt.receipt.devices.every((d) => d.state.state === "confirmed")).toBe(true);
  receipt.receipt.removed.entries = 0;
  const edited = test.info().outputPath("edited.json");
  writeFileSync(edited, JSON.stringify(receipt));
  const refused = verify(edited);
  expect(refused.status).toBe(1);
  expect(refused.stdout).toContain("Not genuine");

  // On the key person's tablet Ava is gone; Noah's journal keeps the group entry without her.
  await section(priya, "Children");
  await expect(priya.getByTestId("children-list")).toContainText("Noah Williams");
  await expect(priya.getByTestId("children-list")).not.toContainText("Ava");
  await priya.getByRole("link", { name: "Noah’s journal" }).click();
  await expect(priya.getByTestId("journal")).toContainText("A friend and Noah built a den");
  await expect(priya.getByTestId("journal")).toContainText("A friend and Noah splashed in the water tray");
  await expect(priya.getByTestId("journal")).toContainText("A friend and Noah fed the fish together");
  await expect(priya.getByTestId("journal")).not.toContainText("Ava");
  // The entry written on the outing reached the server without Ava: Sam's queue has it.
  await syncNow(sam);
  await section(sam, "Validate");
  await expect(sam.getByTestId("queue-item")).toHaveCount(1);
  await expect(sam.getByTestId("queue-item")).toContainText("A friend and Noah splashed in the water tray");
  await expect(sam.getByTestId("queue-item")).not.toContainText("Ava");
  const after = await stored(priya);
  // Ava's own entry, her roster row and her consent answers left the store.
  expect(after.records).toBeLessThan(before.records);

  // A thief's copy of either tablet finds none of it either (the scan finds what is in the clear).
  await room.context.close();
  await office.context.close();
  for (const [who, profile] of [["Priya", roomProfile], ["Sam", officeHeld.profile]]) {
    const { hits } = scanProfile(profile.dir, ["sunflower", "Okafor", "burrow-store-epoch"]);
    expect(hits.filter((h) => h.marker === "burrow-store-epoch").length, `${who}: the scan must find the store's epoch key`).toBeGreaterThan(0);
    expect(hits.filter((h) => h.marker !== "burrow-store-epoch"), `${who}'s tablet`).toEqual([]);
  }
  await device.context.close();
});
