// Backups (issue 17), as a manager sets them up on a phone: the recovery key is shown once to
// put away, a folder that cannot work is refused beside its field, "Back up now" writes one,
// and the key as the screen showed it opens that backup from the server's terminal. Then the
// backup disk is taken out: the next backup says so on the screen, and the server carries on.
import { test, expect } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);

test("a manager sets up backups; the key shown once opens the backup; a disk taken out is said", async () => {
  test.setTimeout(120_000);
  held.server = await startServer({ args: ["--demo"] });
  const { page } = await signedInOnDisk(held, "Sam Patel", PASSPHRASE);
  await page.setViewportSize({ width: 390, height: 844 });
  await section(page, "Settings");
  const card = page.getByTestId("backups-setting");
  const standing = card.getByTestId("backup-standing");
  await expect(standing).toContainText("Backups are off.");

  await card.getByRole("button", { name: "Make the recovery key" }).click();
  const shown = card.getByTestId("recovery-key");
  await expect(shown).toHaveText(/^AGE-SECRET-KEY-1( [0-9A-Z]{1,6}){10}$/);
  const key = (await shown.textContent()).trim();
  await shown.scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.screenshot({ path: test.info().outputPath("recovery-key-phone.png"), fullPage: false });
  await card.getByRole("button", { name: "I have put it away" }).click();
  await expect(shown).toHaveCount(0);
  await expect(card.getByRole("button", { name: "Make the recovery key" })).toHaveCount(0);

  // A folder that cannot work, then one that can.
  const folder = card.getByLabel("Folder on the server for the nightly backups");
  await folder.fill("backups");
  await card.getByRole("button", { name: "Save the folder" }).click();
  await expect(card.locator(".field-error")).toContainText("full path on the server");
  const disk = mkdtempSync(join(tmpdir(), "burrow-usb-"));
  await folder.fill(disk);
  await card.getByRole("button", { name: "Save the folder" }).click();
  await expect(standing).toContainText(`The first is written tonight into ${disk}`);
  await expect(card.locator(".field-error")).toHaveText("");

  await card.getByRole("button", { name: "Back up now" }).click();
  await expect(standing).toContainText("Last backup");
  await expect(standing).toContainText(`1 kept in ${disk}`);
  const files = readdirSync(disk);
  expect(files).toHaveLength(1);

  // The key as the screen showed it opens the backup, from the server's terminal.
  const into = join(mkdtempSync(join(tmpdir(), "burrow-restore-")), "data");
  const restored = spawnSync(
    process.env.BURROW_SERVER,
    ["restore", "--from", join(disk, files[0]), "--data-dir", into],
    { input: `${key}\n`, encoding: "utf8", env: { ...process.env, RUST_LOG: "off" } },
  );
  expect(restored.stdout).toContain("The audit log is intact");
  expect(restored.status).toBe(0);
  rmSync(join(into, ".."), { recursive: true, force: true });

  // The disk is taken out: said on the screen, in words, and the server carries on.
  rmSync(disk, { recursive: true, force: true });
  await card.getByRole("button", { name: "Back up now" }).click();
  const warning = card.getByRole("alert");
  await expect(warning).toContainText("is not there");
  await expect(warning).toContainText("USB disk");
  await expect(warning).toContainText("The last good backup was made");
  await card.screenshot({ path: test.info().outputPath("backup-failed-phone.png") });
  await section(page, "Children");
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");
});
