// Burrow's service worker: keeps the app shell (never any data) so the app opens with no network.
// Navigations go to the network first so a new release is picked up at once; the shell's
// hashed files are served from the cache. /api is never cached: children's data does not
// belong in a readable cache.
const CACHE = "burrow-shell-v1";
const FIXED = ["/manifest.webmanifest", "/icons/icon.svg", "/icons/icon-192.png", "/icons/icon-512.png"];

// The shell's own files, read from index.html (trunk gives them hashed names).
function assetsOf(html) {
  return [...html.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((m) => m[1]);
}

async function cacheShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch("/", { cache: "no-cache" });
  if (!response.ok) throw new Error("the app shell could not be fetched");
  const html = await response.clone().text();
  await cache.put("/", response);
  const keep = new Set(["/", ...FIXED, ...assetsOf(html)]);
  await cache.addAll([...keep].filter((p) => p !== "/"));
  // Drop the files of earlier releases.
  for (const request of await cache.keys()) {
    if (!keep.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

// A fresh index.html from the network: keep it for offline, and drop files no release uses now.
// Its new files are cached as the page asks for them.
async function rememberShell(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  await cache.put("/", response);
  const keep = new Set(["/", ...FIXED, ...assetsOf(html)]);
  for (const request of await cache.keys()) {
    if (!keep.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) event.waitUntil(rememberShell(response.clone()).catch(() => {}));
          return response;
        })
        .catch(async () => (await caches.match("/")) || Response.error()),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ||
        fetch(request).then(async (response) => {
          if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
          return response;
        }),
    ),
  );
});
