{% autoescape off %}// The field app's service worker (docs/field-app.md), drawn by fupin.mobile.views: Workbox
// from this site (no CDN) keeps the app's files and answers every /m/ page with the shell
// when there is no network. The records themselves wait in IndexedDB, not here.
importScripts({{ workbox_sw }});
workbox.setConfig({ modulePathPrefix: {{ workbox }}, debug: false });
// Workbox loads its modules on first use, which a worker may only do while it starts.
workbox.loadModule("workbox-core");
workbox.loadModule("workbox-routing");
workbox.loadModule("workbox-strategies");
workbox.loadModule("workbox-precaching");

const SHELL = {{ shell }};
const SHELL_CACHE = "fupin-m-shell";

self.addEventListener("install", (event) => {
  self.skipWaiting();
  // The page that registered the worker was not fetched through it: keep the shell now, so
  // that the next start works offline.
  event.waitUntil(
    fetch(SHELL, { credentials: "same-origin" })
      .then((response) =>
        response.ok && !response.redirected
          ? caches.open(SHELL_CACHE).then((cache) => cache.put(SHELL, response))
          : null,
      )
      .catch(() => null),
  );
});
workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute({{ precache }});

// Every /m/ page is the same shell, kept under one key as the server last drew it; the
// sign-in page (a redirect) or an error page is shown but never kept.
const shellPlugin = {
  cacheKeyWillBeUsed: async () => SHELL,
  cacheWillUpdate: async ({ response }) =>
    response && response.ok && !response.redirected ? response : null,
};
workbox.routing.registerRoute(
  ({ request, url }) =>
    request.mode === "navigate" &&
    url.origin === self.location.origin &&
    url.pathname.startsWith(SHELL),
  new workbox.strategies.NetworkFirst({
    cacheName: SHELL_CACHE,
    networkTimeoutSeconds: 4,
    plugins: [shellPlugin],
  }),
);
{% endautoescape %}
