// The layout promise: every staff screen on a phone (390×844) and a 10-inch tablet either way
// round (800×1280, 1280×800). Nothing scrolls sideways, every control can be hit with a thumb,
// no serious accessibility problem, a screenshot of each kept (support/screens.js). Getting
// around: tabs along the top of a tablet, all in view; on a phone the daily four and "More" in a
// bar at the bottom. (The family's phone is checked the same way in family.spec.)
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { LANDSCAPE, PHONE, PORTRAIT, checkScreen } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";
const MANAGER_TABS = ["Today", "Children", "Observe", "Photo", "Consent", "Validate", "Families", "Published", "Staff", "Settings"];

let server;
test.beforeAll(async () => {
  server = await startServer({ args: ["--demo"] });
});
test.afterAll(async () => {
  await server?.stop();
  server?.cleanUp();
});

const sections = (page) => page.getByRole("navigation", { name: "Sections" });

// Goes to a section the way a person would at this size: its tab, or "More" and then it.
async function go(page, name) {
  const tab = sections(page).getByRole("link", { name, exact: true });
  if (await tab.isVisible()) return tab.click();
  await sections(page).getByRole("link", { name: "More", exact: true }).click();
  await page.getByTestId("more-list").getByRole("link", { name: new RegExp(`^${name} `) }).click();
}

async function signIn(page, name = "Sam Patel") {
  await page.goto(server.url);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(name);
}

