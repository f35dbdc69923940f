// The restore drill (issue 17): a key person's tablet syncs a day of observations and photos;
// the nightly backup is taken while it pushes more; later work reaches the server, and the
// manager validates an entry on the office tablet. The server is lost and restored from the
// backup into a new folder, on the same address. Each tablet, at its next sync, notices and sends
// back what the server lost (the office first, with the validated copy it made; then the room),
// and the server ends with everything either tablet ever held: each entry once, at its newest,
// photos and all, the audit log intact and saying who sent what back. Both tablets carry on.
import { test, expect } from "@playwright/test";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { enrol, syncNow } from "../support/tablets.js";
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);

// An observation about Ava, with a photo if asked, submitted for validation.
async function observe(page, words, { photo = false } = {}) {
  await section(page, "Observe");
  await page.getByTestId("observation-children").getByLabel("Ava Okafor").check();
  await page.getByLabel("What did you see?").fill(words);
  await expect(page.getByTestId("saved")).toContainText("Saved on this tablet, encrypted");
  if (photo) {
    await page.getByRole("button", { name: "Add a photo" }).click();
    await page.getByRole("button", { name: "Take photo" }).click();
    await expect(page.getByTestId("observation-photos").getByRole("img")).toHaveCount(1);
  }
  await page.getByRole("button", { name: "Submit for validation" }).click();
  await expect(page.getByRole("button", { name: "Submit for validation" })).toHaveCount(0);
}

function burrow(args, input = "") {
  const run = spawnSync(process.env.BURROW_SERVER, args, { input, encoding: "utf8", env: { ...process.env, RUST_LOG: "off" } });
  return { ok: run.status === 0, said: run.stdout };
}

// The same, started now and finished later (the backup taken while a tablet pushes).
function burrowMeanwhile(args) {
  return new Promise((resolve) => {
    const child = spawn(process.env.BURROW_SERVER, args, { env: { ...process.env, RUST_LOG: "off" } });
    let said = "";
    child.stdout.on("data", (d) => (said += d));
    child.on("close", (code) => resolve({ ok: code === 0, said }));
  });
}

// Ava's journal on this tablet: each entry's text, and how many photos each shows.
async function avasJournal(page) {
  await section(page, "Children");
  await page.getByRole("link", { name: "Ava’s journal" }).click();
  return page.getByTestId("journal").locator(".entry");
}

const WORDS = {
  before: "Ava poured water from jug to jug at the water tray",
  during: "Ava built a tower of ten blocks and counted them",
  after: "Ava dug for worms in the sand pit with a spoon",
};

test("after a restore from an older backup, tablets send back what the server lost, once each", async () => {
  test.setTimeout(300_000);
  const scratch = mkdtempSync(join(tmpdir(), "burrow-restore-drill-"));
  try {
    held.server = await startServer({ args: ["--demo"] });
    const address = new URL(held.server.url).host;
    const room = (await signedInOnDisk(held, "Priya Shah", PASSPHRASE)).page;
    const officeHeld = { server: held.server, panics: held.panics };
    const office = (await signedInOnDisk(officeHeld, "Sam Patel", PASSPHRASE)).page;
    held.others = [officeHeld.profile];
    await enrol(room, office, "Room 1 tablet");
    await enrol(office, office, "Office tablet");

    // The morning's work reaches the server.
    await observe(room, WORDS.before, { photo: true });
    await expect(await syncNow(room)).toContainText("Everything is on the setting’s server");

    // The nightly backup runs while the room pushes its next entry, with a photo.
    const key = (await (await office.request.post(`${held.server.url}/api/backups/recovery-key`, { data: {} })).json()).recovery_key;
    const backup = join(scratch, "nightly.age");
    await observe(room, WORDS.during, { photo: true });
    const backingUp = burrowMeanwhile(["--data-dir", held.server.dataDir, "backup", "--to", backup]);
    await expect(await syncNow(room)).toContainText("Everything is on the setting’s server");
    const made = await backingUp;
    expect(made.said).toContain("Backup written to");

    // After the backup: more work, and the manager validates the tower on the office tablet.
    await observe(room, WORDS.after, { photo: true });
    await expect(await syncNow(room)).toContainText("Everything is on the setting’s server");
    await expect(await syncNow(office)).toContainText("Everything is on the setting’s server");
    await section(office, "Validate");
    const tower = office.getByTestId("queue-item").filter({ hasText: "tower of ten blocks" });
    await tower.getByRole("button", { name: "Validate", exact: true }).click();
    await expect(office.getByTestId("queue-done")).toContainText("Validated");
    await expect(await syncNow(office)).toContainText("Everything is on the setting’s server");
    await expect(await syncNow(room)).toContainText("Everything is on the setting’s server");

    // The server is lost, and restored from the backup into a new folder, on the same address.
    await held.server.stop();
    held.server.cleanUp();
    const restoredDir = join(scratch, "restored");
    const restored = burrow(["restore", "--from", backup, "--data-dir", restoredDir], `${key}\n`);
    expect(restored.said).toContain("The audit log is intact");
    expect(restored.ok).toBe(true);
    held.server = await startServer({ dataDir: restoredDir, http: address });
    officeHeld.server = held.server;
    expect(held.server.url).toBe(`http://${address}`);
    const api = office.request;
    const log = await (await api.get(`${held.server.url}/api/audit?action=restored_from_backup`)).json();
    expect(log.entries).toHaveLength(1);

    // The office comes back first, with its validation; then the room, with the rest.
    await expect(await syncNow(office)).toContainText("Everything is on the setting’s server");
    await expect(await syncNow(room)).toContainText("Everything is on the setting’s server");
    // The office pulls again from where the restored server stood: the room's work reaches it.
    await expect(await syncNow(office)).toContainText("Everything is on the setting’s server");

    // Nothing was refused on either tablet.
    for (const page of [room, office]) {
      await expect(page.getByTestId("sync-refused-link")).toHaveCount(0);
    }

    // The server holds everything, once each: a third tablet, new today, pulls it all.
    const thirdHeld = { server: held.server, panics: held.panics };
    const third = (await signedInOnDisk(thirdHeld, "Sam Patel", PASSPHRASE)).page;
    held.others.push(thirdHeld.profile);
    await enrol(third, third, "New tablet");
    await expect(await syncNow(third)).toContainText("Everything is on the setting’s server");
    const entries = await avasJournal(third);
    for (const words of Object.values(WORDS)) {
      const entry = entries.filter({ hasText: words });
      await expect(entry).toHaveCount(1);
      await expect(entry.getByRole("img")).toHaveCount(1);
    }
    await third.getByTestId("journal").locator("a.entry-link").filter({ hasText: "tower of ten blocks" }).click();
    await expect(third.getByTestId("observation-status")).toHaveText("Validated");

    // The audit log is intact, and says which tablets sent records back.
    expect((await (await api.get(`${held.server.url}/api/audit/check`)).json()).intact).toBe(true);
    const resent = await (await api.get(`${held.server.url}/api/audit?action=resent_after_restore`)).json();
    expect(resent.entries.length).toBeGreaterThanOrEqual(1);

    // Both tablets carry on: the room's next entry reaches the server, with no gap.
    await observe(room, "Ava washed her hands before snack");
    await expect(await syncNow(room)).toContainText("Everything is on the setting’s server");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
