// The site page's mini-map: draws the point the server wrote into data-* attributes.
// The coordinates are already in the basemap's CRS; nothing here is built from user text.
(function () {
  "use strict";
  var el = document.getElementById("site-map");
  if (!el || !window.L) { if (el) { el.hidden = true; } return; }
  var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  var zoom = parseInt(el.dataset.zoom, 10) || 16;
  var tiles;
  try { tiles = JSON.parse(el.dataset.tiles || "[]"); } catch (e) { tiles = []; }
  if (!isFinite(lat) || !isFinite(lon) || !tiles.length) { el.hidden = true; return; }
  var map = L.map(el, {
    center: [lat, lon],
    zoom: zoom,
    scrollWheelZoom: false,      // the page scrolls past the map, not into it
    dragging: !L.Browser.mobile // one finger scrolls the page on a phone; zoom buttons still work
  });
  // A plain credit for Leaflet, as a link (the default prefix adds a national flag).
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  tiles.forEach(function (t, i) {
    L.tileLayer(t.url, {
      subdomains: t.subdomains || "abc",
      maxZoom: t.maxZoom || 18,
      attribution: i === 0 ? el.dataset.attribution || "" : ""
    }).addTo(map);
  });
  L.marker([lat, lon], {
    icon: L.divIcon({ className: "rr-pin", html: "<span></span>", iconSize: [26, 26], iconAnchor: [13, 31] }),
    keyboard: false // the links below the map say where it is; the pin needs no focus stop
  }).addTo(map);
  // An ensemble's members: small dots named in a tooltip (text, never HTML), all in view.
  var members;
  try { members = JSON.parse(el.dataset.members || "[]"); } catch (e) { members = []; }
  var bounds = [[lat, lon]];
  members.forEach(function (m) {
    if (!isFinite(m[0]) || !isFinite(m[1])) { return; }
    var label = document.createElement("span");
    label.textContent = String(m[2] || "");
    L.circleMarker([m[0], m[1]], { radius: 7, color: "#8b0000", weight: 2, fillColor: "#fff", fillOpacity: 1 })
      .bindTooltip(label)
      .addTo(map);
    bounds.push([m[0], m[1]]);
  });
  if (bounds.length > 1) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: zoom }); }
})();