test("a tablet shows every section as a tab, in view, either way round", async ({ browser }) => {
  for (const size of [LANDSCAPE, PORTRAIT]) {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
    const page = await context.newPage();
    await signIn(page);
    const tabs = sections(page).getByRole("link");
    await expect(tabs.filter({ visible: true })).toHaveText(MANAGER_TABS);
    for (const name of MANAGER_TABS) {
      const box = await sections(page).getByRole("link", { name, exact: true }).boundingBox();
      expect(box.x, `${name} on a ${size.name}`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${name} on a ${size.name}`).toBeLessThanOrEqual(size.width);
    }
    // Each tab leads to its page and says so.
    await go(page, "Validate");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Validation");
    await expect(sections(page).getByRole("link", { name: "Validate" })).toHaveAttribute("aria-current", "page");
    await context.close();
  }
  // A practitioner has no manager's tabs.
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "Priya Shah");
  await expect(sections(page).getByRole("link").filter({ visible: true })).toHaveText(
    MANAGER_TABS.filter((t) => !["Validate", "Families", "Published"].includes(t)),
  );
  await context.close();
});

test("a phone has the daily four and More in a bar at the bottom, in reach of a thumb", async ({ page }) => {
  await page.setViewportSize({ width: PHONE.width, height: PHONE.height });
  await signIn(page);
  const visible = sections(page).getByRole("link").filter({ visible: true });
  await expect(visible).toHaveText(["Today", "Children", "Observe", "Photo", "More"]);
  const bar = await sections(page).boundingBox();
  expect(Math.round(bar.y + bar.height)).toBe(PHONE.height);
  expect(Math.round(bar.width)).toBe(PHONE.width);
  // The last thing on a long page can still be scrolled clear of the bar. The page grows as its
  // lists arrive (under load, after a first scroll), so scroll to the end and measure until the
  // state holds, rather than once.
  const last = page.locator(".page > *").last();
  await expect
    .poll(async () => {
      await page.evaluate(() => window.scrollTo(0, document.scrollingElement.scrollHeight));
      const box = await last.boundingBox();
      return box.y + box.height;
    })
    .toBeLessThanOrEqual(bar.y);

  // "More" holds the rest, a manager's too, and is the current place while in one of them.
  await sections(page).getByRole("link", { name: "More" }).click();
  const more = page.getByTestId("more-list").getByRole("link");
  const names = ["Consent", "Validate", "Families", "Published", "Staff", "Settings", "Sync", "Audit log"];
  await expect(more).toHaveCount(names.length);
  for (const [i, name] of names.entries()) await expect(more.nth(i)).toHaveAccessibleName(new RegExp(`^${name} `));
  await page.getByTestId("more-list").getByRole("link", { name: /^Staff / }).click();
  await expect(page.getByTestId("staff-list")).toContainText("Priya Shah");
  await expect(sections(page).getByRole("link", { name: "More" })).toHaveAttribute("aria-current", "page");
  await go(page, "Photo");
  await expect(page.getByRole("heading", { name: "Take a photo" })).toBeVisible();
  await expect(sections(page).getByRole("link", { name: "Photo" })).toHaveAttribute("aria-current", "page");
});

test("every staff screen fits a phone and a tablet, can be touched and read by everyone", async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: PHONE.width, height: PHONE.height });
  await page.goto(server.url);
  await checkScreen(page, "Sign in", page.getByRole("heading", { name: "Sign in" }));
  await signIn(page);
  await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");
  await checkScreen(page, "Children", page.getByTestId("children-list"));

  await page.getByRole("button", { name: "Register a child" }).click();
  await checkScreen(page, "Register a child", page.getByLabel("Key person"));

  await sections(page).getByRole("link", { name: "More" }).click();
  await checkScreen(page, "More", page.getByTestId("more-list"), [PHONE]);
  await page.getByTestId("more-list").getByRole("link", { name: /^Staff / }).click();
  await checkScreen(page, "Staff", page.getByTestId("staff-list"));

  await go(page, "Photo");
  await page.getByLabel("Isla Kowalski").check();
  await checkScreen(page, "Photo refused", page.getByTestId("camera-refusals"));

  // The consent grid is wide: it scrolls inside its own box, the page does not.
  await go(page, "Consent");
  await checkScreen(page, "Consent", page.getByTestId("consent-overview"));
  await page.getByRole("link", { name: "Noah Williams" }).click();
  await page.getByRole("button", { name: "Record an answer" }).click();
  await checkScreen(page, "A child's consent", page.getByLabel("Parent or carer"));

  // Writing an observation, with every tag showing.
  await go(page, "Observe");
  await page.getByTestId("observation-children").getByLabel("Ava Okafor").check();
  await page.getByLabel("What did you see?").fill("Ava counted the ducks and sang a song");
  await page.getByText("All areas").click();
  await expect(page.getByTestId("saved")).toBeVisible();
  await checkScreen(page, "Observation", page.getByLabel("What did you see?"));

  // The day, the journal and the progress chart (wide: it scrolls in its own box).
  await go(page, "Today");
  await expect(page.getByTestId("drafts")).toContainText("Ava counted the ducks");
  await checkScreen(page, "Today", page.getByTestId("drafts"));
  await go(page, "Children");
  await page.getByRole("link", { name: "Ava’s journal" }).click();
  await expect(page.getByTestId("journal-count")).toHaveText("1 observation");
  await checkScreen(page, "Journal", page.getByTestId("journal-count"));
  await page.getByRole("link", { name: "Progress" }).click();
  // Nothing was tagged: the areas are all there, at nought.
  await expect(page.getByTestId("progress")).toContainText("Mathematics (0)");
  await checkScreen(page, "Progress", page.getByTestId("progress"));
  await page.getByRole("link", { name: "Write the two-year check" }).click();
  await expect(page.getByTestId("check-status")).toHaveText("Status: Draft");
  await checkScreen(page, "Two-year check", page.getByTestId("check-status"));

  // A manager's pages.
  await go(page, "Validate");
  await checkScreen(page, "Validate", page.getByRole("heading", { level: 1 }));
  await go(page, "Families");
  await checkScreen(page, "Families", page.getByRole("heading", { level: 1 }));
  await go(page, "Published");
  await checkScreen(page, "Published", page.getByRole("heading", { name: "Choose a photo" }));
  await go(page, "Settings");
  await checkScreen(page, "Settings", page.getByTestId("audit-link"));
  await go(page, "Audit log");
  await checkScreen(page, "Audit log", page.getByRole("heading", { level: 1 }));
  await go(page, "Sync");
  await checkScreen(page, "Sync", page.getByRole("heading", { level: 1 }));
  await page.getByRole("button", { name: "Sign out" }).click();
});
