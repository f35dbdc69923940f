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
import { section } from "../support/screens.js";

const PASSPHRASE = "teapot river lantern";

const held = cleanUpAfterEach(test);

// The JPEG an <img> shows (a memory-only object URL): its segment markers up to the image data,
// its size, and a sample of its bytes to look for on disk.
async function jpegFacts(img) {
  return img.evaluate(async (img) => {
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
}

// A 400×200 landscape JPEG as a phone's camera app writes it: an EXIF segment saying "turn me
// a quarter right" (orientation 6) and a GPS-like description that must not survive.
async function phoneJpeg(page) {
  const bytes = await page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 400;
    canvas.height = 200;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#3a7";
    ctx.fillRect(0, 0, 400, 200);
    ctx.fillStyle = "#fc3";
    ctx.fillRect(20, 20, 120, 60);
    const blob = await new Promise((r) => canvas.toBlob(r, "image/jpeg", 0.9));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  const text = Buffer.from("GPS 51.5074 N 0.1278 W BURROW-EXIF-MARKER\0", "latin1");
  const tiff = Buffer.alloc(38);
  tiff.write("MM", 0, "latin1");
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(2, 8); // two entries
  tiff.writeUInt16BE(0x0112, 10); // Orientation, SHORT, 1, value 6
  tiff.writeUInt16BE(3, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(6, 18);
  tiff.writeUInt16BE(0x010e, 22); // ImageDescription, ASCII, at offset 38
  tiff.writeUInt16BE(2, 24);
  tiff.writeUInt32BE(text.length, 26);
  tiff.writeUInt32BE(38, 30);
  tiff.writeUInt32BE(0, 34); // no next IFD
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff, text]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  const jpeg = Buffer.from(bytes);
  return Buffer.concat([jpeg.subarray(0, 2), app1, payload, jpeg.subarray(2)]);
}

test("the camera opens only for children whose parents consented, and keeps the photo encrypted", async () => {
  held.server = await startServer({ args: ["--demo"] });
  const { context, page } = await signedInOnDisk(held, "Jo Bloggs", PASSPHRASE);
  await section(page, "Photo");

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
  const jpeg = await jpegFacts(thumbs.first());
  expect(jpeg.soi).toBe(true);
  expect(jpeg.markers, "no APP1 (EXIF, GPS) segment").not.toContain(0xe1);
  expect(Math.max(jpeg.width, jpeg.height)).toBeLessThanOrEqual(320);
  // The picture itself, full size: re-encoded the same way, at most 2048 px.
  await page.getByRole("button", { name: /Open the photo taken at .* full size/ }).click();
  const full = await jpegFacts(page.getByRole("img", { name: "The photo, full size" }));
  expect(full.markers, "no APP1 (EXIF, GPS) segment in the photo").not.toContain(0xe1);
  expect(Math.max(full.width, full.height)).toBeGreaterThan(320);
  expect(Math.max(full.width, full.height)).toBeLessThanOrEqual(2048);
  await page.getByRole("button", { name: "Close the photo" }).click();
  await expect(page.getByTestId("photo-full")).toHaveCount(0);

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
  await section(page, "Consent");
  await page.getByRole("link", { name: "Ava Okafor" }).click();
  await page.getByRole("button", { name: "Record an answer" }).click();
  await page.getByLabel("Their answer").selectOption({ label: "No, they do not agree" });
  await page.getByLabel("Parent or carer").fill("Grace Okafor");
  await page.getByLabel("How they answered").selectOption({ label: "Signed on this tablet" });
  await page.getByRole("button", { name: "Save answer" }).click();
  await expect(page.getByTestId("standings")).toContainText("Journal photosRefused");
  await section(page, "Photo");
  await expect(page.getByTestId("photos-taken").getByRole("listitem")).toContainText(
    "Consent has changed since this photo was taken: Ava: consent for photos in their learning journal was refused. It will not be shared.",
  );
  await context.close();

  const { hits } = scanProfile(held.profile.dir, [{ label: "the photo's JPEG bytes", bytes: Buffer.from(jpeg.sample) }, "Kowalski"]);
  expect(hits, "photo bytes or a child's name found on disk").toEqual([]);
});

test("without a camera Burrow can open, the tablet's own camera hands the photo back, re-encoded without EXIF", async () => {
  held.server = await startServer({ args: ["--demo"] });
  const { context, page } = await signedInOnDisk(held, "Jo Bloggs", PASSPHRASE, { camera: false });
  await section(page, "Photo");

  // Isla's parent refused: no camera of any kind is offered.
  await page.getByLabel("Isla Kowalski").check();
  await expect(page.getByRole("button", { name: "Open the camera" })).toBeDisabled();
  await expect(page.locator("input[type=file]")).toHaveCount(0);
  await page.getByLabel("Isla Kowalski").uncheck();

  await page.getByLabel("Ava Okafor").check();
  await page.getByRole("button", { name: "Open the camera" }).click();
  await expect(page.getByText("Burrow cannot open this tablet’s camera itself.")).toBeVisible();
  const file = page.locator("input[type=file]");
  await expect(file).toHaveAttribute("capture", "environment");
  const original = await phoneJpeg(page);
  expect(original.includes(Buffer.from("BURROW-EXIF-MARKER"))).toBe(true);
  await file.setInputFiles({ name: "IMG_0001.jpg", mimeType: "image/jpeg", buffer: original });
  await expect(page.getByText("Saved on this tablet, encrypted.")).toBeVisible();

  await page.getByRole("button", { name: /Open the photo taken at .* full size/ }).click();
  const full = await jpegFacts(page.getByRole("img", { name: "The photo, full size" }));
  expect(full.soi).toBe(true);
  expect(full.markers, "no APP1 (EXIF, GPS) segment").not.toContain(0xe1);
  // Turned the way the EXIF said, before the EXIF was left behind.
  expect([full.width, full.height]).toEqual([200, 400]);

  // A file that is not a picture is refused with what to do, and nothing is added.
  await file.setInputFiles({ name: "notes.jpg", mimeType: "image/jpeg", buffer: Buffer.from("not a picture") });
  await expect(page.getByText("That file is not a picture this tablet can read.")).toBeVisible();
  await expect(page.getByTestId("photos-taken").getByRole("img")).toHaveCount(1);
  await context.close();

  const { hits } = scanProfile(held.profile.dir, ["BURROW-EXIF-MARKER"]);
  expect(hits, "the original file's EXIF found on disk").toEqual([]);
});
