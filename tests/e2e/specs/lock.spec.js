// The tablet locks itself and is shared safely: the idle lock (shortened by configuration)
// hides every child; another member of staff unlocks with their own passphrase; wrong
// passphrases are refused with a clear message and then make the next try wait.
import { test, expect, request } from "@playwright/test";
import { startServer } from "../support/server.js";
import { enrol } from "../support/tablets.js";

const PASSPHRASE = "teapot river lantern"; // the demo's

let server;
test.afterEach(async () => {
  await server?.stop();
  server?.cleanUp();
});

async function signInWithName(page, name) {
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("an idle tablet locks, hides the children, and unlocks for each member of staff", async ({ page }) => {
  server = await startServer({ args: ["--demo", "--lock-after-seconds", "4"] });
  await page.goto(server.url);

  // A tablet nobody has used yet asks for a name.
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await signInWithName(page, "Sam Patel");
  await expect(page.getByTestId("signed-in-as")).toHaveText("Sam Patel · Manager");
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");
  // The front door leaves nothing behind in the history: opened at / it showed sign-in at
  // /sign-in, and signing in replaced that with the children, so Back leaves Burrow instead
  // of showing the sign-in form again (or / sending them forward again).
  expect(new URL(page.url()).pathname).toBe("/children");
  expect(await page.evaluate(() => history.length)).toBe(2); // about:blank, then Burrow

  // Left alone, it locks itself: the children are gone from the page, not just covered.
  await expect(page.getByRole("heading", { name: "Burrow is locked" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText("Burrow locked itself after 4 seconds without use.")).toBeVisible();
  expect(await page.content()).not.toContain("Okafor");

  // The wrong passphrase is refused, and says so plainly.
  await expect(page.getByRole("button", { name: "Sam Patel" })).toHaveAttribute("aria-pressed", "true");
  await page.getByLabel("Passphrase").fill("teapot river lanterns");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("alert")).toHaveText("That passphrase is not right for this tablet. Check it and try again.");
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");

  // Hand over: lock, and Priya (new to this tablet) signs in with her name. Until a manager
  // enrols the tablet, the server keeps its key from anyone but the person who set it up.
  await page.getByRole("button", { name: "Lock" }).click();
  await expect(page.getByRole("heading", { name: "Burrow is locked" })).toBeVisible();
  await page.getByRole("button", { name: "Sign in with your name" }).click();
  await signInWithName(page, "Priya Shah");
  await expect(page.getByRole("alert")).toHaveText(
    "Only the person who set this tablet up can sign in on it until a manager enrols it. Ask them to enrol it in Settings, then sign in again.",
  );
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
  // Sam signs in again and enrols it, approving it himself.
  await signInWithName(page, "Sam Patel");
  await expect(page.getByTestId("signed-in-as")).toHaveText("Sam Patel · Manager");
  await enrol(page, page, "Room 1 tablet");
  await page.getByRole("button", { name: "Lock" }).click();
  await expect(page.getByRole("heading", { name: "Burrow is locked" })).toBeVisible();
  await page.getByRole("button", { name: "Sign in with your name" }).click();
  await signInWithName(page, "Priya Shah");
  await expect(page.getByTestId("signed-in-as")).toHaveText("Priya Shah · Practitioner");
  // A practitioner starts on their day, with their key children.
  await expect(page.getByRole("heading", { name: "Priya’s day" })).toBeVisible();
  await expect(page.getByTestId("key-children")).toContainText("Ava Okafor");

  // Now both can unlock this tablet; Sam takes it back with his own passphrase.
  await page.getByRole("button", { name: "Lock" }).click();
  await page.getByRole("button", { name: "Sam Patel" }).click();
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Sam Patel · Manager");

  // Three wrong passphrases for Priya: the third makes the next try wait, even the right one.
  await page.getByRole("button", { name: "Lock" }).click();
  await page.getByRole("button", { name: "Priya Shah" }).click();
  for (const attempt of [1, 2]) {
    await page.getByLabel("Passphrase").fill(`not it ${attempt}`);
    await page.getByRole("button", { name: "Unlock" }).click();
    await expect(page.getByRole("alert")).toHaveText("That passphrase is not right for this tablet. Check it and try again.");
  }
  await page.getByLabel("Passphrase").fill("not it 3");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Too many wrong passphrases\. Wait [1-5] seconds? before trying again\./);
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Too many wrong passphrases/);
  await page.waitForTimeout(5_500);
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Priya Shah · Practitioner");

  // Settings show who can unlock this tablet and count the wrong passphrases for the audit log.
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByTestId("tablet-people")).toHaveText("Who can unlock it: Sam Patel, Priya Shah.");
  // Counted here until a sync takes them to the setting's audit log (the tablet is enrolled,
  // so its timer may take some at any moment; this screen reads the count when it opens):
  // here and in the log together all four, or all four in the log, and never more there.
  const counted = page.getByTestId("wrong-passphrases");
  await expect(counted).toHaveText(/wrong passphrases? ha(s|ve) been tried here/);
  const sam = await request.newContext({ baseURL: server.url });
  expect((await sam.post("/api/session", { data: { name: "Sam Patel", passphrase: PASSPHRASE } })).ok()).toBe(true);
  await expect
    .poll(async () => {
      const here = Number((await counted.textContent()).match(/^(\d+) wrong passphrase/)?.[1] ?? 0);
      const logged = (await (await sam.get("/api/audit?action=wrong_passphrase_on_tablet")).json()).entries.length;
      if (logged > 4) return `${logged} in the log`;
      return logged === 4 || here + logged === 4 ? "all four" : `${here} here, ${logged} in the log`;
    })
    .toBe("all four");
  await sam.dispose();
  await expect(page.getByTestId("storage-used")).toContainText("Burrow uses");

  // A reload forgets the keys: locked again.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Burrow is locked" })).toBeVisible();
});

