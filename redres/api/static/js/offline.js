// "保存到手机": the route page, its map, its stop pages and every asset they use go into the
// browser's cache, which /sw.js answers from when the phone has no network. A browser without
// service workers (WeChat's, old ones) gets a sentence saying how to open the page elsewhere.
(function () {
  "use strict";
  var CACHE = "redres-offline-v1";
  var box = document.getElementById("offline");
  if (!box) { return; }
  var button = document.getElementById("offline-save");
  var status = document.getElementById("offline-status");
  function say(key) { status.textContent = box.dataset[key] || ""; }
  if (!("serviceWorker" in navigator) || !window.caches || !window.fetch) {
    say("unsupported");
    return;
  }
  button.hidden = false;

  // Same-origin URLs a page or a stylesheet refers to: scripts, styles, images under /static/.
  function referred(text, base) {
    var found = [];
    var pattern = /(?:src|href)="([^"]+)"|url\(["']?([^"')]+)["']?\)/g;
    var m;
    while ((m = pattern.exec(text))) {
      var raw = (m[1] || m[2]).replace(/&amp;/g, "&");
      if (raw.indexOf("data:") === 0) { continue; }
      var url = new URL(raw, base);
      if (url.origin === location.origin && url.pathname.indexOf("/static/") === 0) {
        url.hash = "";
        found.push(url.href);
      }
    }
    return found;
  }

  // Fetch `url`, keep it, and return the same-origin assets it refers to. A page that fails
  // fails the saving; an asset that fails (a stylesheet's unused image) is left out.
  function keep(cache, url, required) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        if (required) { throw new Error(url + ": " + response.status); }
        return [];
      }
      var copy = response.clone();
      var type = response.headers.get("content-type") || "";
      var read = /html|css/.test(type) ? response.text() : Promise.resolve("");
      return read.then(function (text) {
        return cache.put(url, copy).then(function () { return referred(text, url); });
      });
    });
  }

  function keepAll(cache, urls, seen, required) {
    var fresh = urls.filter(function (u) { if (seen[u]) { return false; } seen[u] = true; return true; });
    if (!fresh.length) { return Promise.resolve(); }
    return Promise.all(fresh.map(function (u) { return keep(cache, u, required); })).then(function (lists) {
      return keepAll(cache, [].concat.apply([], lists), seen, false);
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("saving");
    var pages = [location.href];
    var manifest = document.querySelector("link[rel=manifest]");
    if (manifest) { pages.push(manifest.href); }
    document.querySelectorAll("iframe.map").forEach(function (f) { pages.push(f.src); });
    document.querySelectorAll("ol.schedule a[href^='/sites/']").forEach(function (a) { pages.push(a.href); });
    navigator.serviceWorker.register("/sw.js", { scope: "/" })
      .then(function () { return caches.open(CACHE); })
      .then(function (cache) { return keepAll(cache, pages, {}, true); })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { say("saved"); box.classList.add("saved"); },
            function () { say("failed"); button.disabled = false; });
  });
})();
