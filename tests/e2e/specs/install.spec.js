// The package a setting installs (issue 17), as `cargo xtask dist` made it: unpacked as dpkg
// would, its unit checked by systemd-analyze, its binary started with no app folder on a new
// data folder and the app opened and used in Chromium; the arm64 binary named as arm64 and,
// under qemu, asked its version.
import { test, expect } from "@playwright/test";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const dist = process.env.BURROW_DEBS;
const debs = dist && existsSync(dist) ? readdirSync(dist).filter((f) => f.endsWith(".deb")) : [];
const deb = (arch) => join(dist, debs.find((f) => f.endsWith(`_${arch}.deb`)) ?? `missing_${arch}.deb`);
const held = [];
test.afterEach(async () => {
  for (const f of held.splice(0)) await f();
});

function unpack(arch) {
  const root = mkdtempSync(join(tmpdir(), `burrow-deb-${arch}-`));
  held.push(async () => rmSync(root, { recursive: true, force: true }));
  execFileSync("dpkg-deb", ["-x", deb(arch), root]);
  return root;
}

test("the amd64 package installs a unit systemd accepts and a server that serves the app by itself", async ({ page }) => {
  test.skip(!dist, "BURROW_DEBS is not set: run through `cargo xtask test`, which builds the packages");
  test.setTimeout(120_000);
  const info = execFileSync("dpkg-deb", ["--info", deb("amd64")], { encoding: "utf8" });
  expect(info).toContain("Package: burrow-server");
  expect(info).toContain("Architecture: amd64");
  const root = unpack("amd64");
  const contents = execFileSync("dpkg-deb", ["--contents", deb("amd64")], { encoding: "utf8" });
  for (const path of ["./usr/bin/burrow-server", "./lib/systemd/system/burrow.service", "./etc/burrow/burrow.toml"]) {
    expect(contents).toContain(path);
  }
  // Owned by root in the package, whoever built it.
  expect(contents).toMatch(/root\/root\s+\d+ .* \.\/usr\/bin\/burrow-server/);
  expect(execFileSync("dpkg-deb", ["--ctrl-tarfile", deb("amd64")]).length).toBeGreaterThan(0);

  // The unit as systemd reads it: no complaint about it, its hardening in place.
  const unit = join(root, "lib/systemd/system/burrow.service");
  const text = readFileSync(unit, "utf8");
  for (const line of [
    "User=burrow",
    "StateDirectory=burrow",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
    "ExecStart=/usr/bin/burrow-server --data-dir /var/lib/burrow --config /etc/burrow/burrow.toml",
  ]) {
    expect(text).toContain(line);
  }
  // systemd-analyze reads the unit inside the unpacked tree, with this machine's own units
  // beside it (the targets it is ordered after); any word from it, even a warning about an
  // unknown key, fails the test.
  execFileSync("cp", ["-rn", "/lib/systemd/system/.", join(root, "lib/systemd/system/")]);
  const verified = spawnSync("systemd-analyze", ["verify", "--root", root, "--man=no", unit], { encoding: "utf8" });
  expect(`${verified.stdout}${verified.stderr}`.trim()).toBe("");
  expect(verified.status).toBe(0);

  // The binary alone: no app folder, a new data folder, the config as packaged.
  const binary = join(root, "usr/bin/burrow-server");
  expect(statSync(binary).mode & 0o111).toBeTruthy();
  const data = mkdtempSync(join(tmpdir(), "burrow-installed-"));
  held.push(async () => rmSync(data, { recursive: true, force: true }));
  const child = spawn(binary, ["--data-dir", data, "--config", join(root, "etc/burrow/burrow.toml"), "--http", "127.0.0.1:0", "--https", "off"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, RUST_LOG: "burrow_server=warn" },
  });
  held.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  });
  const printed = await new Promise((resolve, reject) => {
    const seen = { lines: [] };
    child.once("exit", (code) => reject(new Error(`the installed server stopped (${code}): ${seen.lines.join(" / ")}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      seen.lines.push(line);
      const url = line.match(/On this computer:\s+(http:\/\/\S+)/);
      if (url) seen.url = url[1];
      const code = line.match(/^Set-up code: (\S+)/);
      if (code) seen.code = code[1];
      if (line.startsWith("Ready.")) resolve(seen);
    });
  });
  expect(printed.code).toBeTruthy();
  await page.goto(printed.url);
  await expect(page.getByRole("heading", { name: "Set up Burrow for your setting" })).toBeVisible();
  // The app came out of the binary with its compressed copies: the wasm is sent compressed,
  // the shell's and that of the set-up page's group alike.
  const wasm = await page.evaluate(() =>
    performance.getEntriesByType("resource").filter((r) => r.name.endsWith(".wasm")).map((r) => [r.encodedBodySize, r.decodedBodySize]),
  );
  expect(wasm.length).toBeGreaterThan(1);
  for (const [sent, whole] of wasm) expect(sent).toBeLessThan(whole / 2);
  await page.getByLabel("Set-up code").fill(printed.code);
  await page.getByLabel("Your setting’s name").fill("Little Acorns");
  await page.getByLabel("Your name").fill("Jo Bloggs");
  await page.getByLabel("Passphrase", { exact: true }).fill("teapot river lantern");
  await page.getByLabel("Passphrase again").fill("teapot river lantern");
  await page.getByRole("button", { name: "Set up Burrow" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText("Jo Bloggs");
  // The app was unpacked from the binary into the data folder, not found somewhere else.
  expect(readdirSync(join(data, "app"))).toHaveLength(1);
});

test("the arm64 package holds an arm64 binary, which starts under qemu", async () => {
  test.skip(!dist, "BURROW_DEBS is not set: run through `cargo xtask test`, which builds the packages");
  const info = execFileSync("dpkg-deb", ["--info", deb("arm64")], { encoding: "utf8" });
  expect(info).toContain("Architecture: arm64");
  const root = unpack("arm64");
  const binary = join(root, "usr/bin/burrow-server");
  expect(execFileSync("file", ["-b", binary], { encoding: "utf8" })).toMatch(/ELF 64-bit LSB .*ARM aarch64/);
  const qemu = "/usr/bin/qemu-aarch64-static";
  test.skip(!existsSync(qemu), "qemu-user-static is not installed here");
  const version = execFileSync(qemu, ["-L", "/usr/aarch64-linux-gnu", binary, "--version"], { encoding: "utf8" });
  expect(version.trim()).toMatch(/^burrow-server \d+\.\d+\.\d+$/);
});
