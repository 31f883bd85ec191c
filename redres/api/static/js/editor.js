// The site form's helpers: a map picker on the deployment's basemap, and the opening hours
// read back in words as they are typed. The form's boxes stay the source of truth.
(function () {
  "use strict";
  var el = document.getElementById("pick-map");
  var paste = document.getElementById("f-coordinates"), crs = document.getElementById("f-point_crs");
  if (el && paste && crs && window.L) {
    var tiles;
    try { tiles = JSON.parse(el.dataset.tiles || "[]"); } catch (e) { tiles = []; }
    var start = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = L.map(el).setView(start, parseInt(el.dataset.zoom, 10) || 11);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    tiles.forEach(function (t, i) {
      L.tileLayer(t.url, {
        subdomains: t.subdomains || "abc", maxZoom: t.maxZoom || 18,
        attribution: i === 0 ? el.dataset.attribution || "" : ""
      }).addTo(map);
    });
    // A pin drawn in CSS (.rr-pin): no marker image to load.
    var icon = L.divIcon({ className: "rr-pin", html: "<span></span>", iconSize: [26, 26], iconAnchor: [13, 31] });
    var marker = el.dataset.point ? L.marker(start, { icon: icon, keyboard: false }).addTo(map) : null;
    map.on("click", function (e) {
      // The click is in the basemap's system; the server converts it like a pasted point.
      paste.value = e.latlng.lng.toFixed(6) + ", " + e.latlng.lat.toFixed(6);
      crs.value = el.dataset.crs || "wgs84";
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng, { icon: icon, keyboard: false }).addTo(map); }
    });
  } else if (el) {
    el.hidden = true;
  }
  var hours = document.getElementById("f-opening_hours"), out = document.getElementById("hours-reading");
  if (!hours || !out || !window.fetch) { return; }
  var timer = null;
  hours.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = hours.dataset.reading + "?text=" + encodeURIComponent(hours.value);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (body) {
        out.textContent = body.words ? out.dataset.label + "：" + body.words : (body.error || "");
        out.classList.toggle("error", !!body.error);
      }).catch(function () { /* the server reads it again on save */ });
    }, 350);
  });
})();
