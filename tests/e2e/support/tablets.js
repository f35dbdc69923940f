// Steps the multi-tablet stories share: enrolling a tablet with the manager's approval, and a
// sync run started from the bar and waited for.
import { expect } from "@playwright/test";

export async function enrol(tablet, manager, name) {
  await tablet.getByRole("link", { name: "Settings", exact: true }).click();
  await tablet.getByTestId("enrolment").getByRole("button", { name: "Enrol this tablet" }).click();
  const code = await tablet.getByTestId("enrol-code").textContent();
  await manager.getByRole("link", { name: "Settings", exact: true }).click();
  const waiting = manager.getByTestId("tablets").locator('li[data-status="pending"]');
  await expect(waiting).toHaveCount(1);
  await waiting.getByLabel("Code shown on the tablet").fill(code);
  await waiting.getByLabel("Name for this tablet").fill(name);
  await waiting.getByRole("button", { name: "Approve this tablet" }).click();
  await expect(manager.getByTestId("tablets")).toContainText(`${name} · enrolled`);
}

export async function syncNow(page) {
  const bar = page.getByTestId("sync-status");
  await bar.getByRole("button", { name: "Sync now" }).click();
  await expect(bar.getByRole("button", { name: "Sync now" })).toBeEnabled({ timeout: 30_000 });
  return bar;
}
