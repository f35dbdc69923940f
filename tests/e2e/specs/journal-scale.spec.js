// A journal of 1,000 observations and 300 photos, written through the app's own store code:
// the list keeps a bounded number of DOM nodes wherever it is scrolled, newest first down to the
// oldest, decrypts thumbnails only for the rows it shows, and the search works at that size.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { appWithSeeder, seedJournal } from "../support/seeded.js";
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const held = cleanUpAfterEach(test);
let app;
test.afterEach(() => app?.remove());

test("a journal of a thousand observations scrolls with a bounded number of rows", async () => {
  test.setTimeout(360_000);
  app = appWithSeeder();
  held.server = await startServer({ args: ["--demo"], appDir: app.dir });
  const { context, page } = await signedInOnDisk(held, "Priya Shah", PASSPHRASE);
  await seedJournal(page, { passphrase: PASSPHRASE, children: ["Ava", "Noah"], observations: 1000, photos: 300 });

  await page.getByRole("link", { name: "Ava’s journal" }).click();
  await expect(page.getByTestId("journal-count")).toHaveText("1000 observations", { timeout: 30_000 });
  const journal = page.getByTestId("journal");
  const rows = journal.getByRole("listitem");
  await expect(rows.first()).toContainText("Observation 0:");
  const shown = await rows.count();
  expect(shown).toBeGreaterThan(3);
  expect(shown).toBeLessThanOrEqual(30);
  const nodes = await page.evaluate(() => document.querySelectorAll("*").length);
  expect(nodes, "DOM nodes on the first screen").toBeLessThan(1500);
  // Thumbnails of the rows on screen are decrypted; no more.
  await expect(journal.getByRole("img").first()).toBeVisible();
  expect(await journal.getByRole("img").count()).toBeLessThanOrEqual(shown);

  // Down to the oldest: still a handful of rows.
  await journal.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(journal).toContainText("Observation 999:");
  expect(await rows.count()).toBeLessThanOrEqual(30);
  // Past the 300 newest, no photos: none decrypted down here.
  await expect(journal.getByRole("img")).toHaveCount(0);

  // The search runs over all thousand, in memory.
  await page.getByLabel("Search").fill("observation 512:");
  await expect(page.getByTestId("journal-count")).toHaveText("1 of 1000 observations match");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Observation 512:");
  // Nothing matches, then the search is cleared: the whole journal is back, with its pictures.
  await page.getByLabel("Search").fill("nothing matches this");
  await expect(page.getByTestId("journal-count")).toHaveText("0 of 1000 observations match");
  await expect(rows).toHaveCount(0);
  await page.getByLabel("Search").fill("");
  await expect(page.getByTestId("journal-count")).toHaveText("1000 observations");
  await expect(rows.first()).toContainText("Observation 0:");
  await expect(journal.getByRole("img").first()).toBeVisible();

  // Every fifth was a group observation with Noah.
  await section(page, "Children");
  await page.getByRole("link", { name: "Noah’s journal" }).click();
  await expect(page.getByTestId("journal-count")).toHaveText("200 observations", { timeout: 30_000 });
  await expect(journal.getByRole("listitem").first()).toContainText("with Ava");
  await context.close();
});