test("a manager chooses how soon tablets lock; an impossible choice is refused with the reason", async ({ page }) => {
  server = await startServer({ args: ["--demo"] });
  await page.goto(server.url);
  await signInWithName(page, "Sam Patel");
  await page.getByRole("link", { name: "Settings" }).click();
  const minutes = page.getByLabel("Lock after this many minutes without use");
  const locking = page.getByRole("region", { name: "Locking" });
  await expect(minutes).toHaveValue("5");
  await minutes.fill("45");
  await locking.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter a whole number of minutes between 1 and 30.")).toBeVisible();
  await minutes.fill("10");
  await locking.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved. Tablets now lock after 10 minutes without use.")).toBeVisible();

  // A practitioner reads the choice but cannot change it (on this tablet, once enrolled).
  await enrol(page, page, "Office tablet");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in with your name" }).click();
  await signInWithName(page, "Tom Evans");
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByTestId("lock-after")).toHaveText("Tablets lock after 10 minutes without use. Your manager can change this.");
  // Nor the time a leaver's records are kept.
  await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(page.getByTestId("leavers-setting")).toContainText("30 days after their last day");
});

// Pretends the tablet was put away (another app in front, the screen off), as the browser tells
// a page: visibilityState and a visibilitychange event.
async function putAway(page, away) {
  await page.evaluate((away) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (away ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => away });
    document.dispatchEvent(new Event("visibilitychange"));
  }, away);
}

test("a tablet put away for more than a minute locks itself; a short break does not", async ({ page }) => {
  server = await startServer({ args: ["--demo"] });
  await page.clock.install();
  await page.goto(server.url);
  await signInWithName(page, "Sam Patel");
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");

  // Half a minute in a pocket: still open on return.
  await putAway(page, true);
  await page.clock.fastForward(30_000);
  await putAway(page, false);
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");

  // More than a minute: locked, and the page no longer holds any child.
  await putAway(page, true);
  await page.clock.fastForward(61_000);
  await expect(page.getByRole("heading", { name: "Burrow is locked" })).toBeVisible();
  await putAway(page, false);
  await expect(page.getByText("Burrow locked itself while it was put away.")).toBeVisible();
  expect(await page.content()).not.toContain("Okafor");
});
