// What every screen promises at every size: nothing scrolls sideways, every control is at least
// 44px each way (a thumb can hit it), lines between cards start where the cards do, the
// setting's name is not cut off, no serious or critical accessibility problem by axe-core
// (WCAG 2.1 A and AA), and keyboard focus shows, in a ring that stands out.
// A screenshot of each screen at each size is kept with the test's results, to be looked at.
import { expect, test } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const PHONE = { name: "phone", width: 390, height: 844 };
export const PORTRAIT = { name: "tablet portrait", width: 800, height: 1280 };
export const LANDSCAPE = { name: "tablet landscape", width: 1280, height: 800 };
export const SIZES = [PHONE, PORTRAIT, LANDSCAPE];

export async function smallControls(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("button, input, select, textarea, a, summary")]
      .filter((el) => el.offsetParent !== null || getComputedStyle(el).position === "fixed")
      .map((el) => ({ el: el.outerHTML.slice(0, 80), box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44 || box.width < 44)
      .map(({ el, box }) => `${el} is ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
}

// A line, heading or notice between cards starts where the cards do, not at the screen's edge.
export async function offTheCards(page) {
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

// The page wider than the screen, with what sticks out.
export async function sideways(page) {
  return page.evaluate(() => {
    if (document.scrollingElement.scrollWidth <= window.innerWidth) return [];
    return [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.outerHTML.slice(0, 80)} reaches ${Math.round(el.getBoundingClientRect().right)}px`);
  });
}

// The setting's name in the top bar, cut off behind an ellipsis.
export async function cutNames(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll(".setting-name")]
      .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `"${el.textContent}" shows ${el.clientWidth}px of ${el.scrollWidth}px`),
  );
}

export async function accessibilityProblems(page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")})`);
}

// Tabs through the first few controls: each one focused shows an outline or a ring, and an
// outline stands out from what is behind it by at least 3:1 (WCAG 2.1's 1.4.11): a pale ring
// on a white card is there and still not seen.
export async function focusHidden(page, presses = 8) {
  const hidden = [];
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press("Tab");
    const bad = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const what = el.outerHTML.slice(0, 80);
      const s = getComputedStyle(el);
      const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
      if (!outline) return s.boxShadow !== "none" ? null : `${what} shows no focus`;
      const rgba = (c) => c.match(/[\d.]+/g).map(Number);
      // The ring is drawn outside the control, so against the first background behind it.
      let behind = [255, 255, 255];
      for (let n = el.parentElement; n; n = n.parentElement) {
        const c = rgba(getComputedStyle(n).backgroundColor);
        if (c.length < 4 || c[3] > 0) {
          behind = c.slice(0, 3);
          break;
        }
      }
      const lum = (c) =>
        c
          .slice(0, 3)
          .map((x) => x / 255)
          .map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4))
          .reduce((sum, x, i) => sum + x * [0.2126, 0.7152, 0.0722][i], 0);
      const [hi, lo] = [lum(rgba(s.outlineColor)), lum(behind)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      return ratio >= 3 ? null : `${what}: its focus ring is ${ratio.toFixed(1)}:1 against what is behind it`;
    });
    if (bad && !hidden.includes(bad)) hidden.push(bad);
  }
  return hidden;
}

const frames = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

// Checks the screen as it stands at each size, then puts the page back at the size it was.
// `shown` is a locator that must be visible at each size (the screen's own content).
export async function checkScreen(page, screen, shown, sizes = SIZES) {
  const was = page.viewportSize();
  for (const size of sizes) {
    await page.setViewportSize({ width: size.width, height: size.height });
    if (shown) await expect(shown).toBeVisible();
    await frames(page);
    const where = `${screen} on a ${size.name}`;
    expect.soft(await sideways(page), `${where}: nothing scrolls sideways`).toEqual([]);
    expect.soft(await smallControls(page), `${where}: every control 44px`).toEqual([]);
    expect.soft(await offTheCards(page), `${where}: lines up with the cards`).toEqual([]);
    expect.soft(await cutNames(page), `${where}: the setting's name shown whole`).toEqual([]);
    expect.soft(await accessibilityProblems(page), `${where}: accessible`).toEqual([]);
    const file = test.info().outputPath(`${slug(screen)}-${slug(size.name)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await test.info().attach(where, { path: file, contentType: "image/png" });
  }
  expect.soft(await focusHidden(page), `${screen}: keyboard focus shows`).toEqual([]);
  await page.setViewportSize(was);
}

// Goes to a section of the staff app the way a person would at this size: its tab on a tablet;
// on a phone the bottom bar, or "More" and then it.
export async function section(page, name) {
  const sections = page.getByRole("navigation", { name: "Sections" });
  const tab = sections.getByRole("link", { name, exact: true });
  await sections.waitFor();
  if (await tab.isVisible()) return tab.click();
  await sections.getByRole("link", { name: "More", exact: true }).click();
  await page.getByTestId("more-list").getByRole("link", { name: new RegExp(`^${name} `) }).click();
}
