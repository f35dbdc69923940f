// Starts a real burrow-server on a free loopback port with its own data folder, and reads what
// it prints (its address and the one-time set-up code) exactly as a person would.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

// `appDir` serves another page instead of the app (the store's crash harness). `https`: also
// listen with TLS on loopback (the setting's own certificate); its address is `httpsUrl`.
// `dataDir` starts it on a folder that exists (a restored one), `http` on a given address (the
// same origin as before, so a tablet's store is still there).
export async function startServer({ args = [], appDir, https = false, dataDir: given, http = "127.0.0.1:0" } = {}) {
  const bin = process.env.BURROW_SERVER;
  const dist = appDir ?? process.env.BURROW_DIST;
  if (!bin || !dist) throw new Error("set BURROW_SERVER and BURROW_DIST (cargo xtask test does)");
  const dataDir = given ?? mkdtempSync(join(tmpdir(), "burrow-e2e-"));
  const child = spawn(bin, ["--data-dir", dataDir, "--app-dir", dist, "--http", http, "--https", https ? "127.0.0.1:0" : "off", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const printed = { lines: [] };
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("burrow-server did not start in time")), 30_000);
    child.on("exit", (code) => reject(new Error(`burrow-server exited early (${code})`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      printed.lines.push(line);
      const url = line.match(/On this computer:\s+(http:\/\/\S+)/);
      if (url) printed.url = url[1];
      const tls = line.match(/On the setting's network:\s+https:\/\/.*:(\d+)$/);
      if (tls) printed.httpsUrl = `https://127.0.0.1:${tls[1]}`;
      const code = line.match(/^Set-up code: (\S+)/);
      if (code) printed.code = code[1];
      if (line.startsWith("Ready.")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await ready;
  let stopped = false;
  return {
    url: printed.url,
    httpsUrl: printed.httpsUrl,
    dataDir,
    code: printed.code,
    // Every line it printed before "Ready." (the banner).
    lines: printed.lines,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
    cleanUp() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
