// Enrolling a tablet: it asks (after the setting's server proves its identity), shows a code,
// and a manager approves it with that code and a name; a wrong code is refused with the
// reason. The tablet's signed check then says it is enrolled, also after a reload; once a
// manager removes it, it says so.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);

test("a manager approves this tablet with the code it shows, then removes it", async () => {
  held.server = await startServer({ args: ["--demo"] });
  const { context, page } = await signedInOnDisk(held, "Sam Patel", PASSPHRASE);
  await page.getByRole("link", { name: "Settings", exact: true }).click();
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
  await expect(enrolment).toContainText("A manager removed this tablet. It can no longer sync.");
  await context.close();
});
