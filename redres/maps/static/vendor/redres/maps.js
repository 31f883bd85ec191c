/* redres maps: the site layer (compact arrays -> Supercluster -> the markers in view), theme filters, search,
 * locate-me, fullscreen, legend, approval number and the WGS-84/GCJ-02 switch of overlays.
 * Every user string reaches the page through textContent or an escaped string, never raw HTML.
 * Part of redres (MIT). Needs Leaflet 1.9 and, for site layers, Supercluster 8. */
(function (global) {
  "use strict";
  var L = global.L;
  var R = (global.redres = global.redres || {});

  /* ---- text safety ---- */
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };
  R.esc = function (s) {
    return String(s == null ? "" : s).replace(/[&<>"'`]/g, function (c) { return ESC[c]; });
  };
  function el(tag, cls, text, parent) {
    var e = L.DomUtil.create(tag, cls || "", parent);
    if (text != null) e.textContent = String(text);
    return e;
  }

  /* ---- GCJ-02, a port of redres.geo (the browser tests compare the two) ---- */
  var KA = 6378245.0, KEE = 0.00669342162296594323, PI = Math.PI;
  function outOfChina(lon, lat) {
    return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
  }
  function tLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * PI) + 320 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function tLon(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    return r;
  }
  R.wgs84ToGcj02 = function (lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var dlat = tLat(lon - 105.0, lat - 35.0), dlon = tLon(lon - 105.0, lat - 35.0);
    var rad = lat / 180.0 * PI, magic = 1 - KEE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    dlat = (dlat * 180.0) / ((KA * (1 - KEE)) / (magic * sq) * PI);
    dlon = (dlon * 180.0) / (KA / sq * Math.cos(rad) * PI);
    return [lon + dlon, lat + dlat];
  };
  R.gcj02ToWgs84 = function (lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var wlon = lon, wlat = lat;
    for (var i = 0; i < 30; i++) {
      var g = R.wgs84ToGcj02(wlon, wlat), dlon = lon - g[0], dlat = lat - g[1];
      wlon += dlon; wlat += dlat;
      if (Math.abs(dlon) < 1e-10 && Math.abs(dlat) < 1e-10) break;
    }
    return [wlon, wlat];
  };
  /* A latlng drawn for basemap CRS `from`, moved to where it belongs on a `to` basemap. */
  R.convert = function (ll, from, to) {
    if (from === to) return L.latLng(ll.lat, ll.lng);
    var p = from === "wgs84" ? R.wgs84ToGcj02(ll.lng, ll.lat) : R.gcj02ToWgs84(ll.lng, ll.lat);
    return L.latLng(p[1], p[0]);
  };

  /* ---- overlays follow the basemap's CRS ---- */
  function moveLayer(layer, primary, crs) {
    if (layer.redresSetCrs) { layer.redresSetCrs(crs); return; }
    if (layer.getLatLng) {
      if (!layer._rrOrig) layer._rrOrig = layer.getLatLng();
      layer.setLatLng(R.convert(layer._rrOrig, primary, crs));
    } else if (layer.getLatLngs) {
      if (!layer._rrOrig) layer._rrOrig = layer.getLatLngs();
      var walk = function (x) {
        return L.Util.isArray(x) ? x.map(walk) : R.convert(x, primary, crs);
      };
      layer.setLatLngs(walk(layer._rrOrig));
    } else if (layer.eachLayer) {
      layer.eachLayer(function (child) { moveLayer(child, primary, crs); });
    }
  }
  /* Called once every layer and the layer control exist (the last script of a map). */
  R.wire = function (map, opts) {
    map._rrCrs = opts.primary;
    /* A plain credit for Leaflet (its default prefix carries a national flag) and a metric scale only. */
    if (map.attributionControl) map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    L.control.scale({ imperial: false, metric: true }).addTo(map);
    (opts.siteLayers || []).forEach(function (s) { if (opts.control) s.redresAttach(opts.control); });
    map.on("baselayerchange", function (e) {
      var crs = opts.primary;
      opts.bases.forEach(function (pair) { if (pair[0] === e.layer) crs = pair[1]; });
      if (crs === map._rrCrs) return;
      map._rrCrs = crs;
      opts.overlays.forEach(function (layer) { moveLayer(layer, opts.primary, crs); });
      map.fire("redres:crs", { crs: crs });
    });
  };

  /* ---- the site layer ---- */
  /* Two modes. In the browser: every site arrives at once (compact rows) and Supercluster
   * clusters them here. From the server (`opts.tiles`, national-scale catalogues): the tables
   * arrive inline without sites, and each move asks /api/map/clusters for the tiles in view,
   * which answer clusters and the rows of single sites. */
  R.siteLayer = function (map, opts) {
    var layer = L.featureGroup().addTo(map); /* a feature group passes marker clicks on */
    (R.siteLayers = R.siteLayers || []).push(layer); /* for tests and embedding pages */
    var tiled = !!opts.tiles;
    var state = {
      rows: [], data: null, crs: opts.crs, pts: [], markers: [], icons: [], index: null,
      toggles: [], none: null, control: null, toggled: false,
      tiles: {}, tileCount: 0, gen: 0, drawn: 0, pending: null
    };
    var popup = L.popup({ maxWidth: 320, offset: [0, -10] });

    function build(data) {
      state.data = data;
      state.rows = data.sites;
      state.icons = data.cats.map(function (c, i) {
        return L.divIcon({
          className: "rr-pin rr-cat-" + i,
          html: '<span style="background:' + R.esc(c[2]) + '">' + R.esc(c[3]) + "</span>",
          iconSize: [24, 24], iconAnchor: [12, 12], popupAnchor: [0, -10]
        });
      });
      state.markers = new Array(state.rows.length);
      project();
      if (state.control) addThemeToggles(data);
      if (tiled && opts.fit && opts.box) {
        var sw = R.convert(L.latLng(opts.box[1], opts.box[0]), "wgs84", state.crs);
        var ne = R.convert(L.latLng(opts.box[3], opts.box[2]), "wgs84", state.crs);
        map.fitBounds([sw, ne], { maxZoom: 15, animate: false });
      }
      reindex();
      if (opts.fit && state.rows.length) fit();
      if (opts.unlocatedUrl && data.unlocated > 0) unlocatedNotice(data.unlocated);
      if (tiled) return; /* ready when the first tiles are drawn */
      layer.redresReady = performance.now();
      map.fire("redres:sites", { count: state.rows.length, unlocated: data.unlocated || 0 });
    }

    /* Row coordinates (in the data's CRS) moved to the CRS of the basemap on show. */
    function project() {
      state.pts = state.rows.map(function (r) {
        var ll = R.convert(L.latLng(r[0], r[1]), opts.dataCrs, state.crs);
        return [ll.lng, ll.lat];
      });
    }

    function fit() {
      var w = 180, s = 90, e = -180, n = -90;
      state.pts.forEach(function (p) {
        if (p[0] < w) w = p[0]; if (p[0] > e) e = p[0];
        if (p[1] < s) s = p[1]; if (p[1] > n) n = p[1];
      });
      map.fitBounds([[s, w], [n, e]], { maxZoom: 15, animate: false });
    }

    function visible(r) {
      if (!state.toggles.length) return true;
      if (!r[3].length) return !state.none || map.hasLayer(state.none);
      for (var k = 0; k < r[3].length; k++) if (map.hasLayer(state.toggles[r[3][k]])) return true;
      return false;
    }

    /* Supercluster indexes 40,000 points in a fraction of a second; only what is in view becomes DOM. */
    function reindex() {
      if (tiled) { loadTiles(); return; } /* answers are kept by tile and filter */
      var points = [];
      for (var i = 0; i < state.rows.length; i++) {
        if (visible(state.rows[i])) {
          points.push({ type: "Feature", properties: { i: i }, geometry: { type: "Point", coordinates: state.pts[i] } });
        }
      }
      state.index = new global.Supercluster({ radius: 60, maxZoom: 16 }).load(points);
      render();
    }

    function render() {
      if (tiled) { if (state.data) loadTiles(); return; }
      if (!state.index) return;
      var b = map.getBounds().pad(0.2), z = Math.round(map.getZoom());
      var box = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())];
      var items = state.index.getClusters(box, z), shown = [];
      for (var k = 0; k < items.length; k++) {
        var f = items[k], c = f.geometry.coordinates, ll = L.latLng(c[1], c[0]);
        if (f.properties.cluster) {
          var m = clusterMarker(ll, f.properties.point_count);
          m._rrCluster = f.properties.cluster_id;
          shown.push(m);
        } else {
          shown.push(marker(f.properties.i));
        }
      }
      layer.clearLayers();
      shown.forEach(function (m) { layer.addLayer(m); });
    }

    function clusterMarker(ll, n) {
      var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
      var short = n >= 10000 ? Math.round(n / 1000) + "k" : n >= 1000 ? Math.round(n / 100) / 10 + "k" : n;
      return L.marker(ll, {
        icon: L.divIcon({
          html: "<div><span>" + R.esc(short) + "</span></div>",
          className: "rr-cluster rr-cluster-" + size, iconSize: [40, 40]
        }),
        title: String(n)
      });
    }

    /* ---- server mode: the tiles in view from /api/map/clusters ---- */
    function themeFilter() {
      if (!state.toggles.length) return "";
      var on = [], all = true;
      state.data.themes.forEach(function (t, i) {
        if (map.hasLayer(state.toggles[i])) on.push(t[0]); else all = false;
      });
      var untagged = !state.none || map.hasLayer(state.none);
      if (all && untagged) return "";
      return "&themes=" + encodeURIComponent(on.join(",")) + "&untagged=" + (untagged ? "true" : "false");
    }
    function tileRange() {
      /* tiles of the zoom above: each covers 512 px of the view, cut into 64 px cells */
      var z = Math.max(0, Math.min(18, Math.round(map.getZoom()) - 1)), n = 1 << z;
      var b = map.getBounds().pad(0.05); /* tiles are cut in WGS-84, the view may be GCJ-02 */
      var sw = R.convert(b.getSouthWest(), state.crs, "wgs84"), ne = R.convert(b.getNorthEast(), state.crs, "wgs84");
      function clamp(v) { return Math.max(0, Math.min(n - 1, Math.floor(v))); }
      function tx(lon) { return clamp((lon + 180) / 360 * n); }
      function ty(lat) {
        var r = Math.max(-85.0511, Math.min(85.0511, lat)) * PI / 180;
        return clamp((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / PI) / 2 * n);
      }
      return { z: z, x0: tx(sw.lng), x1: tx(ne.lng), y0: ty(ne.lat), y1: ty(sw.lat) };
    }
    function loadTiles() {
      var t = tileRange(), filter = themeFilter(), want = [], gen = ++state.gen;
      if (state.tileCount > 600) { state.tiles = {}; state.tileCount = 0; } /* bounded */
      for (var x = t.x0; x <= t.x1; x++) {
        for (var y = t.y0; y <= t.y1; y++) {
          var key = t.z + "/" + x + "/" + y + filter;
          want.push(key);
          if (!state.tiles[key]) {
            state.tileCount++;
            state.tiles[key] = { answer: null, wait: fetchTile(t.z, x, y, filter, key) };
          }
        }
      }
      state.want = want;
      want.forEach(function (key) {
        state.tiles[key].wait.then(function () { if (gen === state.gen) drawTiles(want); });
      });
    }
    function fetchTile(z, x, y, filter, key) {
      var url = opts.tiles + (opts.tiles.indexOf("?") >= 0 ? "&" : "?") + "z=" + z + "&x=" + x + "&y=" + y + filter;
      return fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (a) { if (state.tiles[key]) state.tiles[key].answer = a; })
        .catch(function (err) {
          delete state.tiles[key];
          if (!state.failed) { state.failed = true; R.notice(map, opts.failed + " (" + err.message + ")"); }
        });
    }
    /* Cells of neighbouring tiles can put two bubbles side by side: items closer than
     * MERGE_PX on screen are merged (largest first, counts added, positions weighted). */
    var MERGE_PX = 40;
    function drawTiles(want) {
      var items = [], opened = null, count = 0;
      want.forEach(function (key) {
        var a = state.tiles[key] && state.tiles[key].answer;
        if (!a) return;
        a.clusters.forEach(function (c) {
          items.push({ ll: R.convert(L.latLng(c[0], c[1]), "wgs84", state.crs), n: c[2] });
        });
        a.sites.forEach(function (r) {
          items.push({ ll: R.convert(L.latLng(r[0], r[1]), "wgs84", state.crs), n: 1, row: r, hours: a.hours });
        });
      });
      var deep = map.getZoom() >= 17; /* sites are shown one by one from here, as in the browser mode */
      items.sort(function (a, b) { return b.n - a.n; });
      items.forEach(function (it) { it.p = map.latLngToLayerPoint(it.ll); });
      var shown = [];
      for (var i = 0; i < items.length; i++) {
        var it = items[i];
        if (it.gone) continue;
        var n = it.n, lat = it.ll.lat * it.n, lng = it.ll.lng * it.n;
        if (!deep || !it.row) {
          for (var j = i + 1; j < items.length; j++) {
            var o = items[j];
            if (o.gone || (deep && o.row) || it.p.distanceTo(o.p) > MERGE_PX) continue;
            o.gone = true; n += o.n; lat += o.ll.lat * o.n; lng += o.ll.lng * o.n;
          }
        }
        count += n;
        if (n > 1) {
          var m = clusterMarker(L.latLng(lat / n, lng / n), n);
          m._rrZoom = Math.min(Math.round(map.getZoom()) + 2, 19);
          shown.push(m);
        } else {
          var r = it.row;
          var s = L.marker(it.ll, { icon: state.icons[r[2]], title: r[4], alt: r[4] });
          s._rrRow = r; s._rrHours = it.hours;
          shown.push(s);
          if (state.pending && r[5] === state.pending) opened = s;
        }
      }
      layer.clearLayers();
      shown.forEach(function (m) { layer.addLayer(m); });
      state.drawn = count;
      if (opened) { state.pending = null; openRow(opened._rrRow, opened._rrHours, opened.getLatLng()); }
      if (!layer.redresReady && shown.length) {
        layer.redresReady = performance.now();
        map.fire("redres:sites", { count: count, unlocated: state.data.unlocated || 0 });
      }
    }

    function marker(i) {
      var m = state.markers[i], p = state.pts[i];
      if (!m) {
        var r = state.rows[i];
        m = state.markers[i] = L.marker([p[1], p[0]], { icon: state.icons[r[2]], title: r[4], alt: r[4] });
        m._rrIndex = i;
      } else {
        m.setLatLng([p[1], p[0]]);
      }
      return m;
    }

    map.on("moveend", render);
    layer.on("click", function (e) {
      if (e.layer._rrZoom != null) {
        map.setView(e.layer.getLatLng(), e.layer._rrZoom);
      } else if (e.layer._rrRow) {
        openRow(e.layer._rrRow, e.layer._rrHours, e.layer.getLatLng());
      } else if (e.layer._rrCluster != null) {
        var z = Math.min(state.index.getClusterExpansionZoom(e.layer._rrCluster), 18);
        map.setView(e.layer.getLatLng(), z);
      } else if (e.layer._rrIndex != null) {
        open(e.layer._rrIndex);
      }
    });

    layer.redresAttach = function (control) {
      state.control = control;
      if (state.data) { addThemeToggles(state.data); reindex(); }
    };
    function addThemeToggles(data) {
      var control = state.control;
      if (state.toggled || !data.themes.length) return;
      state.toggled = true;
      data.themes.forEach(function (t) {
        var g = L.layerGroup();
        g._rrTheme = true;
        state.toggles.push(g);
        control.addOverlay(g, R.esc(t[1]));
        g.addTo(map);
      });
      /* server mode cannot tell cheaply whether any site has no theme: the toggle is always there */
      var hasNone = tiled || state.rows.some(function (r) { return !r[3].length; });
      if (hasNone) {
        state.none = L.layerGroup();
        state.none._rrTheme = true;
        control.addOverlay(state.none, R.esc(data.labels.no_theme));
        state.none.addTo(map);
      }
      map.on("overlayadd overlayremove", function (e) { if (e.layer._rrTheme) reindex(); });
    }

    /* Sites listed but without a known point: say how many, and link to their list. */
    function unlocatedNotice(n) {
      var ctl = L.control({ position: "bottomleft" });
      ctl.onAdd = function () {
        var box = el("div", "rr-unlocated");
        el("span", "", opts.unlocated.replace("{count}", String(n)) + " ", box);
        var a = el("a", "", opts.unlocatedLinkText || "", box);
        a.href = opts.unlocatedUrl; a.target = "_top";
        L.DomEvent.disableClickPropagation(box);
        return box;
      };
      ctl.addTo(map);
    }

    layer.redresSetCrs = function (crs) {
      state.crs = crs;
      if (!state.data) return;
      project();
      reindex();
    };
    layer.redresPoints = function () { return state.pts; };
    layer.redresShown = function () {
      if (tiled) return state.drawn;
      return state.index ? state.index.points.length : 0;
    };
    layer.redresTiled = tiled;
    /* Tiles of the current view still awaited (server mode). */
    layer.redresPending = function () {
      return (state.want || []).filter(function (k) { return state.tiles[k] && !state.tiles[k].answer; }).length;
    };

    /* A site's popup; `hours` is the table its hours index refers to. */
    function content(r, hours) {
      var d = state.data, box = el("div", "rr-popup");
      var h = el("h3", "rr-name", null, box);
      var url = r[5] ? opts.siteUrl + encodeURIComponent(r[5]) : null;
      if (url) { var a = el("a", "", r[4], h); a.href = url; a.target = "_top"; } else h.textContent = r[4];
      if (r[10]) {
        /* the site's cover photo: the 400 px copy (a popup is at most 280 px wide), the 800 px
           thumbnail for sharper screens; images from before the small copy have only that */
        var img = el("img", "rr-cover", null, box), base = (opts.mediaUrl || "/media/") + r[10][0];
        img.src = base + (r[10][2] ? "/small.webp" : "/thumb.webp");
        if (r[10][2]) img.srcset = base + "/small.webp 1x, " + base + "/thumb.webp 2x";
        img.alt = r[10][1];
        img.loading = "lazy";
      }
      var meta = [d.cats[r[2]][1]];
      if (r[6] >= 0) meta.push(d.periods[r[6]]);
      if (r[7] >= 0) meta.push(d.protections[r[7]]);
      el("p", "rr-meta", meta.join(" · "), box);
      el("p", "rr-hours", d.labels.hours + (d.labels.colon || "：") + (r[8] >= 0 ? hours[r[8]] : d.labels.unknown), box);
      if (r[9]) el("p", "rr-story", r[9], box);
      if (url) { var more = el("a", "rr-more", d.labels.more, box); more.href = url; more.target = "_top"; }
      return box;
    }
    function open(i) {
      var p = state.pts[i];
      popup.setLatLng([p[1], p[0]]).setContent(content(state.rows[i], state.data.hours)).openOn(map);
    }
    function openRow(r, hours, ll) {
      popup.setLatLng(ll).setContent(content(r, hours)).openOn(map);
    }
    /* Show one site: zoom past the clustering levels (no animation), then open its popup. */
    layer.redresOpen = function (i) {
      var p = state.pts[i];
      map.setView([p[1], p[0]], Math.max(map.getZoom(), 17), { animate: false });
      open(i);
    };

    if (opts.search) addSearch();
    function addSearch() {
      var ctl = L.control({ position: "topleft" });
      ctl.onAdd = function () {
        var box = el("div", "rr-search leaflet-bar");
        var input = el("input", "", null, box);
        input.type = "search";
        input.placeholder = opts.search;
        input.setAttribute("aria-label", opts.search);
        var list = el("ul", "rr-results", null, box);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var timer = null, found = [];
        function run() {
          var q = input.value.trim().toLowerCase();
          list.textContent = "";
          found = [];
          if (!q) return;
          if (tiled) { serverSearch(input.value.trim()); return; }
          for (var i = 0; i < state.rows.length && found.length < 8; i++) {
            var r = state.rows[i];
            if (!visible(r)) continue;
            if (String(r[4]).toLowerCase().indexOf(q) >= 0 || String(r[5] || "").indexOf(q) >= 0) found.push(i);
          }
          found.forEach(function (idx) {
            var li = el("li", "", state.rows[idx][4], list);
            L.DomEvent.on(li, "click", function (e) {
              L.DomEvent.stop(e); /* the li is removed below; Leaflet would take the click as a map click */
              list.textContent = "";
              layer.redresOpen(idx);
            });
          });
        }
        /* Server mode: the sites API finds names; choosing one zooms there and opens it. */
        var asked = 0;
        function serverSearch(q) {
          var mine = ++asked;
          fetch(opts.searchUrl + (opts.searchUrl.indexOf("?") >= 0 ? "&" : "?") + "limit=8&q=" + encodeURIComponent(q), { credentials: "same-origin" })
            .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
            .then(function (fc) {
              if (mine !== asked) return;
              list.textContent = "";
              found = [];
              fc.features.forEach(function (f) {
                if (!f.geometry) return;
                var p = f.properties, name = (opts.lang === "en" && p.name_en) || p.name;
                var go = function () { list.textContent = ""; goTo(f.geometry.coordinates, p.slug); };
                found.push(go);
                var li = el("li", "", name, list);
                L.DomEvent.on(li, "click", function (e) { L.DomEvent.stop(e); go(); });
              });
            })
            .catch(function () { list.textContent = ""; });
        }
        function goTo(c, slug) {
          state.pending = slug;
          map.setView(R.convert(L.latLng(c[1], c[0]), "wgs84", state.crs), Math.max(map.getZoom(), 17), { animate: false });
        }
        L.DomEvent.on(input, "input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
        L.DomEvent.on(input, "keydown", function (e) {
          if (e.key === "Enter" && found.length) {
            list.textContent = "";
            if (tiled) found[0](); else layer.redresOpen(found[0]);
          }
        });
        return box;
      };
      ctl.addTo(map);
    }

    if (opts.data) build(opts.data);
    else fetch(opts.url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(build)
      .catch(function (err) { R.notice(map, opts.failed + " (" + err.message + ")"); });
    return layer;
  };

  /* ---- small controls ---- */
  R.notice = function (map, text, cls) {
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      var box = el("div", "rr-notice " + (cls || ""), text);
      box.setAttribute("role", "status");
      return box;
    };
    return ctl.addTo(map);
  };
  /* A legend behind a button: closed at first on a phone-sized map so it covers no marker. */
  R.legend = function (map, html, position, toggle) {
    var ctl = L.control({ position: position || "bottomright" });
    ctl.onAdd = function () {
      var wrap = el("div", "rr-legend-wrap");
      var btn = el("button", "rr-legend-toggle", toggle || "图例", wrap);
      btn.type = "button";
      var box = el("div", "rr-legend", null, wrap);
      box.id = "rr-legend-" + L.Util.stamp(wrap);
      box.innerHTML = html; /* built from escaped text in redres.maps.controls */
      btn.setAttribute("aria-controls", box.id);
      function show(open) {
        box.hidden = !open;
        btn.setAttribute("aria-expanded", open ? "true" : "false");
        L.DomUtil[open ? "addClass" : "removeClass"](wrap, "rr-open");
      }
      var size = map.getSize();
      show(size.x > 600 && size.y > 420);
      L.DomEvent.disableClickPropagation(wrap);
      L.DomEvent.disableScrollPropagation(wrap);
      L.DomEvent.on(btn, "click", function () { show(box.hidden); });
      return wrap;
    };
    return ctl.addTo(map);
  };
  R.approval = function (map, text) {
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () { return el("div", "rr-approval", text); };
    return ctl.addTo(map);
  };
  function button(map, position, glyph, title, onClick) {
    var ctl = L.control({ position: position });
    ctl.onAdd = function () {
      var bar = el("div", "leaflet-bar rr-button");
      var a = el("a", "", glyph, bar);
      a.href = "#"; a.title = title; a.setAttribute("role", "button"); a.setAttribute("aria-label", title);
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); onClick(a); });
      return bar;
    };
    return ctl.addTo(map);
  }
  R.locate = function (map, title, messages) {
    messages = messages || {};
    var here = null;
    map.on("locationfound", function (e) {
      var ll = R.convert(e.latlng, "wgs84", map._rrCrs || "wgs84"); /* GPS is WGS-84 */
      if (here) map.removeLayer(here);
      here = L.layerGroup([
        L.circle(ll, { radius: e.accuracy, weight: 1, fillOpacity: 0.1 }),
        L.circleMarker(ll, { radius: 6, color: "#fff", weight: 2, fillColor: "#1a73e8", fillOpacity: 1 })
      ]).addTo(map);
      map.setView(ll, Math.max(map.getZoom(), 15));
    });
    var shown = null;
    /* Say why in the reader's language: refused (code 1), unavailable or timed out (2, 3). */
    map.on("locationerror", function (e) {
      var text = e.code === 1 ? messages.denied : messages.unavailable;
      if (shown) map.removeControl(shown);
      shown = R.notice(map, text || e.message, "rr-geo-error");
    });
    return button(map, "topleft", "◎", title, function () {
      if (!navigator.geolocation) {
        if (shown) map.removeControl(shown);
        shown = R.notice(map, messages.unsupported || "", "rr-geo-error");
        return;
      }
      map.locate({ setView: false, enableHighAccuracy: true, timeout: 15000 });
    });
  };
  R.fullscreen = function (map, title, glyph) {
    var box = map.getContainer();
    document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
    return button(map, "topleft", glyph || "全", title, function () {
      if (document.fullscreenElement) { document.exitFullscreen(); return; }
      if (L.DomUtil.hasClass(box, "rr-full")) { pseudo(); return; }
      if (box.requestFullscreen) { box.requestFullscreen().catch(pseudo); } else pseudo();
      function pseudo() { L.DomUtil.hasClass(box, "rr-full") ? L.DomUtil.removeClass(box, "rr-full") : L.DomUtil.addClass(box, "rr-full"); map.invalidateSize(); }
    });
  };
})(window);
