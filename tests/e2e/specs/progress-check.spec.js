// The two-year progress check: Priya's day says Noah's is due; she writes it (a strength, as
// expected, and a concern in communication and language), is refused until she says how the
// setting will support him, loses nothing to a reload, and submits it; Noah's progress screen
// then shows the strengths and the concern. A check for a child not yet two is refused.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);

test("a key person writes a two-year check with a concern and a support plan, kept through a reload", async () => {
  held.server = await startServer({ args: ["--demo"] });
  const { context, page } = await signedInOnDisk(held, "Priya Shah", PASSPHRASE);

  await section(page, "Today");
  const key = page.getByTestId("key-children");
  const noah = key.getByRole("listitem").filter({ hasText: "Noah Williams" });
  await expect(noah.getByTestId("check-due")).toHaveText(/^Two-year check due before \d\d\/\d\d\/\d{4}$/);
  // Ava is three: hers is not the two-year check.
  await expect(key.getByRole("listitem").filter({ hasText: "Ava Okafor" }).getByTestId("check-due")).toHaveCount(0);
  await noah.getByRole("link", { name: "Two-year check" }).click();

  await expect(page.getByRole("heading", { name: "Noah’s two-year progress check" })).toBeVisible();
  await expect(page.getByTestId("check-due")).toHaveText(/^Due now: before their third birthday, \d\d\/\d\d\/\d{4}\.$/);
  await expect(page.getByTestId("check-status")).toHaveText("Status: Draft");
  const area = (code) => page.locator(`fieldset[data-area="${code}"]`);
  await area("PSED").getByLabel("A strength").check();
  await area("PSED").getByLabel("What Noah can do, and what comes next").fill("Settles quickly and plays alongside friends.");
  await area("PD").getByLabel("Developing as expected").check();
  await area("PD").getByLabel("What Noah can do, and what comes next").fill("Climbs the low frame and feeds himself with a spoon.");
  await area("CL").getByLabel("An area of concern").check();
  await area("CL").getByLabel("What Noah can do, and what comes next").fill("Uses a few single words; points to ask for things.");

  await page.getByRole("button", { name: "Submit for validation" }).click();
  await expect(page.getByText("There is an area of concern: say how the setting will support the child, as agreed with the parents.")).toBeVisible();
  await expect(page.getByTestId("check-status")).toHaveText("Status: Draft");

  await page.getByLabel("How we will support Noah").fill("Daily small-group talk time; a speech and language referral agreed with his mum.");
  await expect(page.getByTestId("saved")).toContainText("Saved on this tablet, encrypted");
  await page.waitForTimeout(300);
  const address = page.url();
  await page.reload();
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page).toHaveURL(address);
  await expect(area("CL").getByLabel("An area of concern")).toBeChecked();
  await expect(area("PSED").getByLabel("What Noah can do, and what comes next")).toHaveValue("Settles quickly and plays alongside friends.");
  await expect(page.getByLabel("How we will support Noah")).toHaveValue(
    "Daily small-group talk time; a speech and language referral agreed with his mum.",
  );

  await page.getByRole("button", { name: "Submit for validation" }).click();
  await expect(page.getByTestId("check-status")).toHaveText("Status: Waiting for validation");
  await expect(page.getByRole("button", { name: "Submit for validation" })).toHaveCount(0);
  await expect(page.getByLabel("How we will support Noah")).toBeDisabled();

  await page.getByRole("link", { name: "Progress", exact: true }).click();
  const summary = page.getByTestId("progress-check");
  await expect(summary).toContainText("Waiting for validation");
  await expect(summary).toContainText("Strengths: Personal, social and emotional development.");
  await expect(summary).toContainText("Areas of concern: Communication and language.");

  // Written and submitted: no longer due on her day.
  await section(page, "Today");
  await expect(key.getByRole("listitem").filter({ hasText: "Noah Williams" })).toBeVisible();
  await expect(key.getByTestId("check-due")).toHaveCount(0);

  // Leo is not two yet: a check for him is refused, saying when he will be.
  await section(page, "Children");
  await page.getByRole("link", { name: "Leo’s journal" }).click();
  await page.getByRole("link", { name: "Progress", exact: true }).click();
  await expect(page.getByTestId("progress-check")).toContainText("Due from their second birthday");
  await page.getByRole("link", { name: "Write the two-year check" }).click();
  for (const code of ["PSED", "PD", "CL"]) {
    await area(code).getByLabel("Developing as expected").check();
    await area(code).getByLabel("What Leo can do, and what comes next").fill("Busy and curious.");
  }
  await page.getByRole("button", { name: "Submit for validation" }).click();
  await expect(page.getByText(/^The child is not two until \d\d\/\d\d\/\d{4}: the two-year check is written between two and three\.$/)).toBeVisible();
  await expect(page.getByTestId("check-status")).toHaveText("Status: Draft");
  await context.close();
});
