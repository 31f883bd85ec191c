// Place a site's point by clicking the map; the lon/lat inputs stay the source of truth.
(function () {
  "use strict";
  var el = document.getElementById("pick-map");
  var lon = document.getElementById("f-lon"), lat = document.getElementById("f-lat");
  if (!el || !lon || !lat || !window.L) { if (el) { el.hidden = true; } return; }
  var start = [parseFloat(lat.value) || 30.58, parseFloat(lon.value) || 114.29];
  var map = L.map(el).setView(start, lat.value ? 16 : 11);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
  }).addTo(map);
  // A vector circle: Leaflet's default pin is an image we do not ship.
  var pin = function (at) {
    return L.circleMarker(at, { radius: 8, color: "#8b1a1a", weight: 3, fillOpacity: 0.6 }).addTo(map);
  };
  var marker = lat.value ? pin(start) : null;
  map.on("click", function (e) {
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
    if (marker) { marker.setLatLng(e.latlng); } else { marker = pin(e.latlng); }
  });
})();
