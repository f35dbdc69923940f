// Photos used beyond the journals (issue 21): Priya photographs Ava and Maya together for a
// shared entry; Sam, the manager, chooses it for social media on his own tablet. Maya's family
// has not answered for social media, so it is refused naming Maya. Once her mum says yes, it is
// chosen and downloads as a file named for the setting and the day, with no metadata (exiftool)
// and a social post's size; Ava's mum's phone shows where a photo of Ava went. When her mum withdraws, the Published list says to take it down, the
// file is no longer offered, and Sam records that he took it down.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { enrol, syncNow } from "../support/tablets.js";
import { familySync, linkParent, phone } from "../support/family.js";
import { checkScreen, section } from "../support/screens.js";
import { execFileSync } from "node:child_process";

const PASSPHRASE = "teapot river lantern";
// The setting's own date, in London, as the server and the app reckon it.
const iso = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(d);
const uk = (d) => `${iso(d).slice(8, 10)}/${iso(d).slice(5, 7)}/${iso(d).slice(0, 4)}`;
const held = cleanUpAfterEach(test);

// The manager records a family's answer on the child's consent page, as the setting does.
async function answer(sam, child, purpose, agree, parent) {
  await section(sam, "Consent");
  await sam.getByRole("link", { name: child }).click();
  await sam.getByRole("button", { name: "Record an answer" }).click();
  await sam.getByLabel("What for").selectOption({ label: purpose });
  await sam.getByLabel("Their answer").selectOption({ label: agree ? "Yes, they agree" : "No, they do not agree" });
  await sam.getByLabel("Parent or carer").fill(parent);
  await sam.getByLabel("How they answered").selectOption({ label: "Signed on this tablet" });
  await sam.getByRole("button", { name: "Save answer" }).click();
  await expect(sam.getByTestId("standings")).toContainText(`${purpose}${agree ? "Yes" : "Refused"}`);
}

