// A family's phone in a story: the manager links a parent to their child and gets the code,
// the phone is set up with it on a profile of its own, and the phone syncs.
import { expect } from "@playwright/test";
import { openOnDisk } from "./profile.js";
import { section } from "./screens.js";

export async function linkParent(manager, name, child) {
  await section(manager, "Families");
  await manager.getByLabel("Their name").fill(name);
  await manager.getByTestId("parent-children").getByLabel(child).check();
  await manager.getByRole("button", { name: "Link and make a code" }).click();
  const invite = manager.getByTestId("family-invite");
  await expect(invite).toContainText(`${name} is linked`);
  await expect(invite.getByTestId("family-address")).toHaveText(new URL(manager.url()).origin + "/family");
  return (await invite.locator(".code").textContent()).trim();
}

// A phone set up with `code`; its profile is removed with `held.others` after the test. `via`:
// the staff app's front page and its link for parents, or the /family address the manager gives
// out, which loads the family's own app and never the staff's.
export async function phone(held, code, passphrase, via = "front page") {
  const others = held.others;
  const device = await openOnDisk(held, undefined, via === "address" ? "/family" : "/");
  others.push(device.profile);
  const page = device.page;
  if (via !== "address") {
    await page.getByRole("link", { name: "Follow your child’s journal on your own phone" }).click();
  }
  // A phone not yet set up is sent to set-up, at set-up's own address, whichever way it came.
  await expect(page).toHaveURL(/\/family\/enrol$/);
  await page.getByLabel("Invite code").fill(code);
  await page.getByLabel("Passphrase", { exact: true }).fill(passphrase);
  await page.getByLabel("Passphrase again").fill(passphrase);
  await page.getByRole("button", { name: "Set up this phone" }).click();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeVisible();
  // The journal's own address, so a bookmark or the home screen opens it next time.
  await expect(page).toHaveURL(/\/family$/);
  if (via === "address") {
    const apps = device.requested.filter((u) => u.endsWith(".wasm")).map((u) => new URL(u).pathname);
    expect(apps.length, "the family app's wasm was loaded").toBeGreaterThan(0);
    expect(apps.filter((p) => !p.startsWith("/family/")), "a phone opened at /family loaded the staff app").toEqual([]);
  }
  return device;
}

export async function familySync(page) {
  await page.getByRole("button", { name: "Sync now" }).click();
  const said = page.getByTestId("family-sync");
  await expect(said).toBeVisible({ timeout: 30_000 });
  return said;
}
