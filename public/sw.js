// Burrow's service worker: keeps an app shell (never any data) so the app opens with no network.
// The same file serves both apps, each from its own folder: /sw.js keeps the staff tablets' app
// (scope /), /family/sw.js a parent's phone's (scope /family), and neither keeps the other's.
// Navigations go to the network first so a new release is picked up at once; the shell's
// hashed files are served from the cache. /api is never cached: children's data does not
// belong in a readable cache.
const FOLDER = new URL("./", self.location).pathname; // "/" or "/family/"
const HOME = FOLDER === "/" ? "/" : FOLDER.slice(0, -1); // the shell's own address
const FAMILY = "/family";
const CACHE = `burrow-shell-v2 ${HOME}`;
const FIXED = [`${FOLDER}manifest.webmanifest`, "/icons/icon.svg", "/icons/icon-48.png", "/icons/icon-192.png", "/icons/icon-512.png"];

// The shell's own files, read from its index.html (their names carry the build's hash): those
// the page loads, and the modules it fetches only when a page first opens (its
// `<meta name="burrow-lazy">`), kept too so every page opens with no network.
function assetsOf(html) {
  const loaded = [...html.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((m) => m[1]);
  const lazy = html.match(/<meta name="burrow-lazy" content="([^"]*)">/);
  return [...loaded, ...(lazy ? lazy[1].split(" ").filter(Boolean) : [])];
}

// Keeps `html` (the response for HOME) and the files it names, fetching those not kept yet (all
// of them at install; after an update, the new release's, so a page group never opened since
// still opens offline); drops files no release uses now.
async function keep(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  await cache.put(HOME, response);
  const wanted = new Set([HOME, ...FIXED, ...assetsOf(html)]);
  const kept = new Set((await cache.keys()).map((r) => new URL(r.url).pathname));
  await cache.addAll([...wanted].filter((p) => !kept.has(p)));
  for (const request of await cache.keys()) {
    if (!wanted.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

async function cacheShell() {
  const response = await fetch(HOME, { cache: "no-cache" });
  if (!response.ok) throw new Error("the app shell could not be fetched");
  await keep(response);
}

// Whether a navigation belongs to the other app: the staff worker's scope covers /family too.
function othersPage(url) {
  return HOME === "/" && (url.pathname === FAMILY || url.pathname.startsWith(FAMILY + "/"));
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Earlier versions of this worker's own cache; the other app's cache is its own.
      for (const name of await caches.keys()) {
        const mine = name.endsWith(` ${HOME}`) || (HOME === "/" && !name.includes(" "));
        if (mine && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    if (othersPage(url)) {
      // The family app's page, before its own worker has started: its shell if that is kept.
      event.respondWith(fetch(request).catch(async () => (await caches.match(FAMILY)) || Response.error()));
      return;
    }
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) event.waitUntil(keep(response.clone()).catch(() => {}));
          return response;
        })
        .catch(async () => (await caches.match(HOME, { cacheName: CACHE })) || Response.error()),
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
