// The editor's media upload: drop or pick several files, send them one request each with a
// progress bar (the plain multipart form still works without this script), and offer a
// photo's GPS position as the site's point when the site form is on the page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-media-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = form.querySelector("input[type=file]");
  var zone = form.querySelector("[data-drop-zone]");
  var list = form.querySelector("[data-progress]");
  var msg = form.dataset;
  var dropped = null;

  function say(text) {
    var li = document.createElement("li");
    li.textContent = text;
    list.appendChild(li);
    return li;
  }

  function chosen(files) {
    list.textContent = "";
    var one = files.length === 1 && msg.msgChosenOne;
    say(one ? msg.msgChosenOne : msg.msgChosen.replace("{n}", String(files.length)));
  }

  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    if (!e.dataTransfer || !e.dataTransfer.files.length) { return; }
    dropped = e.dataTransfer.files;
    input.required = false;
    chosen(dropped);
  });
  input.addEventListener("change", function () { dropped = null; chosen(input.files); });

  function hint(li, where) {
    var lat = document.getElementById("f-lat"), lon = document.getElementById("f-lon");
    var p = document.createElement("p");
    p.className = "note";
    p.textContent = msg.msgHint.replace("{lat}", where.lat.toFixed(6)).replace("{lon}", where.lon.toFixed(6));
    li.appendChild(p);
    if (lat && lon) {
      var use = document.createElement("button");
      use.type = "button";
      use.textContent = msg.msgUse;
      use.addEventListener("click", function () {
        lat.value = where.lat.toFixed(6);
        lon.value = where.lon.toFixed(6);
        lat.focus();
      });
      li.appendChild(use);
    }
  }

  function send(file) {
    return new Promise(function (resolve) {
      var data = new FormData(form);
      data.delete("file");
      data.append("file", file, file.name);
      var li = say(file.name + " ");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      li.appendChild(bar);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
        bar.value = 100;
        var ok = xhr.status === 201;
        li.appendChild(document.createTextNode(" " + (ok ? msg.msgDone : msg.msgFailed)));
        if (!ok) {
          var why = Array.isArray(body.detail) ? body.detail.join("; ") : String(body.detail || xhr.status);
          li.appendChild(document.createTextNode(": " + why));
          li.className = "error";
        }
        var hinted = false;
        (body.media || []).forEach(function (m) {
          if (m.location_hint) { hint(li, m.location_hint); hinted = true; }
        });
        resolve({ ok: ok, hinted: hinted });
      });
      xhr.addEventListener("error", function () {
        li.appendChild(document.createTextNode(" " + msg.msgFailed));
        li.className = "error";
        resolve({ ok: false, hinted: false });
      });
      xhr.send(data);
    });
  }

  form.addEventListener("submit", function (e) {
    var files = dropped || input.files;
    if (!files || !files.length) { return; }
    e.preventDefault();
    list.textContent = "";
    var queue = Array.prototype.slice.call(files);
    var results = [];
    var next = function () {
      if (!queue.length) {
        var added = results.some(function (r) { return r.ok; });
        var hinted = results.some(function (r) { return r.hinted; });
        if (added) {
          var again = document.createElement("a");
          again.href = location.pathname + "#media";
          again.textContent = msg.msgReload;
          again.addEventListener("click", function (ev) { ev.preventDefault(); location.reload(); });
          say("").appendChild(again);
          if (!hinted && results.every(function (r) { return r.ok; })) { location.reload(); }
        }
        return;
      }
      send(queue.shift()).then(function (r) { results.push(r); next(); });
    };
    next();
  });
})();
