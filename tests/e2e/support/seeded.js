// A journal filled through the app's own store code (examples/journal_seed.rs), for the tests
// and the benchmark that need one of realistic size: the app and the seeder are served from
// one folder, so they share one origin and one store.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The app's files with the seeder under /seed/. Returns the folder and a way to remove it.
export function appWithSeeder() {
  const seeder = process.env.BURROW_JOURNAL_SEED;
  const dist = process.env.BURROW_DIST;
  if (!seeder || !dist) throw new Error("set BURROW_JOURNAL_SEED and BURROW_DIST (cargo xtask test does)");
  const dir = mkdtempSync(join(tmpdir(), "burrow-app-seed-"));
  cpSync(dist, dir, { recursive: true });
  cpSync(seeder, join(dir, "seed"), { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Seeds, for the signed-in person on `page`'s tablet, `observations` observations (every fifth
// shared by all the children named) and `photos` photos, newest first. Returns the ids used.
export async function seedJournal(page, { passphrase, children, observations, photos, open = false, timeout = 240_000 }) {
  const ids = await page.evaluate(async (names) => {
    const session = await (await fetch("/api/session")).json();
    const all = await (await fetch("/api/children")).json();
    return { me: session.staff.id, children: names.map((n) => all.find((c) => c.first_name === n).id) };
  }, children);
  const seeder = await page.context().newPage();
  // The passphrase travels in window.name, never in an address.
  await seeder.addInitScript((p) => {
    window.name = p;
  }, passphrase);
  const url = new URL(page.url());
  await seeder.goto(
    `${url.origin}/seed/?user=${ids.me}&children=${ids.children.join(",")}&observations=${observations}&photos=${photos}${open ? "&open=yes" : ""}`,
  );
  await seeder.waitForFunction(() => window.seeded !== undefined || window.failure !== undefined, null, { timeout });
  const failure = await seeder.evaluate(() => window.failure);
  await seeder.close();
  if (failure) throw new Error(`the seeder failed: ${failure}`);
  return ids;
}
