// Enrolling a tablet: it asks (after the setting's server proves its identity), shows a code,
// and a manager approves it with that code and a name; a wrong code is refused with the
// reason. The tablet's signed check then says it is enrolled, also after a reload; once a
// manager removes it, the tablet wipes itself at its next contact.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);

test("a manager approves this tablet with the code it shows, then removes it and it wipes itself", async () => {
  held.server = await startServer({ args: ["--demo"] });
  const { context, page } = await signedInOnDisk(held, "Sam Patel", PASSPHRASE);
  await section(page, "Settings");
  const enrolment = page.getByTestId("enrolment");
  await expect(enrolment).toContainText("This tablet is not enrolled yet");
  await enrolment.getByRole("button", { name: "Enrol this tablet" }).click();
  const shown = enrolment.getByTestId("enrol-code");
  await expect(shown).toHaveText(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  const code = await shown.textContent();

  const tablets = page.getByTestId("tablets");
  await page.reload();
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  // Still waiting, with the same code, after a reload.
  await expect(enrolment.getByTestId("enrol-code")).toHaveText(code);
  const waiting = tablets.locator('li[data-status="pending"]');
  await expect(waiting).toContainText("A tablet waiting for approval");
  await waiting.getByLabel("Code shown on the tablet").fill("AAAAA-AAAAA");
  await waiting.getByLabel("Name for this tablet").fill("Room 2 tablet");
  await waiting.getByRole("button", { name: "Approve this tablet" }).click();
  await expect(waiting).toContainText("That code is not the one this tablet shows. Check the code on the tablet's screen.");
  await waiting.getByLabel("Code shown on the tablet").fill(code.toLowerCase().replace("-", ""));
  await waiting.getByRole("button", { name: "Approve this tablet" }).click();
  const enrolled = tablets.locator('li[data-status="enrolled"]');
  await expect(enrolled).toContainText("Room 2 tablet · enrolled");

  await enrolment.getByRole("button", { name: "Check again" }).click();
  await expect(enrolment).toContainText("Enrolled as “Room 2 tablet”. The setting’s server proved its identity.");
  await page.reload();
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(enrolment).toContainText("Enrolled as “Room 2 tablet”.");

  await enrolled.getByRole("button", { name: "Remove this tablet" }).click();
  await expect(tablets.locator('li[data-status="revoked"]')).toContainText("Room 2 tablet · removed");
  await page.reload();
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  // Told so at its next contact, it wipes itself: keys, database and cached app, then signs out.
  await expect(page.getByTestId("wiped")).toHaveText(
    "A manager removed this tablet from the setting, so Burrow wiped everything on it. To use it again, a manager enrols it afresh.",
  );
  await expect(page.getByLabel("Your name")).toBeVisible();
  const left = await page.evaluate(async () => {
    const cached = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) cached.push(new URL(request.url).pathname);
    }
    // The app opens a fresh, empty store as it starts again: count what is in it.
    const db = await new Promise((ok, no) => {
      const r = indexedDB.open("burrow");
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    const count = (store) =>
      new Promise((ok) => {
        if (!db.objectStoreNames.contains(store)) return ok(0);
        const r = db.transaction(store).objectStore(store).count();
        r.onsuccess = () => ok(r.result);
      });
    const wrapped = await new Promise((ok) => {
      if (!db.objectStoreNames.contains("meta")) return ok(null);
      const r = db.transaction("meta").objectStore("meta").get("wrapped_keys");
      r.onsuccess = () => ok(r.result ?? null);
    });
    const rows = { records: await count("records"), outbox: await count("outbox"), photo_chunks: await count("photo_chunks") };
    db.close();
    return { cached, rows, wrapped };
  });
  expect(left.rows, "nothing left in the store").toEqual({ records: 0, outbox: 0, photo_chunks: 0 });
  expect(left.wrapped, "no wrapped key left").toBeNull();
  // The app shell may be cached again as the app reloads; nothing from the API ever is.
  expect(left.cached.filter((p) => p.startsWith("/api/"))).toEqual([]);
  await context.close();
});
