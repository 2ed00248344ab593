/* Let a page open again without network: register the service worker (/sw.js) for its scope and
 * put the page and its scripts and styles into the cache. Sets body[data-offline-ready] to
 * "yes" when done, "no" where the browser cannot (no service workers: plain http on a LAN IP). */

const PAGES = "parcours-pages-v1";
const ASSETS = "parcours-assets-v1";

/** Return the page's scripts (imported modules too), styles and the Socket.IO client. */
function assetUrls() {
  const urls = new Set();
  for (const el of document.querySelectorAll("script[src]")) urls.add(el.src);
  for (const el of document.querySelectorAll('link[rel="stylesheet"][href]')) urls.add(el.href);
  for (const entry of performance.getEntriesByType("resource")) urls.add(entry.name);
  return [...urls].filter((u) => {
    const url = new URL(u);
    return url.origin === location.origin &&
      (url.pathname.startsWith("/static/") || url.pathname === "/vendor/socket.io.min.js");
  });
}

/** Forget cached copies of this page's files under an older ?v= (each update adds new ones). */
async function dropOldVersions(assets, current) {
  const wanted = new Map(current.map((u) => [new URL(u).pathname, u]));
  for (const request of await assets.keys()) {
    const keep = wanted.get(new URL(request.url).pathname);
    if (keep && keep !== request.url) await assets.delete(request);
  }
}

/** Remove this page's offline copy (a page whose token ends must not open again). */
export async function forgetPage() {
  try {
    if (window.caches) await (await caches.open(PAGES)).delete(location.href.split("#")[0]);
  } catch (err) {
    /* nothing cached */
  }
}

/** Register the service worker for scope and cache this page; resolves to true when ready. */
export async function prepareOffline(scope) {
  const body = document.body.dataset;
  if (!("serviceWorker" in navigator) || !window.caches) {
    body.offlineReady = "no";
    return false;
  }
  try {
    await navigator.serviceWorker.register("/sw.js", { scope });
    await navigator.serviceWorker.ready;
    const pages = await caches.open(PAGES);
    const page = location.href.split("#")[0];
    await pages.put(page, await fetch(page, { cache: "no-store", credentials: "same-origin" }));
    const assets = await caches.open(ASSETS);
    const current = assetUrls();
    await Promise.all(
      current.map(async (url) => {
        const response = await fetch(url);
        if (response.ok) await assets.put(url, response);
      }),
    );
    await dropOldVersions(assets, current);
    body.offlineReady = "yes";
    return true;
  } catch (err) {
    body.offlineReady = "no";
    return false;
  }
}
