// P4: a journal of 1,000 observations and 300 photos (written by examples/journal_seed.rs through
// the app's own store, on a profile on disk) opened to its first screen, already unlocked: from
// the tap on "Ava’s journal" to the first rows and the count on screen, with the DOM node count
// then. The baseline is the same first screen drawn again from the decrypted entries already in
// memory (a search that matches nothing, cleared). Unthrottled, as DESIGN §7 states no throttle.
// Needs BURROW_SERVER, BURROW_DIST and BURROW_JOURNAL_SEED (cargo xtask bench sets them).
// Prints JSON: {"open_ms", "baseline_ms", "thumbnails_ms", "dom_nodes", "runs", "samples"}.
import { startServer } from "../support/server.js";
import { freshProfile } from "../support/profile.js";
import { appWithSeeder, seedJournal } from "../support/seeded.js";

const RUNS = 7;
const PASSPHRASE = "teapot river lantern";
const COUNT = "1000 observations";

// Runs `act` in the page and resolves with the time from it to the frame after `done` first
// holds, the DOM node count then, and the time to the first thumbnail decoded on screen.
const timed = (page, act, done) =>
  page.evaluate(
    ({ act, done, count }) =>
      new Promise((resolve, reject) => {
        const isDone = new Function("count", done);
        const start = performance.now();
        const timer = setTimeout(() => {
          const shown = document.querySelector('[data-testid="journal-count"]')?.textContent;
          reject(new Error(`the journal did not appear in 30 s (${shown}; first screen ${!!result}; ${document.querySelectorAll("[data-testid=journal] li").length} rows, first: ${document.querySelector("[data-testid=journal] li")?.textContent.slice(0, 80)})`));
        }, 30_000);
        let result;
        const check = () => {
          if (!result && isDone(count)) {
            result = { nodes: document.querySelectorAll("*").length };
            // The frame the rows are painted in.
            requestAnimationFrame(() => {
              result.ms = performance.now() - start;
            });
          }
          const picture = document.querySelector('[data-testid="journal"] img');
          if (result && picture) {
            observer.disconnect();
            picture.decode().then(() => {
              clearTimeout(timer);
              result.thumbnail_ms = performance.now() - start;
              requestAnimationFrame(() => resolve(result));
            }, reject);
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document, { childList: true, subtree: true, characterData: true });
        new Function(act)();
      }),
    { act, done, count: COUNT },
  );

const firstScreen = `
  const shown = document.querySelector('[data-testid="journal-count"]');
  const row = document.querySelector('[data-testid="journal"] li');
  return shown?.textContent === count && row !== null && row.textContent.includes("Observation 0:");
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const app = appWithSeeder();
const server = await startServer({ args: ["--demo"], appDir: app.dir });
const profile = freshProfile();
let context;
try {
  context = await profile.launch();
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  await page.getByLabel("Your name").fill("Priya Shah");
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
  await seedJournal(page, { passphrase: PASSPHRASE, children: ["Ava", "Noah"], observations: 1000, photos: 300 });
  const open = [];
  const baseline = [];
  const thumbnails = [];
  let nodes = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    await page.getByRole("link", { name: "Children", exact: true }).click();
    await page.getByTestId("children-list").waitFor();
    const opened = await timed(
      page,
      `[...document.querySelectorAll("a")].find((a) => a.textContent === "Ava’s journal").click();`,
      firstScreen,
    );
    const search = page.getByLabel("Search");
    await search.fill("nothing matches this");
    await page.getByTestId("journal-count").getByText("0 of 1000").waitFor();
    const redrawn = await timed(
      page,
      `const s = document.getElementById("journal-search");
       s.value = ""; s.dispatchEvent(new Event("input", { bubbles: true }));`,
      firstScreen,
    );
    if (i === 0) continue; // the first run warms the page's code paths
    open.push(opened.ms);
    baseline.push(redrawn.ms);
    nodes = opened.nodes;
    thumbnails.push(opened.thumbnail_ms);
  }
  const round = (xs) => xs.map((x) => Math.round(x));
  console.log(
    JSON.stringify({
      open_ms: median(open),
      baseline_ms: median(baseline),
      thumbnail_ms: median(thumbnails),
      dom_nodes: nodes,
      runs: RUNS,
      samples: { open: round(open), baseline: round(baseline), thumbnail: round(thumbnails) },
    }),
  );
} finally {
  await context?.close();
  profile.remove();
  await server.stop();
  server.cleanUp();
  app.remove();
}
