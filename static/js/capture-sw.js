/* Service worker for the phone (/p/), tablet (/h/) and kiosk (/k/) pages: they open again
 * without network.
 *
 * Pages, scripts, styles and the Socket.IO client: network first, the last copy from the cache
 * when the network is gone.
 * The API and the socket are never touched: the outbox (outbox.js) deals with those.
 * The pages put themselves into the cache too (capture-offline.js), so the very first visit
 * already works offline after a reload.
 */

const PAGES = "parcours-pages-v1";
const ASSETS = "parcours-assets-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function isPage(url, request) {
  return request.mode === "navigate" && /^\/(p|h|k)\/[^/]+$/.test(url.pathname);
}

function isAsset(url) {
  return url.pathname.startsWith("/static/") || url.pathname === "/vendor/socket.io.min.js";
}

async function networkFirst(request, name) {
  const cache = await caches.open(name);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request.url, response.clone());
    return response;
  } catch (err) {
    const copy = await cache.match(request.url, { ignoreSearch: name === PAGES });
    if (copy) return copy;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isPage(url, request)) event.respondWith(networkFirst(request, PAGES));
  else if (isAsset(url)) event.respondWith(networkFirst(request, ASSETS));
});
