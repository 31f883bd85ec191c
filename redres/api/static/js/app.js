// Search suggestions and "near me" for the home page. Text only: no HTML is built from data.
(function () {
  "use strict";
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
  var near = document.getElementById("near-me");
  if (near && navigator.geolocation) {
    near.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lon = pos.coords.longitude.toFixed(5), lat = pos.coords.latitude.toFixed(5);
        window.location.href = "/?near=" + lon + "," + lat + "&radius_m=5000";
      });
    });
  }
})();
