// The layout promise: a phone and a 10-inch tablet either way round, nothing scrolls sideways,
// and every control is at least 44px each way, so it can be hit with a thumb.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";

const screens = [
  { name: "phone", width: 390, height: 844 },
  { name: "tablet portrait", width: 800, height: 1280 },
  { name: "tablet landscape", width: 1280, height: 800 },
];

let server;
test.beforeAll(async () => {
  server = await startServer({ args: ["--demo"] });
});
test.afterAll(async () => {
  await server?.stop();
  server?.cleanUp();
});

async function smallControls(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("button, input, select, a")]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el: el.outerHTML.slice(0, 80), box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44 || box.width < 44)
      .map(({ el, box }) => `${el} is ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
}

// A line, heading or notice between cards starts where the cards do, not at the screen's edge.
async function offTheCards(page) {
  return page.evaluate(() => {
    const app = document.querySelector(".app")?.getBoundingClientRect();
    if (!app) return [];
    return [...document.querySelectorAll(".page > p, .page > h2, .page > .notice, .family > p, .family > h2")]
      .filter((el) => el.offsetParent !== null)
      .filter((el) => !["card", "loading", "empty"].some((c) => el.classList.contains(c)))
      .filter((el) => el.getBoundingClientRect().left - app.left < 15)
      .map((el) => el.outerHTML.slice(0, 80));
  });
}

async function scrollsSideways(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth > window.innerWidth);
}

for (const screen of screens) {
  test(`on a ${screen.name}, screens fit and every control is big enough to touch`, async ({ page }) => {
    await page.setViewportSize({ width: screen.width, height: screen.height });
    await page.goto(server.url);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);

    await page.getByLabel("Your name").fill("Sam Patel");
    await page.getByLabel("Passphrase").fill("teapot river lantern");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("children-list")).toContainText("Ava Okafor");
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);

    await page.getByRole("button", { name: "Register a child" }).click();
    await expect(page.getByLabel("Key person")).toBeVisible();
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);

    await page.getByRole("link", { name: "Staff" }).click();
    await expect(page.getByTestId("staff-list")).toContainText("Priya Shah");
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);

    await page.getByRole("link", { name: "Photo", exact: true }).click();
    await page.getByLabel("Isla Kowalski").check();
    await expect(page.getByTestId("camera-refusals")).toBeVisible();
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);

    // The consent grid is wide: it scrolls inside its own box, the page does not.
    await page.getByRole("link", { name: "Consent", exact: true }).click();
    await expect(page.getByTestId("consent-overview")).toContainText("Ava Okafor");
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);
    await page.getByRole("link", { name: "Noah Williams" }).click();
    await page.getByRole("button", { name: "Record an answer" }).click();
    await expect(page.getByLabel("Parent or carer")).toBeVisible();
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);

    // Writing an observation, with every tag showing.
    await page.getByRole("link", { name: "Observe", exact: true }).click();
    await page.getByTestId("observation-children").getByLabel("Ava Okafor").check();
    await page.getByLabel("What did you see?").fill("Ava counted the ducks and sang a song");
    await page.getByText("All areas").click();
    await expect(page.getByTestId("saved")).toBeVisible();
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);

    // The day, the journal and the progress chart (wide: it scrolls in its own box).
    await page.getByRole("link", { name: "Today", exact: true }).click();
    await expect(page.getByTestId("drafts")).toContainText("Ava counted the ducks");
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);
    await page.goto(`${server.url}/children`);
    await page.getByLabel("Passphrase").fill("teapot river lantern");
    await page.getByRole("button", { name: "Unlock" }).click();
    await page.getByRole("link", { name: "Ava’s journal" }).click();
    await expect(page.getByTestId("journal-count")).toHaveText("1 observation");
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);
    await page.getByRole("link", { name: "Progress" }).click();
    // Nothing was tagged: the areas are all there, at nought.
    await expect(page.getByTestId("progress")).toContainText("Mathematics (0)");
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);
    await page.getByRole("link", { name: "Write the two-year check" }).click();
    await expect(page.getByTestId("check-status")).toHaveText("Status: Draft");
    expect(await smallControls(page)).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await offTheCards(page)).toEqual([]);
    await page.getByRole("button", { name: "Sign out" }).click();
  });
}
