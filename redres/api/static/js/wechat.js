// WeChat's in-app browser: the hint on how to open the page in the phone's browser can be closed.
(function () {
  "use strict";
  var hint = document.getElementById("wechat-hint");
  var close = document.getElementById("wechat-hint-close");
  if (hint && close) { close.addEventListener("click", function () { hint.hidden = true; }); }
})();
