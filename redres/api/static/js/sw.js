// redres's service worker: pages saved with "保存到手机" (offline.js) open without a network.
// Network first, so a phone online always sees the catalogue as it is; when the network fails,
// the saved copy (headers and all: a map page keeps the CSP nonce of its scripts). Pages never
// saved are not kept. Map tiles are never stored: OSM's tile policy forbids bulk prefetching,
// so an offline map shows the route without its basemap.
//
// A page rendered for a signed-in reader (its header greets them and carries their sign-out
// token) is marked X-Redres-Signed-In by the app and never replaces the saved copy, which
// offline.js fetched without the session cookie: the cache only holds what anyone is sent.
"use strict";
var CACHE = "redres-offline-v2";  // v1 could hold pages saved with a signed-in header

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("redres-offline-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function personal(response) {
  return response.headers.get("X-Redres-Signed-In") === "1";
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  // Saved copies are keyed by URL alone (the app varies pages on cookies and languages, which
  // a navigation here and the saving fetch do not send alike).
  var byUrl = { ignoreVary: true };
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic" && !personal(response)) {
        var copy = response.clone();  // a saved page seen online again: keep the fresh copy
        event.waitUntil(caches.open(CACHE).then(function (cache) {
          return cache.match(request, byUrl).then(function (hit) { return hit ? cache.put(request.url, copy) : null; });
        }));
      }
      return response;
    }).catch(function (error) {
      return caches.open(CACHE).then(function (cache) { return cache.match(request, byUrl); })
        .then(function (hit) { if (hit) { return hit; } throw error; });
    })
  );
});
