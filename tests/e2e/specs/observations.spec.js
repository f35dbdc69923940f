// A key person's observation, end to end on a profile on disk: a group observation for two
// children, a photo from the gated camera, tags (a suggested one among them); the draft survives
// a reload mid-typing; it is submitted through the workflow and appears in both journals, where
// the search, area, status and date filters find it (or rightly do not); once submitted it is
// no longer open to change.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);

test("a group observation with a photo and tags is kept through a reload, submitted, and found in both journals", async () => {
  held.server = await startServer({ args: ["--demo"] });
  const { context, page } = await signedInOnDisk(held, "Priya Shah", PASSPHRASE);

  await section(page, "Observe");
  const who = page.getByTestId("observation-children");
  await who.getByLabel("Ava Okafor").check();
  await who.getByLabel("Maya Begum").check();
  const text = page.getByLabel("What did you see?");
  await text.fill("Ava and Maya built a tall tower with the wooden blocks and counted seven bricks");
  await expect(page.getByTestId("saved")).toContainText("Saved on this tablet, encrypted");
  await expect(page).toHaveURL(/\/observations\/[0-9a-f-]{36}$/);
  const address = page.url();

  // Mid-typing, the tablet reloads (a reload forgets the keys, so it unlocks first).
  await text.press("End");
  await text.pressSequentially(", then took turns to knock it down.");
  await expect(page.getByTestId("saved")).toBeVisible();
  await page.waitForTimeout(300);
  await page.reload();
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page).toHaveURL(address);
  await expect(page.getByLabel("What did you see?")).toHaveValue(
    "Ava and Maya built a tall tower with the wooden blocks and counted seven bricks, then took turns to knock it down.",
  );
  await expect(page.getByTestId("observation-children").getByLabel("Maya Begum")).toBeChecked();

  // A photo from the gated camera, added to this observation.
  await page.getByRole("button", { name: "Add a photo" }).click();
  await expect(page.getByRole("heading", { name: "Take a photo" })).toBeVisible();
  await expect(page.getByLabel("Ava Okafor")).toBeChecked();
  await expect(page.getByLabel("Maya Begum")).toBeChecked();
  // Opened from the observation, the camera is already open; a group photo stays here for its
  // faces, a photo of one child goes straight back (below).
  await page.getByRole("button", { name: "Take photo" }).click();
  await expect(page.getByText("Saved on this tablet, encrypted, and added to the observation.")).toBeVisible();
  await page.getByRole("link", { name: "Back to the observation" }).click();
  await expect(page.getByTestId("observation-photos").getByRole("img")).toHaveCount(1);

  // Tags: "counted" suggests Number; the rest from the full list; a band, a characteristic.
  await page.getByTestId("quick-tags").getByRole("button", { name: "Maths: Number" }).click();
  await page.getByText("All areas").click();
  await page.getByRole("button", { name: "Building relationships", exact: true }).click();
  await page.getByRole("button", { name: "Three and four-year-olds" }).click();
  await page.getByRole("button", { name: "Active learning" }).click();
  await page.getByLabel("Next steps").fill("Offer larger numbers when counting in play.");
  await expect(page.getByRole("button", { name: "Building relationships", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("observation-status")).toHaveText("Draft");

  await page.getByRole("button", { name: "Submit for validation" }).click();
  await expect(page.getByRole("heading", { name: "Ava’s journal" })).toBeVisible();
  const journal = page.getByTestId("journal");
  await expect(page.getByTestId("journal-count")).toHaveText("1 observation");
  await expect(journal).toContainText("Waiting for validation");
  await expect(journal).toContainText("with Maya");
  await expect(journal).toContainText("Personal, social, emotional · Maths");
  await expect(journal.getByRole("img")).toHaveCount(1);

  // Filters and search, done on the decrypted entries in memory.
  const search = page.getByLabel("Search");
  await search.fill("TOWER bricks");
  await expect(page.getByTestId("journal-count")).toHaveText("1 observation");
  await search.fill("giraffe");
  await expect(page.getByTestId("journal-count")).toHaveText("0 of 1 observations match");
  await search.fill("");
  await page.getByLabel("Area").selectOption({ label: "Literacy" });
  await expect(page.getByTestId("journal-count")).toHaveText("0 of 1 observations match");
  await page.getByLabel("Area").selectOption({ label: "Mathematics" });
  await expect(page.getByTestId("journal-count")).toHaveText("1 observation");
  await page.getByLabel("Status").selectOption({ label: "Draft" });
  await expect(page.getByTestId("journal-count")).toHaveText("0 of 1 observations match");
  await page.getByLabel("Status").selectOption({ label: "Waiting for validation" });
  await page.getByLabel("From").fill("2031-01-01");
  await expect(page.getByTestId("journal-count")).toHaveText("0 of 1 observations match");
  await page.getByLabel("From").fill("");
  await expect(page.getByTestId("journal-count")).toHaveText("1 observation");

  // Progress at a glance counts it, with the band it was tagged with.
  await page.getByRole("link", { name: "Progress" }).click();
  const progress = page.getByTestId("progress");
  await expect(progress).toContainText("Mathematics (1)");
  await expect(progress).toContainText("Personal, social and emotional development (1)");
  await expect(progress).toContainText("Communication and language (0)");
  await expect(progress.locator("[data-area=M]")).toContainText("Three and four-year-olds");
  await expect(progress.locator("[data-area=CL]")).toContainText("No age band yet");

  // Priya's day: Noah, her other key child, has not been observed; Ava has, today.
  await section(page, "Today");
  const key = page.getByTestId("key-children");
  await expect(key.getByRole("listitem").first()).toContainText("Noah Williams · Not observed yet");
  await expect(key.getByRole("listitem").first()).toContainText("Due an observation");
  await expect(key).toContainText("Ava Okafor · Observed today");
  await expect(page.getByTestId("drafts")).toContainText("No drafts on this tablet.");

  // The same entry in Maya's journal; submitted, it is no longer open to change.
  await section(page, "Children");
  await page.getByRole("link", { name: "Maya’s journal" }).click();
  await expect(page.getByTestId("journal")).toContainText("with Ava");
  await page.getByTestId("journal").getByRole("link").first().click();
  await expect(page.getByTestId("observation-status")).toHaveText("Waiting for validation");
  await expect(page.getByLabel("What did you see?")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Submit for validation" })).toHaveCount(0);
  await context.close();
});

test("an observation is not submitted without a child or words, and says which", async () => {
  held.server = await startServer({ args: ["--demo"] });
  const { context, page } = await signedInOnDisk(held, "Priya Shah", PASSPHRASE);
  await section(page, "Observe");
  await page.getByLabel("Next steps").fill("Something to do next.");
  await page.getByRole("button", { name: "Submit for validation" }).click();
  await expect(page.getByText("Choose at least one child.")).toBeVisible();
  await expect(page.getByText("Write what you saw, or add a photo.")).toBeVisible();
  await expect(page.getByTestId("observation-status")).toHaveText("Draft");
  // Kept as a draft to finish, on the key person's day.
  await section(page, "Today");
  await expect(page.getByTestId("drafts")).toContainText("(Nothing written yet)");
  await context.close();
});

test("a draft whose photo consent no longer covers is marked on the key person's day, the photo can be taken out, and the draft deleted", async () => {
  held.server = await startServer({ args: ["--demo"] });
  // Jo is Maya's key person, and as deputy records consent answers too.
  const { context, page } = await signedInOnDisk(held, "Jo Bloggs", PASSPHRASE);
  await section(page, "Observe");
  await page.getByTestId("observation-children").getByLabel("Maya Begum").check();
  await page.getByLabel("What did you see?").fill("Maya poured water between jugs and said 'full'.");
  await page.getByRole("button", { name: "Add a photo" }).click();
  await page.getByRole("button", { name: "Take photo" }).click();
  await expect(page.getByTestId("observation-photos").getByRole("img")).toHaveCount(1);
  const draft = page.url();

  await section(page, "Today");
  await expect(page.getByTestId("drafts")).toContainText("Maya poured water");
  await expect(page.getByTestId("consent-changed")).toHaveCount(0);

  // Maya's parent withdraws photo consent.
  await section(page, "Consent");
  await page.getByRole("link", { name: "Maya Begum" }).click();
  await page.getByRole("button", { name: "Record an answer" }).click();
  await page.getByLabel("Their answer").selectOption({ label: "No, they do not agree" });
  await page.getByLabel("Parent or carer").fill("Amira Begum");
  await page.getByLabel("How they answered").selectOption({ label: "Signed on this tablet" });
  await page.getByRole("button", { name: "Save answer" }).click();
  await expect(page.getByTestId("standings")).toContainText("Journal photosRefused");

  await section(page, "Today");
  await expect(page.getByTestId("drafts").getByTestId("consent-changed")).toHaveText(
    "Consent has changed since a photo in this observation was taken: Maya: consent for photos in their learning journal was refused. Open it and remove the photo.",
  );
  await page.getByTestId("drafts").getByRole("link", { name: /Maya poured water/ }).click();
  await expect(page).toHaveURL(draft);
  await page.getByTestId("observation-photos").getByRole("button", { name: "Remove photo" }).click();
  await expect(page.getByTestId("observation-photos").getByRole("img")).toHaveCount(0);
  await expect(page.getByTestId("saved")).toBeVisible();
  await page.waitForTimeout(300);
  await section(page, "Today");
  await expect(page.getByTestId("drafts")).toContainText("Maya poured water");
  await expect(page.getByTestId("consent-changed")).toHaveCount(0);

  // Jo decides against it: deleted, asked twice; gone from her day and from Maya's journal.
  await page.getByTestId("drafts").getByRole("link", { name: /Maya poured water/ }).click();
  await page.getByRole("button", { name: "Delete this draft" }).click();
  await expect(page.getByLabel("What did you see?")).toBeDisabled();
  await page.getByRole("button", { name: "Keep it" }).click();
  await expect(page.getByLabel("What did you see?")).toBeEnabled();
  await page.getByRole("button", { name: "Delete this draft" }).click();
  await page.getByRole("button", { name: "Yes, delete it" }).click();
  await expect(page.getByRole("heading", { name: "Jo’s day" })).toBeVisible();
  await expect(page.getByTestId("drafts")).toHaveText(/No drafts on this tablet\./);
  await page.goto(draft);
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByText("This observation is not on this tablet.", { exact: false })).toBeVisible();
  await section(page, "Children");
  await page.getByRole("link", { name: "Maya’s journal" }).click();
  await expect(page.getByTestId("journal-count")).toHaveText("0 observations");
  await context.close();
});
