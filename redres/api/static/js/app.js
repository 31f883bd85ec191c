// Search suggestions and "near me" for the home page. Text only: no HTML is built from data.
(function () {
  "use strict";
  // The search panel: folded over the map on a phone (the map comes first), open elsewhere.
  var panel = document.getElementById("search-panel");
  if (panel && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 600px)");
    var fit = function () { panel.open = !narrow.matches; };
    fit();
    if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
  }
  // A search sent without its empty boxes: a shared link reads "/?q=八七", not "&theme=&period=…".
  var form = document.querySelector("form.search");
  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (e) {
        if (e.name && !e.value) { e.disabled = true; }
      });
    });
    // coming back to the page (the browser's back button keeps it as it was): boxes usable again
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(form.elements, function (e) { e.disabled = false; });
    });
  }
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var timer = null;
  if (input && list) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { return; }
      timer = setTimeout(function () {
        fetch("/api/sites?limit=8&q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : { features: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.features.forEach(function (f) {
              var option = document.createElement("option");
              option.value = f.properties.name;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }
  // "附近": the visitor's position, or a sentence in the page's language saying why there is none.
  var near = document.getElementById("near-me");
  var status = document.getElementById("near-status");
  function say(key) { if (status && near) { status.textContent = near.dataset[key] || ""; } }
  if (near) {
    near.addEventListener("click", function () {
      if (!navigator.geolocation) { say("unsupported"); return; }
      say("locating");
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lon = pos.coords.longitude.toFixed(5), lat = pos.coords.latitude.toFixed(5);
        window.location.href = "/?near=" + lon + "," + lat + "&radius_m=5000";
      }, function (err) {
        say(err && err.code === 1 ? "denied" : "unavailable");
      }, { timeout: 15000, maximumAge: 60000 });
    });
  }
})();
