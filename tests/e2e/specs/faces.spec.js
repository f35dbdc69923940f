// Children's faces on the staff lists (issue 20 part 5): the key person takes a photo of Ava
// alone, it syncs, and she makes it Ava's picture from the photo itself. Ava's face then shows
// beside her name on Children, Today and "Who is it about?", decrypted from the tablet's own
// sealed copy, and every other child shows their initials; the lists fit a phone and a tablet.
// When Ava's mum withdraws consent to photos in her journal, the lists show "AO" again.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { enrol, syncNow } from "../support/tablets.js";
import { checkScreen, section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);

test("a key person makes a photo of a child alone their picture, shown on the lists until consent goes", async () => {
  test.setTimeout(180_000);
  held.server = await startServer({ args: ["--demo"] });
  const room = await signedInOnDisk(held, "Priya Shah", PASSPHRASE);
  const officeHeld = { server: held.server, panics: held.panics };
  const office = await signedInOnDisk(officeHeld, "Sam Patel", PASSPHRASE);
  held.others = [officeHeld.profile];
  const priya = room.page;
  const sam = office.page;
  await enrol(priya, sam, "Room 2 tablet");

  // Before any is chosen: initials.
  await section(priya, "Children");
  const ava = priya.getByTestId("children-list").locator("li").filter({ hasText: "Ava Okafor" });
  await expect(ava.getByTestId("child-initials")).toHaveText("AO");

  // A photo of Ava with Maya offers no such thing; one of Ava alone does, once on the server.
  await section(priya, "Photo");
  await priya.getByLabel("Ava Okafor").check();
  await priya.getByRole("button", { name: "Open the camera" }).click();
  await priya.getByRole("button", { name: "Take photo" }).click();
  await expect(priya.getByText("Saved on this tablet, encrypted.")).toBeVisible();
  await priya.getByTestId("photos-taken").getByRole("button").first().click();
  const full = priya.getByTestId("photo-full");
  await full.getByRole("button", { name: "Use as Ava’s picture" }).click();
  // Not synced yet: the server says why and what to do.
  await expect(full.getByRole("alert")).toHaveText("That photo is not on the setting’s server yet. Sync this tablet, then choose it again.");
  await expect(await syncNow(priya)).toContainText("Everything is on the setting’s server");
  await full.getByRole("button", { name: "Use as Ava’s picture" }).click();
  await expect(full.getByTestId("picture-chosen")).toHaveText("This is Ava’s picture on the lists now.");

  // Children: Ava's face, the others' initials.
  await section(priya, "Children");
  const face = ava.getByTestId("child-face");
  await expect(face).toBeVisible();
  await expect.poll(() => face.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  expect(await face.getAttribute("src")).toMatch(/^blob:/);
  await expect(priya.getByTestId("children-list").locator("li").filter({ hasText: "Noah Williams" }).getByTestId("child-initials")).toHaveText("NW");
  await checkScreen(priya, "Children with a face", face);

  // Today, and "Who is it about?".
  await section(priya, "Today");
  await expect(priya.getByTestId("key-children").locator("li").filter({ hasText: "Ava Okafor" }).getByTestId("child-face")).toBeVisible();
  await checkScreen(priya, "Today with a face", priya.getByTestId("key-children"));
  await section(priya, "Observe");
  const who = priya.getByTestId("observation-children");
  await expect(who.locator("li").filter({ hasText: "Ava Okafor" }).getByTestId("child-face")).toBeVisible();
  await expect(who.locator("li").filter({ hasText: "Isla Kowalski" }).getByTestId("child-initials")).toHaveText("IK");
  // The face is decoration beside the name: the checkbox is still named by the child.
  await who.getByLabel("Ava Okafor").check();
  await expect(who.getByLabel("Ava Okafor")).toBeChecked();

  // Ava's mum withdraws consent to photos in her journal (recorded by the manager, as the
  // consent page does): the list shows her initials again.
  const children = await (await sam.request.get(`${held.server.url}/api/children`)).json();
  const avaId = children.find((c) => c.first_name === "Ava").id;
  const review = new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10);
  const answer = await sam.request.post(`${held.server.url}/api/children/${avaId}/consents`, {
    data: { purpose: "journal_photos", granted: false, given_by: "Grace Okafor", how: { kind: "signed_on_tablet" }, review_by: review },
  });
  expect(answer.status()).toBe(201);
  await section(priya, "Children");
  await expect(ava.getByTestId("child-initials")).toHaveText("AO");
  await expect(priya.getByTestId("child-face")).toHaveCount(0);
});
