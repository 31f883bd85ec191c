// "保存到手机": the route page, its map, its stop pages and every asset they use go into the
// browser's cache, which /sw.js answers from when the phone has no network. A browser without
// service workers (WeChat's, old ones) gets a sentence saying how to open the page elsewhere.
//
// What is saved is what anyone would be sent: pages are fetched without the session cookie
// (a signed-in editor's header, name and sign-out token never reach the cache), in the page's
// language, and a page the app marks as greeting a signed-in reader (X-Redres-Signed-In) is
// never kept. The saved route is timed for the day
// shown on it (data-date); opened on a later day, the page says so instead of passing those
// times off as today's.
(function () {
  "use strict";
  var CACHE = "redres-offline-v2";  // the same name as in sw.js
  var box = document.getElementById("offline");
  if (!box) { return; }
  var button = document.getElementById("offline-save");
  var status = document.getElementById("offline-status");
  var when = document.getElementById("offline-when");
  function say(key) { status.textContent = box.dataset[key] || ""; }

  // The day the times are for, against today in China (UTC+8, no daylight saving).
  var today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  var notes = [];
  if (!navigator.onLine) {  // opened without a network: this is the saved copy, nothing to save
    notes.push(box.dataset.copy);
    box.classList.add("saved");
  }
  if (box.dataset.date && box.dataset.date < today) { notes.push(box.dataset.past); }
  if (when && notes.length) { when.textContent = notes.join(" "); when.hidden = false; }

  if (!("serviceWorker" in navigator) || !window.caches || !window.fetch) {
    say("unsupported");
    return;
  }
  button.hidden = false;
  var language = document.documentElement.lang === "en" ? "en" : "zh-CN";

  function anonymous(url) {
    return fetch(url, { credentials: "omit", headers: { "Accept-Language": language } });
  }

  function personal(response) {
    return response.headers.get("X-Redres-Signed-In") === "1";
  }

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

  // Fetch `url`, keep it, and return its text and the same-origin assets it refers to. A page
  // that fails fails the saving; an asset that fails (a stylesheet's unused image) is left out.
  function keep(cache, url, required) {
    return anonymous(url).then(function (response) {
      if (!response.ok || personal(response)) {
        if (required) { throw new Error(url + ": " + response.status); }
        return { text: "", assets: [] };
      }
      var copy = response.clone();
      var type = response.headers.get("content-type") || "";
      var read = /html|css/.test(type) ? response.text() : Promise.resolve("");
      return read.then(function (text) {
        return cache.put(url, copy).then(function () { return { text: text, assets: referred(text, url) }; });
      });
    });
  }

  function keepAll(cache, urls, seen, required) {
    var fresh = urls.filter(function (u) { if (seen[u]) { return false; } seen[u] = true; return true; });
    if (!fresh.length) { return Promise.resolve(); }
    return Promise.all(fresh.map(function (u) { return keep(cache, u, required); })).then(function (kept) {
      var assets = [].concat.apply([], kept.map(function (k) { return k.assets; }));
      return keepAll(cache, assets, seen, false);
    });
  }

  // The route page as anyone sees it, then its map and stop pages as listed there (a draft stop
  // an editor sees is not on it, and not saved).
  function keepRoute(cache) {
    var seen = {};
    seen[location.href] = true;
    return keep(cache, location.href, true).then(function (route) {
      var page = new DOMParser().parseFromString(route.text, "text/html");
      var pages = [];
      var start = box.dataset.start && new URL(box.dataset.start, location.href).href;
      if (start) { pages.push(start); }  // what the home-screen icon opens (the manifest's start_url)
      var manifest = page.querySelector("link[rel=manifest]");
      if (manifest) { pages.push(new URL(manifest.getAttribute("href"), location.href).href); }
      page.querySelectorAll("iframe.map").forEach(function (f) {
        pages.push(new URL(f.getAttribute("src"), location.href).href);
      });
      page.querySelectorAll("ol.schedule a[href^='/sites/']").forEach(function (a) {
        pages.push(new URL(a.getAttribute("href"), location.href).href);
      });
      return keepAll(cache, pages, seen, true).then(function () {
        return keepAll(cache, route.assets, seen, false);
      });
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("saving");
    navigator.serviceWorker.register("/sw.js", { scope: "/" })
      .then(function () { return caches.open(CACHE); })
      .then(keepRoute)
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { say("saved"); box.classList.add("saved"); },
            function (e) { console.error("offline save failed", e && e.message); say("failed"); button.disabled = false; });
  });
})();
