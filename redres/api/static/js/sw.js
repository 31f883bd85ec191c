// redres's service worker: pages saved with "保存到手机" (offline.js) open without a network.
// Network first, so a phone online always sees the catalogue as it is; when the network fails,
// the saved copy (headers and all: a map page keeps the CSP nonce of its scripts). Pages never
// saved are not kept. Map tiles are never stored: OSM's tile policy forbids bulk prefetching,
// so an offline map shows the route without its basemap.
"use strict";
var CACHE = "redres-offline-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();  // a saved page seen online again: keep the fresh copy
        event.waitUntil(caches.open(CACHE).then(function (cache) {
          return cache.match(request).then(function (hit) { return hit ? cache.put(request, copy) : null; });
        }));
      }
      return response;
    }).catch(function (error) {
      return caches.open(CACHE).then(function (cache) { return cache.match(request); })
        .then(function (hit) { if (hit) { return hit; } throw error; });
    })
  );
});
