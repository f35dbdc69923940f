// Steps the multi-tablet stories share: enrolling a tablet with the manager's approval, and a
// sync run started from the bar and waited for.
import { expect } from "@playwright/test";
import { section } from "./screens.js";

export async function enrol(tablet, manager, name) {
  await section(tablet, "Settings");
  await tablet.getByTestId("enrolment").getByRole("button", { name: "Enrol this tablet" }).click();
  const code = await tablet.getByTestId("enrol-code").textContent();
  await section(manager, "Settings");
  const waiting = manager.getByTestId("tablets").locator('li[data-status="pending"]');
  await expect(waiting).toHaveCount(1);
  await waiting.getByLabel("Code shown on the tablet").fill(code);
  await waiting.getByLabel("Name for this tablet").fill(name);
  await waiting.getByRole("button", { name: "Approve this tablet" }).click();
  await expect(manager.getByTestId("tablets")).toContainText(`${name} · enrolled`);
}

// Waits for the run this click started to finish, not for the button: the button can look
// ready before a run has begun, and the bar's words can still be the last run's.
export async function syncNow(page) {
  const bar = page.getByTestId("sync-status");
  // The click waits for the button, which is disabled while any run is under way, so the run
  // it starts is the latest one the bar counts. A run still under way after two minutes is
  // stuck: said here with where the bar stood, not left to the test's own time limit.
  await bar
    .getByRole("button", { name: "Sync now" })
    .click({ timeout: 120_000 })
    .catch(async (e) => {
      const said = await bar.textContent().catch(() => "(the page is gone)");
      throw new Error(`"Sync now" was not ready within two minutes; the bar said "${said}". ${e.message.split("\n")[0]}`);
    });
  const run = Number(await bar.getAttribute("data-run"));
  await expect
    .poll(async () => Number(await bar.getAttribute("data-done")), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(run);
  return bar;
}
