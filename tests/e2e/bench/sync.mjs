// P6: a tablet's first sync of 1,000 observations and 200 photos of 300 KB (written by
// examples/journal_seed.rs through the app's own store, on a profile on disk) to the setting's
// server over loopback HTTPS: from the moment the sync line says it is syncing to the moment it
// says everything is on the server. The baseline is a raw upload of the same bytes to the same
// server in the same run: one request per photo and one for the records' JSON, to a route that
// reads and discards them (--bench-sink). Prints JSON: {"sync_ms", "raw_ms", "bytes", "refused"}.
import { startServer } from "../support/server.js";
import { freshProfile } from "../support/profile.js";
import { appWithSeeder, seedJournal } from "../support/seeded.js";

const PASSPHRASE = "teapot river lantern";
const OBSERVATIONS = 1000;
const PHOTOS = 200;
const PHOTO_BYTES = 300 * 1024;

const app = appWithSeeder();
const server = await startServer({ args: ["--demo", "--bench-sink"], appDir: app.dir, https: true });
const profile = freshProfile({ ignoreHTTPSErrors: true });
let context;
try {
  context = await profile.launch();
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.httpsUrl);
  await page.getByLabel("Your name").fill("Sam Patel");
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
  // Seeded before the tablet is enrolled, so nothing syncs half-way through.
  await seedJournal(page, { passphrase: PASSPHRASE, children: ["Ava", "Maya"], observations: OBSERVATIONS, photos: PHOTOS, open: true, timeout: 600_000 });
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByTestId("enrolment").getByRole("button", { name: "Enrol this tablet" }).click();
  const code = await page.getByTestId("enrol-code").textContent();
  const waiting = page.getByTestId("tablets").locator('li[data-status="pending"]');
  await waiting.getByLabel("Code shown on the tablet").fill(code);
  await waiting.getByLabel("Name for this tablet").fill("Bench tablet");
  await waiting.getByRole("button", { name: "Approve this tablet" }).click();
  await page.getByTestId("tablets").getByText("Bench tablet · enrolled").waitFor();

  // Timed from the first "Syncing" to "Everything is on the setting’s server", whoever starts it.
  const timing = page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        let start;
        const timer = setTimeout(() => reject(new Error("the sync did not finish in 15 minutes")), 900_000);
        const check = () => {
          const text = document.querySelector('[data-testid="sync-status"]')?.textContent ?? "";
          if (start === undefined && text.includes("Syncing")) start = performance.now();
          if (start !== undefined && text.includes("Everything is on the setting’s server")) {
            observer.disconnect();
            clearTimeout(timer);
            resolve({ ms: performance.now() - start, text });
          }
          if (text.includes("Sync stopped")) reject(new Error(text));
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
        check();
      }),
  );
  const button = page.getByTestId("sync-status").getByRole("button", { name: "Sync now" });
  if (await button.isEnabled()) await button.click();
  const synced = await timing;
  const refusedLink = page.getByTestId("sync-refused-link");
  const refused = (await refusedLink.count()) > 0 ? await refusedLink.textContent() : "none";

  // The same bytes, raw: each photo, then the records as JSON (as large as the sync sent).
  const raw = await page.evaluate(
    async ({ photos, photoBytes, observations }) => {
      const photo = new Uint8Array(photoBytes);
      crypto.getRandomValues(photo.subarray(0, 65536));
      const records = new Uint8Array(observations * 1100);
      const start = performance.now();
      let bytes = 0;
      for (let i = 0; i < photos; i++) {
        const r = await fetch("/api/bench/sink", { method: "POST", body: photo });
        if (!r.ok) throw new Error(`the sink said ${r.status}`);
        bytes += photo.length;
      }
      const r = await fetch("/api/bench/sink", { method: "POST", body: records });
      if (!r.ok) throw new Error(`the sink said ${r.status}`);
      bytes += records.length;
      return { ms: performance.now() - start, bytes };
    },
    { photos: PHOTOS, photoBytes: PHOTO_BYTES, observations: OBSERVATIONS },
  );
  console.log(JSON.stringify({ sync_ms: Math.round(synced.ms), raw_ms: Math.round(raw.ms), bytes: raw.bytes, refused }));
} finally {
  await context?.close();
  profile.remove();
  await server.stop();
  server.cleanUp();
  app.remove();
}
