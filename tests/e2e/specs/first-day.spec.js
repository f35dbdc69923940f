// A manager's first day with Burrow, end to end in a real Chromium against a real server:
// set-up → sign out → sign in → add a member of staff → register a child → both listed →
// a reload locks the tablet → the new practitioner claims their invite → both can unlock this
// tablet → the app shell still opens with the server stopped.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { enrol } from "../support/tablets.js";
import { section } from "../support/screens.js";

let server;
test.afterEach(async () => {
  await server?.stop();
  server?.cleanUp();
});

test("a manager sets up the setting, adds staff and a child, and the app opens offline", async ({ page }) => {
  server = await startServer();
  expect(server.code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);

  // Set-up: the first screen on a new server.
  await page.goto(server.url);
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Burrow for your setting" })).toBeVisible();

  await page.getByLabel("Set-up code").fill("WRONG-CODE1");
  await page.getByLabel("Your setting’s name").fill("Little Acorns");
  await page.getByLabel("Your name").fill("Jo Bloggs");
  // A weak passphrase is refused with the reason, before anything is sent.
  await page.getByLabel("Passphrase", { exact: true }).fill("acorns2026");
  await expect(page.getByText("Use at least 12 characters")).toBeVisible();
  await page.getByLabel("Passphrase", { exact: true }).fill("little acorns forever");
  await expect(page.getByText("Don’t use your own name or the setting’s name")).toBeVisible();
  await expect(page.getByRole("button", { name: "Set up Burrow" })).toBeDisabled();
  await page.getByLabel("Passphrase", { exact: true }).fill("teapot river lantern");
  await page.getByLabel("Passphrase again").fill("teapot river lantern");
  await expect(page.getByText("Strong enough.")).toBeVisible();

  // A wrong code: the server refuses, the form says why, nothing is lost.
  await page.getByRole("button", { name: "Set up Burrow" }).click();
  await expect(page.getByText("That set-up code is not right.")).toBeVisible();
  await expect(page.getByLabel("Your setting’s name")).toHaveValue("Little Acorns");

  await page.getByLabel("Set-up code").fill(server.code.toLowerCase().replace("-", " "));
  await page.getByRole("button", { name: "Set up Burrow" }).click();
  await expect(page).toHaveURL(/\/children$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Jo Bloggs · Manager");
  await expect(page.getByText("No children are registered yet.")).toBeVisible();

  // Sign out: the tablet locks and lists who can unlock it. Sign back in with a name; a wrong
  // passphrase is refused first.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Burrow is locked" })).toBeVisible();
  await expect(page.getByText("You signed out.")).toBeVisible();
  await expect(page.getByText("Little Acorns")).toBeVisible();
  await expect(page.getByRole("button", { name: "Jo Bloggs" })).toBeVisible();
  await page.getByRole("button", { name: "Sign in with your name" }).click();
  await page.getByLabel("Your name").fill("jo bloggs");
  await page.getByLabel("Passphrase").fill("teapot river lanterns");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That name and passphrase do not match.")).toBeVisible();
  await page.getByLabel("Passphrase").fill("teapot river lantern");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/children$/);

  // Add a member of staff; the invite code is shown once.
  await page.getByRole("link", { name: "Staff" }).click();
  await page.getByRole("button", { name: "Add a member of staff" }).click();
  await page.getByLabel("Name").fill("Priya Shah");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const invite = page.getByTestId("invite");
  await expect(invite).toContainText("Priya Shah has been added");
  const inviteCode = (await invite.locator(".code").textContent()).trim();
  expect(inviteCode).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
  const staffList = page.getByTestId("staff-list");
  await expect(staffList).toContainText("Priya Shah");
  await expect(staffList).toContainText("Practitioner");
  await expect(staffList).toContainText("Has not chosen a passphrase yet");

  // The same name again: the server's refusal shows next to the field.
  await page.getByRole("button", { name: "Add a member of staff" }).click();
  await page.getByLabel("Name").fill("priya  shah");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByText("There is already a member of staff called priya shah.")).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();

  // Register a child; a date of birth in the future is refused by the server, with the reason.
  await page.getByRole("link", { name: "Children" }).click();
  await page.getByRole("button", { name: "Register a child" }).click();
  await page.getByLabel("First name").fill("Ava");
  await page.getByLabel("Surname").fill("Okafor");
  const nextYear = new Date().getFullYear() + 1;
  await page.getByLabel("Date of birth").fill(`${nextYear}-04-03`);
  await page.getByLabel("Key person").selectOption({ label: "Priya Shah" });
  await page.getByRole("button", { name: "Register child" }).click();
  await expect(page.getByText("The date of birth is in the future.")).toBeVisible();
  await page.getByLabel("Date of birth").fill("2023-04-03");
  await page.getByLabel("Start date").fill("2025-09-01");
  await page.getByRole("button", { name: "Register child" }).click();
  const children = page.getByTestId("children-list");
  await expect(children).toContainText("Ava Okafor");
  await expect(children).toContainText("born 03/04/2023");
  await expect(children).toContainText("Key person: Priya Shah · started 01/09/2025");

  // A reload locks the tablet (its keys were only in memory); unlocking shows both still listed.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Burrow is locked" })).toBeVisible();
  await expect(page.getByText("Ava Okafor")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Jo Bloggs" })).toHaveAttribute("aria-pressed", "true");
  await page.getByLabel("Passphrase").fill("teapot river lantern");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");
  await page.getByRole("link", { name: "Staff" }).click();
  await expect(page.getByTestId("staff-list")).toContainText("Priya Shah");

  // Before anyone else signs in on her tablet, Jo enrols it with the setting's server
  // (approving it herself): the server gives a tablet's key only to an enrolled tablet.
  await enrol(page, page, "Office tablet");

  // The new practitioner uses the invite code; they cannot register children.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in with your name" }).click();
  await page.getByRole("link", { name: "Use the invite code from your manager" }).click();
  await page.getByLabel("Your name").fill("Priya Shah");
  await page.getByLabel("Invite code").fill(inviteCode);
  await page.getByLabel("Passphrase", { exact: true }).fill("marble kettle orchard");
  await page.getByLabel("Passphrase again").fill("marble kettle orchard");
  await page.getByRole("button", { name: "Choose passphrase and sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Priya Shah · Practitioner");
  // A practitioner starts on their day: Ava is her key child.
  await expect(page.getByTestId("key-children")).toContainText("Ava Okafor");
  await section(page, "Children");
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");
  await expect(page.getByRole("button", { name: "Register a child" })).toHaveCount(0);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("button", { name: "Jo Bloggs" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Priya Shah" })).toBeVisible();

  // The service worker has the shell; stop the server and open the app again.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await server.stop();
  await page.reload();
  await expect(page.getByRole("heading", { name: "You’re offline" })).toBeVisible();
  await expect(page.getByText("can’t reach the setting’s server")).toBeVisible();
  await page.screenshot({ path: "test-results/offline.png" });
});
