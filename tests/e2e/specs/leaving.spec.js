// A child leaving, on three screens: the manager records Ava's last day on her page; the
// children list says who leaves this month; the family's phone (a phone-sized screen) tells her
// mum to keep the journal before then; once the day has passed, the phone takes Ava's journal
// off, says so kindly, and keeps following her brother's.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, openOnDisk, signedInOnDisk } from "../support/profile.js";
import { execFileSync } from "node:child_process";
import { checkScreen, section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const GRACE_PASSPHRASE = "marble otter sunrise";
const held = cleanUpAfterEach(test);

// The setting's own date, in London, as the server and the app reckon it.
const iso = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(d);
const uk = (d) => `${iso(d).slice(8, 10)}/${iso(d).slice(5, 7)}/${iso(d).slice(0, 4)}`;

// A downloaded PDF's words, read by poppler's pdftotext as a family's PDF reader would.
async function pdfText(download) {
  const path = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(path);
  return execFileSync("pdftotext", [path, "-"]).toString();
}

async function familySync(page) {
  const said = page.getByTestId("family-sync");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(said).toContainText("Up to date", { timeout: 30_000 });
}

test("a leaving date is recorded, the family is told to keep the journal, and after the day the phone lets it go", async () => {
  test.setTimeout(180_000);
  held.server = await startServer({ args: ["--demo"] });
  const office = await signedInOnDisk(held, "Sam Patel", PASSPHRASE);
  const sam = office.page;

  // Grace follows Ava and Noah (as siblings would be) on her own phone, at a phone's size.
  await section(sam, "Families");
  await sam.getByLabel("Their name").fill("Grace Okafor");
  await sam.getByTestId("parent-children").getByLabel("Ava Okafor").check();
  await sam.getByTestId("parent-children").getByLabel("Noah Williams").check();
  await sam.getByRole("button", { name: "Link and make a code" }).click();
  const invite = sam.getByTestId("family-invite");
  await expect(invite).toContainText("Grace Okafor is linked");
  const code = (await invite.locator(".code").textContent()).trim();
  const device = await openOnDisk(held);
  held.others = [device.profile];
  const grace = device.page;
  await grace.setViewportSize({ width: 390, height: 844 });
  await grace.getByRole("link", { name: "Follow your child’s journal on your own phone" }).click();
  await grace.getByLabel("Invite code").fill(code);
  await grace.getByLabel("Passphrase", { exact: true }).fill(GRACE_PASSPHRASE);
  await grace.getByLabel("Passphrase again").fill(GRACE_PASSPHRASE);
  await grace.getByRole("button", { name: "Set up this phone" }).click();
  await expect(grace.getByRole("heading", { name: "Ava and Noah’s journal" })).toBeVisible();

  // A date before Ava started is refused beside the field, and nothing is recorded.
  await section(sam, "Children");
  await sam.getByRole("link", { name: "Ava’s consent" }).click();
  const card = sam.getByTestId("leaving");
  await expect(card).toContainText("When Ava’s family tells you their last day");
  await card.getByLabel("Last day at the setting").fill("2001-01-01");
  await card.getByRole("button", { name: "Record the leaving date" }).click();
  await expect(card.locator(".field-error")).toContainText("before the child started");

  // Her last day is today: the children list says she leaves this month.
  const today = new Date();
  await card.getByLabel("Last day at the setting").fill(iso(today));
  await card.getByRole("button", { name: "Record the leaving date" }).click();
  await expect(card).toContainText(`Ava’s last day is ${uk(today)}.`);
  await section(sam, "Children");
  await expect(sam.getByTestId("leaving-this-month")).toContainText(`Ava Okafor (${uk(today)})`);
  await expect(sam.getByTestId("children-list")).toContainText(`Leaving ${uk(today)}`);

  // The phone hears it at its next sync, and the words fit a phone's screen.
  await familySync(grace);
  await expect(grace.getByTestId("family-leaving")).toHaveText(
    `Ava’s last day is ${uk(today)}. Keep Ava’s journal: download it before then.`,
  );
  // Grace keeps Ava's journal: the setting's server makes the PDF for her phone.
  await grace.getByRole("button", { name: "Get Ava’s journal (PDF)" }).click();
  const saving = grace.waitForEvent("download");
  await grace.getByRole("link", { name: "Save Ava’s journal (PDF)" }).click();
  const kept = await pdfText(await saving);
  expect(kept).toContain("Ava’s learning journal");
  expect(kept).toContain("Little Acorns Nursery (demo)");
  expect(kept).not.toContain("Noah");
  // And the keepsake zip, which opens on a computer with the PDF and a page of the journal.
  await grace.getByRole("button", { name: "Get Ava’s journal and photos (zip)" }).click();
  const zipping = grace.waitForEvent("download");
  await grace.getByRole("link", { name: "Save Ava’s journal and photos (zip)" }).click();
  const zipPath = test.info().outputPath("keepsake.zip");
  await (await zipping).saveAs(zipPath);
  const listed = execFileSync("unzip", ["-l", zipPath]).toString();
  expect(listed).toContain("Ava-learning-journal.pdf");
  expect(listed).toContain("index.html");
  // The manager can make the same copy for the family (to hand over on a USB stick).
  await sam.getByRole("link", { name: "Ava’s consent" }).click();
  const handing = sam.waitForEvent("download");
  await sam.getByRole("link", { name: "Download Ava’s journal (PDF) for the family" }).click();
  expect(await pdfText(await handing)).toContain("Ava’s learning journal");
  await section(sam, "Children");
  const width = await grace.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await grace.screenshot({ path: test.info().outputPath("phone-leaving.png"), fullPage: true });
  await checkScreen(grace, "A family's phone, a child leaving", grace.getByTestId("family-leaving"));
  await sam.screenshot({ path: test.info().outputPath("children-leaving.png"), fullPage: true });

  // The family left without notice: the manager moves the day to yesterday. It has passed, so
  // the page no longer offers to change it.
  const yesterday = new Date(today.getTime() - 86_400_000);
  await sam.getByRole("link", { name: "Ava’s consent" }).click();
  await card.getByLabel("Last day at the setting").fill(iso(yesterday));
  await card.getByRole("button", { name: "Change the leaving date" }).click();
  await expect(card).toContainText(`Ava left on ${uk(yesterday)}. Their journal is closed to their family.`);
  await expect(card.getByRole("button")).toHaveCount(0);

  // The phone lets Ava's journal go, says so, and keeps Noah's.
  await familySync(grace);
  await expect(grace.getByTestId("family-left")).toContainText(
    "Ava has left the setting, so Ava’s journal has closed and has been taken off this phone.",
  );
  await expect(grace.getByRole("heading", { name: "Noah’s journal" })).toBeVisible();
  await expect(grace.getByTestId("family-leaving")).toHaveCount(0);
  await grace.screenshot({ path: test.info().outputPath("phone-left.png"), fullPage: true });
  await checkScreen(grace, "A family's phone, a child left", grace.getByTestId("family-left"));
  // And it stays so after a reload and unlock (what the phone keeps, not what a sync said).
  await grace.reload();
  await grace.getByLabel("Passphrase").fill(GRACE_PASSPHRASE);
  await grace.getByRole("button", { name: "Open" }).click();
  await expect(grace.getByRole("heading", { name: "Noah’s journal" })).toBeVisible();
  await expect(grace.getByTestId("family-left")).toBeVisible();
  await device.context.close();
});
