// What the benches that time a tablet share: the demo setting's passphrase, a median, and a
// tablet-sized page signed in as one of the demo's staff.
export const PASSPHRASE = "teapot river lantern";

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A landscape tablet's page on the demo server at `url`, signed in as `name`.
export async function signedIn(browser, url, name) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: "en-GB",
    timezoneId: "Europe/London",
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
  return { context, page };
}
