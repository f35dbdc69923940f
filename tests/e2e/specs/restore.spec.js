// A server restored from last night's backup (issue 17): the manager's tablet syncs an
// observation, the server is backed up, a second observation syncs, and the server is lost and
// restored from the backup into a new folder, on the same address; its audit log is intact and
// says it was restored. The tablet notices at its next sync, before it sends anything: it stops
// and says why, and keeps both observations, rather than pushing on top of versions the server
// no longer has, pulling past what the server now holds, or letting photos go on its word.
import { test, expect } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { enrol, syncNow } from "../support/tablets.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);

async function observe(page, words) {
  await page.getByRole("link", { name: "Observe", exact: true }).click();
  await page.getByTestId("observation-children").getByLabel("Ava Okafor").check();
  await page.getByLabel("What did you see?").fill(words);
  await expect(page.getByTestId("saved")).toContainText("Saved on this tablet, encrypted");
  await page.getByRole("button", { name: "Submit for validation" }).click();
  await expect(page.getByRole("button", { name: "Submit for validation" })).toHaveCount(0);
}

function burrow(args, input = "") {
  const run = spawnSync(process.env.BURROW_SERVER, args, { input, encoding: "utf8", env: { ...process.env, RUST_LOG: "off" } });
  return { ok: run.status === 0, said: run.stdout };
}

test("a tablet meeting a server restored from an older backup stops and keeps its work", async () => {
  test.setTimeout(180_000);
  const scratch = mkdtempSync(join(tmpdir(), "burrow-restore-drill-"));
  try {
    held.server = await startServer({ args: ["--demo"] });
    const address = new URL(held.server.url).host;
    const { page } = await signedInOnDisk(held, "Sam Patel", PASSPHRASE);
    await enrol(page, page, "Office tablet");
    await observe(page, "Ava poured water from jug to jug at the water tray");
    await expect(await syncNow(page)).toContainText("Everything is on the setting’s server");

    // Last night's backup, taken with the server running.
    const key = (await (await page.request.post(`${held.server.url}/api/backups/recovery-key`, { data: {} })).json()).recovery_key;
    const backup = join(scratch, "nightly.age");
    const made = burrow(["--data-dir", held.server.dataDir, "backup", "--to", backup]);
    expect(made.said).toContain("Backup written to");

    // Today's work reaches the server, then the server is lost.
    await observe(page, "Ava built a tower of ten blocks and counted them");
    await expect(await syncNow(page)).toContainText("Everything is on the setting’s server");
    await held.server.stop();
    held.server.cleanUp();

    const restoredDir = join(scratch, "restored");
    const restored = burrow(["restore", "--from", backup, "--data-dir", restoredDir], `${key}\n`);
    expect(restored.said).toContain("The audit log is intact");
    expect(restored.ok).toBe(true);
    held.server = await startServer({ dataDir: restoredDir, http: address });
    expect(held.server.url).toBe(`http://${address}`);

    // The restored server has last night's entry, not today's, and says it was restored.
    const api = page.request;
    const log = await (await api.get(`${held.server.url}/api/audit?action=restored_from_backup`)).json();
    expect(log.entries).toHaveLength(1);
    expect((await (await api.get(`${held.server.url}/api/audit/check`)).json()).intact).toBe(true);

    // The tablet stops, says why, and keeps both.
    const bar = await syncNow(page);
    await expect(bar).toContainText("restored from a backup");
    await expect(bar).toContainText("keeps all of it");
    await page.getByRole("link", { name: "Children", exact: true }).click();
    await page.getByRole("link", { name: "Ava’s journal" }).click();
    const entries = page.getByTestId("journal").locator(".entry");
    await expect(entries.filter({ hasText: "water tray" })).toHaveCount(1);
    await expect(entries.filter({ hasText: "tower of ten blocks" })).toHaveCount(1);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
