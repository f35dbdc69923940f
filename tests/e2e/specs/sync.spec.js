// Two tablets and the setting's server, each tablet a Chromium profile on disk. A key person's
// group observation with a photo syncs from her tablet (photo first, then the record) and
// reaches the manager's tablet, photo and all. A photo of a child who told the other tablet
// "no photos today" is refused by the server; the key person's tablet shows the refusal with
// its reason, keeps the photo, and learns the child's wish. Removed by the manager, the key
// person's tablet wipes itself at its next sync.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { enrol, syncNow } from "../support/tablets.js";
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);

test("a key person's observation and photo reach the manager's tablet; a refused photo is shown with its reason", async () => {
  test.setTimeout(240_000);
  held.server = await startServer({ args: ["--demo"] });
  const room = await signedInOnDisk(held, "Priya Shah", PASSPHRASE);
  const officeHeld = { server: held.server, panics: held.panics };
  const office = await signedInOnDisk(officeHeld, "Sam Patel", PASSPHRASE);
  held.others = [officeHeld.profile];
  const priya = room.page;
  const sam = office.page;

  // Not enrolled yet: it says so, and keeps everything on the tablet.
  await syncNow(priya);
  await expect(priya.getByTestId("sync-status")).toContainText("not enrolled with the setting’s server yet");
  await enrol(priya, sam, "Room 2 tablet");
  await enrol(sam, sam, "Office tablet");

  // Sam flags Ava as high-risk: her photos will need a second manager's sign-off.
  await section(sam, "Consent");
  await sam.getByRole("link", { name: "Ava Okafor" }).click();
  const flag = sam.getByTestId("high-risk");
  await flag.getByLabel("Why").selectOption({ label: "Looked after" });
  await flag.getByRole("button", { name: "Flag as high-risk" }).click();
  await expect(flag).toContainText("Ava is flagged high-risk");

  // Priya writes a group observation with a photo and submits it.
  await section(priya, "Observe");
  const who = priya.getByTestId("observation-children");
  await who.getByLabel("Ava Okafor").check();
  await who.getByLabel("Maya Begum").check();
  await priya.getByLabel("What did you see?").fill("Ava and Maya planted sunflower seeds and watered them together");
  await expect(priya.getByTestId("saved")).toContainText("Saved on this tablet, encrypted");
  await expect(priya.getByTestId("receipt")).toHaveText(/Only on this tablet so far/);
  await priya.getByRole("button", { name: "Add a photo" }).click();
  await priya.getByRole("button", { name: "Take photo" }).click();
  await expect(priya.getByText("Saved on this tablet, encrypted, and added to the observation.")).toBeVisible();
  await priya.getByRole("link", { name: "Back to the observation" }).click();
  await expect(priya.getByTestId("observation-photos").getByRole("img")).toHaveCount(1);
  await priya.getByTestId("quick-tags").getByRole("button").first().click();
  await priya.getByRole("button", { name: "Submit for validation" }).click();
  await expect(priya.getByRole("heading", { name: "Ava’s journal" })).toBeVisible();

  const bar = await syncNow(priya);
  await expect(bar).toContainText("Everything is on the setting’s server");
  await priya.getByTestId("journal").locator("a.entry-link").first().click();
  await expect(priya.getByTestId("receipt")).toHaveText("Safely on the setting’s server.");

  // The manager's tablet pulls it: text, status and the photo, decrypted from its own store.
  await syncNow(sam);
  await expect(sam.getByTestId("sync-status")).toContainText("Everything is on the setting’s server");
  await sam.goto(`${held.server.url}${new URL(priya.url()).pathname}`);
  await sam.getByLabel("Passphrase").fill(PASSPHRASE);
  await sam.getByRole("button", { name: "Unlock" }).click();
  await expect(sam.getByLabel("What did you see?")).toHaveValue("Ava and Maya planted sunflower seeds and watered them together");
  await expect(sam.getByTestId("observation-status")).toHaveText("Waiting for validation");
  await expect(sam.getByTestId("observation-photos").getByRole("img")).toHaveCount(1);
  await expect(sam.getByTestId("receipt")).toHaveText("Safely on the setting’s server.");

  // The manager returns it from the validation queue with a comment; after both sync, the key
  // person finds it on her day with the comment.
  await section(sam, "Validate");
  const item = sam.getByTestId("queue-item");
  await expect(item).toHaveCount(1);
  await expect(item).toContainText("by Priya Shah");
  await expect(item).toContainText("Ava Okafor, Maya Begum");
  await expect(item.getByRole("img")).toHaveCount(1);
  // The photo has Ava in it: Sam, who did not take it, signs it off.
  await item.getByTestId("needs-sign-off").getByRole("button", { name: "Sign off this photo" }).click();
  await expect(item).toContainText("Signed off: families may see this photo");
  await item.getByRole("button", { name: "Return with a comment" }).click();
  await item.getByRole("button", { name: "Return it" }).click();
  await expect(item.getByRole("alert")).toContainText("Write what the key person should change");
  await item.getByLabel("What should the key person change?").fill("Add what Maya said about the seeds");
  await item.getByRole("button", { name: "Return it" }).click();
  await expect(sam.getByTestId("queue-done")).toContainText("Returned to Priya Shah");
  await expect(sam.getByTestId("queue-empty")).toBeVisible();
  await syncNow(sam);
  await syncNow(priya);
  await section(priya, "Today");
  await expect(priya.getByTestId("returned")).toContainText("Comment: Add what Maya said about the seeds");
  // A practitioner has no queue.
  await expect(priya.getByRole("link", { name: "Validate", exact: true })).toHaveCount(0);

  // Noah tells the office "no photos today"; the office tablet syncs his wish.
  await section(sam, "Photo");
  await sam.getByLabel("Noah does not want photos today").check();
  await syncNow(sam);
  await expect(sam.getByTestId("sync-status")).toContainText("Everything is on the setting’s server");

  // Priya's tablet has not heard yet, so its camera opens for Noah; the server refuses the photo.
  await section(priya, "Photo");
  await priya.getByTestId("photo-children").getByLabel("Noah Williams").check();
  await priya.getByRole("button", { name: "Open the camera" }).click();
  await priya.getByRole("button", { name: "Take photo" }).click();
  await expect(priya.getByText(/Saved on this tablet, encrypted/)).toBeVisible();
  await syncNow(priya);
  const refusedLink = priya.getByTestId("sync-refused-link");
  await expect(refusedLink).toHaveText("1 change refused: see why");
  await refusedLink.click();
  const refused = priya.getByTestId("refused-change");
  await expect(refused).toHaveCount(1);
  await expect(refused).toContainText("Photo");
  await expect(refused.getByTestId("refused-reason")).toHaveText(
    "The photo should not have been taken (Noah does not want photos taken today), so it is kept on this tablet only.",
  );
  await expect(priya.getByTestId("sync-waiting")).toHaveText("Nothing on this tablet is waiting for the server.");

  // The pull brought Noah's wish: the camera now refuses him here too.
  await section(priya, "Photo");
  await expect(priya.getByLabel("Noah does not want photos today")).toBeChecked();

  // Seen: the refusal leaves the list.
  await priya.getByTestId("sync-refused-link").click();
  await priya.getByRole("button", { name: "I have seen this" }).click();
  await expect(priya.getByText("Nothing has been refused.")).toBeVisible();

  // A wrong passphrase on Priya's tablet goes to the audit log at its next sync.
  await priya.getByRole("button", { name: "Lock" }).click();
  const priyaButton = priya.getByRole("button", { name: "Priya Shah" });
  if (await priyaButton.isVisible()) await priyaButton.click();
  await priya.getByLabel("Passphrase").fill("not her passphrase");
  await priya.getByRole("button", { name: "Unlock" }).click();
  await expect(priya.getByRole("alert")).toContainText("That passphrase is not right for this tablet");
  await priya.getByLabel("Passphrase").fill(PASSPHRASE);
  await priya.getByRole("button", { name: "Unlock" }).click();
  await syncNow(priya);
  await section(priya, "Settings");
  await expect(priya.getByTestId("wrong-passphrases")).toHaveText("No wrong passphrases have been tried here since it last synced.");

  // The manager's audit log: intact, and it holds the refused photo and the wrong passphrase,
  // the child named only on the manager's screen (the log keeps an id).
  await section(sam, "Settings");
  await sam.getByTestId("audit-link").click();
  await expect(sam.getByTestId("audit-intact")).toContainText("The log is intact");
  await expect(sam.getByTestId("audit-entries")).toContainText("Tablet enrolled");
  await sam.getByLabel("Kind").selectOption({ label: "Photo refused at sync" });
  await sam.getByRole("button", { name: "Show" }).click();
  const refusedEntry = sam.getByTestId("audit-entry");
  await expect(refusedEntry).toHaveCount(1);
  await expect(refusedEntry).toContainText("Priya Shah");
  await expect(refusedEntry).toContainText("Noah Williams");
  await sam.getByLabel("Kind").selectOption({ label: "Wrong passphrase on a tablet" });
  await sam.getByRole("button", { name: "Show" }).click();
  await expect(sam.getByTestId("audit-entry")).toHaveCount(1);
  await expect(sam.getByTestId("audit-entry")).toContainText("Priya Shah");
  await sam.getByLabel("Kind").selectOption({ label: "Observation returned" });
  await sam.getByRole("button", { name: "Show" }).click();
  await expect(sam.getByTestId("audit-entry")).toHaveCount(2);
  await expect(sam.getByTestId("audit-entries")).toContainText("Maya Begum");
  await sam.getByLabel("Kind").selectOption({ label: "Everything" });
  await sam.getByLabel("Child").selectOption({ label: "Ava Okafor" });
  await sam.getByRole("button", { name: "Show" }).click();
  await expect(sam.getByTestId("audit-entry")).toHaveCount(3);
  await expect(sam.getByTestId("audit-entries")).toContainText("Observation returned");
  await expect(sam.getByTestId("audit-entries")).toContainText("Photo signed off by a second manager");
  await expect(sam.getByTestId("audit-entries")).toContainText("Child flagged high-risk");
  await sam.getByLabel("Child").selectOption({ label: "Leo Hughes" });
  await sam.getByRole("button", { name: "Show" }).click();
  await expect(sam.getByTestId("audit-empty")).toBeVisible();

  // The manager removes Priya's tablet: at its next sync it wipes itself and says why.
  await section(sam, "Settings");
  const roomTablet = sam.getByTestId("tablets").locator("li", { hasText: "Room 2 tablet" });
  await roomTablet.getByRole("button", { name: "Remove this tablet" }).click();
  await expect(sam.getByTestId("tablets")).toContainText("Room 2 tablet · removed");
  await priya.getByTestId("sync-status").getByRole("button", { name: "Sync now" }).click();
  await expect(priya.getByTestId("wiped")).toContainText("A manager removed this tablet from the setting");
  await room.context.close();
  await office.context.close();
});
