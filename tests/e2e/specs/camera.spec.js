// The consent-gated camera with Chromium's fake camera: children first; the camera stays closed
// with every reason for a child without consent, for a group photo where one child may not
// appear in others' journals, and for a child's own "not today"; opening the page directly is
// refused the same way and recorded; a consented child's photo is saved encrypted, re-encoded
// without EXIF, marked when consent is later withdrawn, and its bytes are nowhere on disk in
// the clear.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { scanProfile } from "../support/disk-scan.js";

const PASSPHRASE = "teapot river lantern";

const held = cleanUpAfterEach(test);

test("the camera opens only for children whose parents consented, and keeps the photo encrypted", async () => {
  held.server = await startServer({ args: ["--demo"] });
  const { context, page } = await signedInOnDisk(held, "Jo Bloggs", PASSPHRASE);
  await page.getByRole("link", { name: "Photo", exact: true }).click();

  const open = page.getByRole("button", { name: "Open the camera" });
  await expect(page.getByText("Choose the children in the photo first.")).toBeVisible();
  await expect(open).toBeDisabled();
  await expect(page.getByText("Injuries are recorded on the body-map form, never photographed.")).toBeVisible();

  // Isla's parent refused: closed, with the reason.
  const refusals = page.getByTestId("camera-refusals");
  await page.getByLabel("Isla Kowalski").check();
  await expect(refusals).toContainText("Isla: consent for photos in their learning journal was refused.");
  await expect(open).toBeDisabled();
  const islaUrl = page.url();
  await page.getByLabel("Isla Kowalski").uncheck();

  // Ava has every consent: the camera opens and the photo is kept.
  await page.getByLabel("Ava Okafor").check();
  await expect(refusals).toHaveCount(0);
  await open.click();
  await expect(page.getByLabel("Camera preview")).toBeVisible();
  await page.getByRole("button", { name: "Take photo" }).click();
  await expect(page.getByText("Saved on this tablet, encrypted.")).toBeVisible();
  const thumbs = page.getByTestId("photos-taken").getByRole("img");
  await expect(thumbs).toHaveCount(1);
  const jpeg = await page.evaluate(async () => {
    const img = document.querySelector("[data-testid=photos-taken] img");
    await img.decode();
    const buf = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    const markers = [];
    let pos = 2;
    while (pos + 4 <= buf.length) {
      const m = buf[pos + 1];
      markers.push(m);
      if (m === 0xda) break;
      pos += 2 + ((buf[pos + 2] << 8) | buf[pos + 3]);
    }
    return {
      soi: buf[0] === 0xff && buf[1] === 0xd8,
      markers,
      width: img.naturalWidth,
      height: img.naturalHeight,
      sample: Array.from(buf.slice(buf.length - 200, buf.length - 136)),
    };
  });
  expect(jpeg.soi).toBe(true);
  expect(jpeg.markers, "no APP1 (EXIF, GPS) segment").not.toContain(0xe1);
  expect(Math.max(jpeg.width, jpeg.height)).toBeLessThanOrEqual(320);

  // Ava with Noah, who may not appear in other children's journals: the camera closes.
  await page.getByLabel("Noah Williams").check();
  await expect(refusals).toContainText("Noah: no consent on record for appearing in other children’s journals.");
  await expect(page.getByLabel("Camera preview")).toHaveCount(0);
  await expect(open).toBeDisabled();
  await page.getByLabel("Noah Williams").uncheck();

  // Ava says not today.
  await page.getByLabel("Ava does not want photos today").check();
  await expect(refusals).toContainText("Ava does not want photos taken today.");
  await expect(refusals).toContainText("Respect their wish: take the photo without them.");
  await expect(open).toBeDisabled();

  // Opening the page directly with Isla: locked first (a reload forgets the keys), then refused
  // and recorded.
  await page.goto(islaUrl);
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(refusals).toContainText("Isla: consent for photos in their learning journal was refused.");
  await expect(page.getByText("This attempt to open the camera has been recorded for your manager.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Open the camera" })).toBeDisabled();
  // Ava's wish was kept through the reload.
  await expect(page.getByLabel("Ava does not want photos today")).toBeChecked();

  // Ava's parent withdraws consent: the photo already taken is marked, naming her.
  await page.getByRole("link", { name: "Consent", exact: true }).click();
  await page.getByRole("link", { name: "Ava Okafor" }).click();
  await page.getByRole("button", { name: "Record an answer" }).click();
  await page.getByLabel("Their answer").selectOption({ label: "No, they do not agree" });
  await page.getByLabel("Parent or carer").fill("Grace Okafor");
  await page.getByLabel("How they answered").selectOption({ label: "Signed on this tablet" });
  await page.getByRole("button", { name: "Save answer" }).click();
  await expect(page.getByTestId("standings")).toContainText("Journal photosRefused");
  await page.getByRole("link", { name: "Photo", exact: true }).click();
  await expect(page.getByTestId("photos-taken").getByRole("listitem")).toContainText(
    "Consent has changed since this photo was taken: Ava: consent for photos in their learning journal was refused. It will not be shared.",
  );
  await context.close();

  const { hits } = scanProfile(held.profile.dir, [{ label: "the photo's JPEG bytes", bytes: Buffer.from(jpeg.sample) }, "Kowalski"]);
  expect(hits, "photo bytes or a child's name found on disk").toEqual([]);
});
