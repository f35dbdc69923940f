// Debian's Chromium, started the way this machine needs (see DEVELOPERS notes in shared/TOOLCHAIN.md).
export const chromium = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    // Dates in inputs read 22/11/2026, as on the setting's tablets.
    "--lang=en-GB",
  ],
};
