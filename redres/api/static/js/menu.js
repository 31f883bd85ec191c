// The header's menu on a phone: run right after the header (not deferred), so the links are
// folded before the first paint. Without this script every link stays shown, as on wide screens.
(function () {
  "use strict";
  var top = document.getElementById("top");
  var button = document.getElementById("menu-button");
  if (!top || !button) { return; }
  top.classList.add("folding");
  function show(open) {
    top.classList.toggle("menu-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () { show(!top.classList.contains("menu-open")); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && top.classList.contains("menu-open")) { show(false); button.focus(); }
  });
})();
