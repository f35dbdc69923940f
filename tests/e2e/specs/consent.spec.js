// Consent as a manager keeps it: the overview shows at a glance who lacks what and whose review
// is due; a new answer is checked (with the reason next to the field) and added to the child's
// history, never written over it; a practitioner reads but cannot record.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";

let server;
test.afterEach(async () => {
  await server?.stop();
  server?.cleanUp();
});

async function signIn(page, name) {
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await section(page, "Children");
  await expect(page.getByTestId("children-list")).toBeVisible();
}

function isoDate(daysFromNow) {
  const d = new Date(Date.now() + daysFromNow * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function ukDate(iso) {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

test("a manager sees who lacks consent and records a parent's answer", async ({ page }) => {
  server = await startServer({ args: ["--demo"] });
  await page.goto(server.url);
  await signIn(page, "Sam Patel");
  await section(page, "Consent");

  const grid = page.getByTestId("consent-overview");
  await expect(page.getByText("4 of 5 children lack at least one consent.")).toBeVisible();
  const row = (name) => grid.getByRole("row").filter({ hasText: name });
  await expect(row("Ava Okafor").getByRole("cell")).toHaveText(["Yes", "Yes", "Yes", "Yes", "Yes", "Yes"]);
  await expect(row("Isla Kowalski").getByRole("cell").first()).toHaveText("Refused");
  await expect(row("Leo Hughes").getByRole("cell").first()).toHaveText("Lapsed");
  await expect(row("Noah Williams").getByRole("cell").nth(2)).toHaveText("Not asked");
  await expect(page.getByTestId("reviews-due")).toContainText("Maya Begum: Journal photos, by");

  // Noah's parent agrees to group photos: checked, then added to his history.
  await row("Noah Williams").getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Consent for Noah Williams" })).toBeVisible();
  const standings = page.getByTestId("standings");
  await expect(standings).toContainText("Other children’s journalsNot asked yet");
  await page.getByRole("button", { name: "Record an answer" }).click();
  await page.getByLabel("What for").selectOption({ label: "Other children’s journals" });
  await page.getByRole("button", { name: "Save answer" }).click();
  await expect(page.getByText("Parent or carer: ")).toBeVisible();
  await page.getByLabel("Parent or carer").fill("Daniel Williams");
  await page.getByRole("button", { name: "Save answer" }).click();
  await expect(page.getByText("Enter the reference written on the paper form")).toBeVisible();
  await page.getByLabel("Form reference").fill("F-12");
  await page.getByLabel("Ask again by").fill(isoDate(-1));
  await page.getByRole("button", { name: "Save answer" }).click();
  await expect(page.getByText("The review date must be after today.")).toBeVisible();
  const review = isoDate(200);
  await page.getByLabel("Ask again by").fill(review);
  await page.getByRole("button", { name: "Save answer" }).click();

  await expect(standings).toContainText(`Other children’s journalsYes, until ${ukDate(review)}`);
  const history = page.getByTestId("consent-history");
  await expect(history.getByRole("listitem").first()).toContainText(
    "Daniel Williams agreed to appearing in other children’s journals",
  );
  await expect(history.getByRole("listitem").first()).toContainText("on paper form F-12. Recorded by Sam Patel.");
  await expect(history.getByRole("listitem")).toHaveCount(2);

  // Withdrawn the next day: a new answer on top, the grant still in the history.
  await page.getByRole("button", { name: "Record an answer" }).click();
  await page.getByLabel("What for").selectOption({ label: "Other children’s journals" });
  await page.getByLabel("Their answer").selectOption({ label: "No, they do not agree" });
  await page.getByLabel("Parent or carer").fill("Daniel Williams");
  await page.getByLabel("How they answered").selectOption({ label: "Signed on this tablet" });
  await page.getByRole("button", { name: "Save answer" }).click();
  await expect(standings).toContainText("Other children’s journalsRefused");
  await expect(history.getByRole("listitem")).toHaveCount(3);
  await expect(history.getByRole("listitem").nth(1)).toContainText("agreed to appearing in other children’s journals");

  await page.getByRole("link", { name: "← Consent for every child" }).click();
  await expect(row("Noah Williams").getByRole("cell").nth(2)).toHaveText("Refused");
});

test("a practitioner reads consent but cannot record it", async ({ page }) => {
  server = await startServer({ args: ["--demo"] });
  await page.goto(server.url);
  await signIn(page, "Tom Evans");
  await section(page, "Consent");
  await page.getByRole("link", { name: "Isla Kowalski" }).click();
  await expect(page.getByTestId("standings")).toContainText("Journal photosRefused");
  await expect(page.getByRole("button", { name: "Record an answer" })).toHaveCount(0);
});
