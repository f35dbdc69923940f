// The server's real address on the setting's network, and QR codes a tablet's camera reads
// (issue 17): the banner prints the address and both codes; the manager's Settings list it and
// show the certificate's and the app's codes, at phone size. zbarimg reads every code, as a
// camera would, and each must say exactly the address the server listens on.
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../support/server.js";
import { cleanUpAfterEach, signedInOnDisk } from "../support/profile.js";
import { section } from "../support/screens.js";

const held = cleanUpAfterEach(test);
const scratch = mkdtempSync(join(tmpdir(), "burrow-qr-"));
test.afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// What zbarimg reads in an image file: every code's text.
function read(file) {
  return execFileSync("zbarimg", ["--quiet", "--raw", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n");
}

// The banner's codes, drawn in half blocks, as a greyscale image (each character a 1×2 cell).
function bannerImage(lines) {
  const scale = 6;
  const cells = lines.map((l) => [...l]);
  const width = Math.max(...cells.map((c) => c.length));
  const height = cells.length * 2;
  const px = Buffer.alloc(width * height * scale * scale, 255);
  const set = (x, y, dark) => {
    for (let dy = 0; dy < scale; dy++)
      for (let dx = 0; dx < scale; dx++) px[(y * scale + dy) * width * scale + x * scale + dx] = dark ? 0 : 255;
  };
  cells.forEach((row, r) =>
    row.forEach((ch, x) => {
      // The server draws light modules as blocks (for a dark terminal): a block is light here.
      set(x, r * 2, !(ch === "█" || ch === "▀"));
      set(x, r * 2 + 1, !(ch === "█" || ch === "▄"));
    }),
  );
  const file = join(scratch, "banner.pgm");
  writeFileSync(file, Buffer.concat([Buffer.from(`P5 ${width * scale} ${height * scale} 255\n`), px]));
  return file;
}

test("the banner and the manager's Settings show the real address, and their QR codes read back", async () => {
  held.server = await startServer({ args: ["--demo"], https: true });
  const address = held.server.httpsUrl;
  expect(address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const banner = held.server.lines;
  expect(banner).toContain(`  On the setting's network:  ${address}`);
  expect(banner.join("\n")).not.toContain("<this computer's address>");
  const start = banner.findIndex((l) => l.startsWith("On a tablet, point the camera"));
  const end = banner.findIndex((l) => l.startsWith("  Premises networks:"));
  expect(start).toBeGreaterThan(0);
  const drawn = banner.slice(start + 2, end).map((l) => l.slice(2));
  expect(read(bannerImage(drawn)).sort()).toEqual([address, `${address}/burrow-ca.crt`]);

  const { page } = await signedInOnDisk(held, "Sam Patel", "teapot river lantern");
  await page.setViewportSize({ width: 390, height: 844 });
  await section(page, "Settings");
  const card = page.getByTestId("server-addresses");
  await expect(card.getByTestId("address-list")).toHaveText(address);
  for (const [id, text] of [["qr-certificate", `${address}/burrow-ca.crt`], ["qr-app", address]]) {
    const img = card.getByTestId(id);
    // In the middle of the screen, clear of the phone's bottom bar.
    await img.evaluate((el) => el.scrollIntoView({ block: "center" }));
    await expect.poll(() => img.evaluate((el) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    const file = join(scratch, `${id}.png`);
    await img.screenshot({ path: file });
    expect(read(file)).toEqual([text]);
  }
  expect(await page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth)).toBe(true);
  await card.screenshot({ path: test.info().outputPath("addresses-phone.png") });
});