test("a manager chooses a group photo for social media only with every child's consent, and is told to take it down when one is withdrawn", async () => {
  test.setTimeout(300_000);
  held.server = await startServer({ args: ["--demo"] });
  const room = await signedInOnDisk(held, "Priya Shah", PASSPHRASE);
  const officeHeld = { server: held.server, panics: held.panics };
  const office = await signedInOnDisk(officeHeld, "Sam Patel", PASSPHRASE);
  held.others = [officeHeld.profile];
  const priya = room.page;
  const sam = office.page;
  await enrol(priya, sam, "Room 2 tablet");
  await enrol(sam, sam, "Office tablet");
  // Ava's mum follows her journal on her phone.
  const grace = await phone(held, await linkParent(sam, "Grace Okafor", "Ava Okafor"), "marble otter sunrise");

  // A practitioner has no such section.
  await section(priya, "Today");
  await expect(priya.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Published", exact: true })).toHaveCount(0);

  // Priya photographs Ava and Maya together in an entry, submits it, and syncs.
  await section(priya, "Observe");
  const who = priya.getByTestId("observation-children");
  await who.getByLabel("Ava Okafor").check();
  await who.getByLabel("Maya Begum").check();
  await priya.getByLabel("What did you see?").fill("Ava and Maya planted sunflower seeds in the garden");
  await expect(priya.getByTestId("saved")).toContainText("Saved on this tablet, encrypted");
  await priya.getByRole("button", { name: "Add a photo" }).click();
  await priya.getByRole("button", { name: "Take photo" }).click();
  await expect(priya.getByText("Saved on this tablet, encrypted, and added to the observation.")).toBeVisible();
  await priya.getByRole("link", { name: "Back to the observation" }).click();
  await priya.getByTestId("quick-tags").getByRole("button").first().click();
  await priya.getByRole("button", { name: "Submit for validation" }).click();
  await expect(priya.getByRole("heading", { name: "Ava’s journal" })).toBeVisible();
  await expect(await syncNow(priya)).toContainText("Everything is on the setting’s server");

  // Not yet shared: nothing to choose from.
  await section(sam, "Published");
  await expect(sam.getByText("No photos in shared journal entries are on the setting’s server yet.")).toBeVisible();

  // Sam validates it, then chooses where: social media.
  await syncNow(sam);
  await section(sam, "Validate");
  await sam.getByTestId("queue-item").getByRole("button", { name: "Validate", exact: true }).click();
  await expect(sam.getByTestId("queue-done")).toBeVisible();
  await expect(await syncNow(sam)).toContainText("Everything is on the setting’s server");
  await section(sam, "Published");
  await sam.getByLabel("Social media").check();
  const photo = sam.getByTestId("publish-candidate").filter({ hasText: "Ava and Maya" });
  await expect(photo).toHaveCount(1);
  // Ava's mum agreed to everything; Maya's family has not answered for social media.
  await expect(photo.getByTestId("publish-refused")).toHaveText(
    "This photo cannot be used for the setting’s social media. Maya: no consent on record for social media.",
  );
  await expect(photo.getByRole("button", { name: "Use for social media" })).toHaveCount(0);
  // The photo is shown from the server (it was taken on Priya's tablet).
  const thumb = photo.getByTestId("photo-thumb");
  await expect.poll(() => thumb.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await checkScreen(sam, "Published, a photo refused", photo);

  // Maya's mum says yes to social media: Sam chooses it.
  await answer(sam, "Maya Begum", "Social media", true, "Rubina Begum");
  await section(sam, "Published");
  await sam.getByLabel("Social media").check();
  await expect(sam.getByTestId("social-policy").getByLabel("Children may appear, with their family’s consent")).toBeChecked();
  await photo.getByRole("button", { name: "Use for social media" }).click();
  const today = iso(new Date());
  const fileName = `little-acorns-nursery-demo-${today}-1.jpg`;
  await expect(photo.getByRole("status")).toHaveText(`Chosen for the setting’s social media. Download it from the list above as ${fileName}.`);
  const used = sam.getByTestId("published-photo");
  await expect(used).toHaveCount(1);
  await expect(used).toContainText("Social media: Ava and Maya");
  await expect(used).toContainText("Chosen by Sam Patel");
  await expect(used).toContainText(`The file: ${fileName}`);
  const caption = await used.locator("q").textContent();
  expect(caption).toMatch(/at Little Acorns Nursery \(demo\)\.$/);
  expect(caption).not.toMatch(/Ava|Maya/);

  // It downloads under the setting's name and the day, with no metadata, at a post's size.
  const [download] = await Promise.all([
    sam.waitForEvent("download"),
    used.getByRole("link", { name: "Download the photo" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(fileName);
  const saved = await download.path();
  const tags = JSON.parse(execFileSync("exiftool", ["-json", "-a", "-G1", saved]).toString())[0];
  const groups = new Set(Object.keys(tags).map((k) => k.split(":")[0]));
  console.log(`exiftool groups in the downloaded file: ${[...groups].join(", ")}`);
  for (const metadata of ["IFD0", "ExifIFD", "GPS", "XMP-x", "IPTC", "ICC-header", "Photoshop"]) {
    expect(groups.has(metadata), `${metadata} metadata left with the photo`).toBe(false);
  }
  expect(Math.max(tags["File:ImageWidth"], tags["File:ImageHeight"])).toBeLessThanOrEqual(1080);
  expect(JSON.stringify(tags)).not.toMatch(/Ava|Maya|Okafor|Begum/);
  await checkScreen(sam, "Published, chosen", used);

  // Maya's mum withdraws: the list says to take it down, and no longer offers the file.
  await answer(sam, "Maya Begum", "Social media", false, "Rubina Begum");
  await section(sam, "Published");
  await expect(sam.getByTestId("published-list").getByRole("alert")).toHaveText(
    "A photo may no longer be used: a family’s answer has changed. Take it down where it is, then record that you have.",
  );
  await expect(used.getByTestId("no-longer")).toHaveText(
    "No longer may be used. Maya: consent for social media was refused. Take it down from the setting’s social media, then record it here.",
  );
  await expect(used.getByRole("link", { name: "Download the photo" })).toHaveCount(0);
  await checkScreen(sam, "Published, to take down", used);
  await used.getByRole("button", { name: "I have taken it down" }).click();
  await expect(used).toContainText("Taken down by Sam Patel on");
  await expect(sam.getByTestId("published-list").getByRole("alert")).toHaveCount(0);

  // Ava's mum's phone, synced at the setting, says where a photo of Ava went and that it came
  // down, in words; nothing of Maya.
  await familySync(grace.page);
  const trail = grace.page.getByTestId("family-trail").getByTestId("trail-published");
  await expect(trail).toHaveCount(2);
  await expect(trail.nth(0)).toContainText(`Sam Patel: A photo of Ava was taken down from the setting’s social media on ${uk(new Date())}.`);
  await expect(trail.nth(1)).toContainText(`Sam Patel: A photo of Ava was chosen for the setting’s social media on ${uk(new Date())}.`);
  await expect(grace.page.getByTestId("family-trail")).not.toContainText("Maya");
  await checkScreen(grace.page, "A family's trail with a published photo", trail.first());
});
