// The staff app's shell and its page groups (issue 19): a tablet's first screen downloads the
// shell alone; a group of pages comes the first time one of its pages opens; the service worker
// keeps every group, so a page never opened before still opens with no network; and a group
// that cannot be fetched is said on the page, and a later try opens it.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { checkScreen } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern"; // the demo's
// A page group's module (split_day, split_office, split_record) or a part they share.
const GROUP = /\/(split_\w+|chunk_\d+)-[0-9a-f]{16}\.wasm$/;

let server;
test.afterEach(async () => {
  await server?.stop();
  server?.cleanUp();
});

async function signIn(page) {
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Your name").fill("Sam Patel");
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
}

// The page's own fetches of page groups (the service worker's precaching is not the page's).
function groupsFetched(page) {
  const fetched = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (GROUP.test(path)) fetched.push(path.slice(1).replace(/-[0-9a-f]{16}\.wasm$/, ""));
  });
  return fetched;
}

test("signing in loads the shell alone; each page group comes when its page opens; all are kept offline", async ({ page }) => {
  server = await startServer({ args: ["--demo"] });
  const fetched = groupsFetched(page);
  // While the app's own module is still on its way, the page already says what is happening;
  // once the app is up, that line is gone.
  let release;
  const held = new Promise((done) => (release = done));
  await page.route(/\/burrow-[0-9a-f]{16}_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(server.url);
  await expect(page.getByText("Opening Burrow…")).toBeVisible();
  release();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByText("Opening Burrow…")).toHaveCount(0);
  await page.unroute(/\/burrow-[0-9a-f]{16}_bg\.wasm$/);
  await signIn(page);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Sam Patel · Manager");
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");
  // The sign-in screen needed no group; the children's list brought the day's pages only.
  expect(fetched).toContain("split_day");
  expect(fetched.filter((g) => g.startsWith("split_"))).toEqual(["split_day"]);

  // The service worker keeps every group, those no page has opened yet too.
  await page.waitForFunction(async () => {
    const cache = await caches.open("burrow-shell-v2 /");
    const kept = (await cache.keys()).map((r) => new URL(r.url).pathname);
    return ["split_day", "split_office", "split_record"].every((g) => kept.some((p) => p.startsWith(`/${g}-`)));
  }, null, { timeout: 30_000 });

  // With the server gone, the observation form (the recording group, never fetched by the page
  // until now) still opens: the service worker answers.
  await server.stop();
  await page.getByRole("link", { name: "Observe" }).click();
  await expect(page.getByRole("heading", { name: "Observation" })).toBeVisible();
  expect(fetched.filter((g) => g.startsWith("split_"))).toEqual(["split_day", "split_record"]);
});

test("a page group that cannot be fetched is said on the page, and opens on a later try", async ({ browser }) => {
  server = await startServer({ args: ["--demo"] });
  // No service worker: every group comes from the network, which refuses the office's.
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  let refused = 0;
  const refuse = (route) => {
    refused += 1;
    return route.abort("connectionrefused");
  };
  await page.route(/\/split_office-[0-9a-f]{16}\.wasm$/, refuse);
  await page.goto(server.url);
  await signIn(page);
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");

  await page.getByRole("link", { name: "Staff" }).click();
  await expect(page.getByRole("heading", { name: "This page could not be opened" })).toBeVisible();
  await expect(page.getByRole("alert")).toHaveText(
    "Part of Burrow could not be fetched. Connect to the setting’s Wi-Fi and try again. If it still cannot be opened, reload the page: Burrow may have been updated.",
  );
  await checkScreen(page, "a page that could not be opened", page.getByRole("button", { name: "Try again" }));
  // Still refused, a second try fetches again and says the same.
  const before = refused;
  await page.getByRole("button", { name: "Try again" }).click();
  await expect.poll(() => refused).toBeGreaterThan(before);
  await expect(page.getByRole("heading", { name: "This page could not be opened" })).toBeVisible();

  // With the network back, trying again opens the page, and the tablet was not locked.
  await page.unroute(/\/split_office-[0-9a-f]{16}\.wasm$/, refuse);
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { name: "Staff" })).toBeVisible();
  await expect(page.getByTestId("staff-list")).toContainText("Sam Patel");
  await expect(page.getByRole("heading", { name: "This page could not be opened" })).toHaveCount(0);
  await context.close();
});
