// The planner page's re-order panel: drag stops, or move them with Up/Down buttons (keyboard),
// remove or swap them by name; every change is re-checked at once by /plan/check?part=result,
// whose answer (problems and the new times, in the page's language) replaces the schedule.
// No HTML is built from data here: names come from data attributes into text nodes.
(function () {
  "use strict";
  var panel = document.getElementById("reorder");
  if (!panel) { return; }
  panel.hidden = false;
  var lists = Array.prototype.slice.call(panel.querySelectorAll("ol.stop-order"));
  var status = document.getElementById("recheck-status");
  var result = document.getElementById("plan-schedule");
  var saveStops = document.querySelector("#save-plan [data-stops]");
  var textarea = document.getElementById("stops");
  var which = document.getElementById("swap-which");
  var nameInput = document.getElementById("swap-name");
  var names = document.getElementById("swap-names");
  var dragged = null;
  var before = "";
  var lastMove = "";
  var pending = null;
  var timer = null;

  function items(list) { return Array.prototype.slice.call(list.children); }

  function stopsText() {
    return lists.map(function (list) {
      return items(list).map(function (li) { return li.dataset.slug; }).join("\n");
    }).filter(function (day) { return day; }).join("\n\n");
  }

  function refreshChoices() {
    which.replaceChildren();
    lists.forEach(function (list) {
      items(list).forEach(function (li) {
        var option = document.createElement("option");
        option.value = li.dataset.slug;
        option.textContent = li.dataset.name;
        which.appendChild(option);
      });
    });
  }

  function say(text) { status.textContent = text; }

  function recheck() {
    var text = stopsText();
    if (saveStops) { saveStops.value = text; }
    if (textarea) { textarea.value = text; }
    refreshChoices();
    if (!text) { result.replaceChildren(); return; }
    var query = new URLSearchParams({
      part: "result", date: panel.dataset.date, mode: panel.dataset.mode,
      window: panel.dataset.window, lunch: panel.dataset.lunch, stops: text,
      start: panel.dataset.start, end: panel.dataset.end, lang: panel.dataset.lang
    });
    if (pending) { pending.abort(); }
    pending = new AbortController();
    panel.setAttribute("aria-busy", "true");
    say(panel.dataset.msgChecking);
    fetch("/plan/check?" + query.toString(), { signal: pending.signal, credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (body) { return { ok: r.ok || r.status === 422, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("status"); }
        var doc = new DOMParser().parseFromString(answer.body, "text/html");
        result.replaceChildren.apply(result, Array.prototype.slice.call(doc.body.childNodes));
        var verdict = result.querySelector("[role=alert], [data-feasible]");
        say([lastMove, verdict ? verdict.textContent.trim() : ""].filter(Boolean).join(" · "));
        lastMove = "";
        panel.removeAttribute("aria-busy");
        panel.dataset.checked = String(Number(panel.dataset.checked || 0) + 1);
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") { return; }
        panel.removeAttribute("aria-busy");
        say(panel.dataset.msgFailed);
      });
  }

  function changed(li) {
    if (li) {
      var position = 1 + lists.reduce(function (n, list) {
        return n + (list.contains(li) ? items(list).indexOf(li) : 0);
      }, 0);
      lastMove = panel.dataset.msgMoved.replace("{name}", li.dataset.name).replace("{n}", String(position));
      say(lastMove);
    }
    clearTimeout(timer);
    timer = setTimeout(recheck, 150);
  }

  function move(li, step) {
    var list = li.parentElement;
    var day = lists.indexOf(list);
    if (step < 0) {
      if (li.previousElementSibling) { list.insertBefore(li, li.previousElementSibling); }
      else if (day > 0) { lists[day - 1].appendChild(li); }
      else { return; }
    } else {
      if (li.nextElementSibling) { list.insertBefore(li.nextElementSibling, li); }
      else if (day < lists.length - 1) { lists[day + 1].insertBefore(li, lists[day + 1].firstChild); }
      else { return; }
    }
    var button = li.querySelector(step < 0 ? "[data-act=up]" : "[data-act=down]");
    if (button) { button.focus(); }
    changed(li);
  }

  function newItem(slug, name) {
    var template = panel.querySelector("ol.stop-order li");
    var li = template.cloneNode(true);
    li.dataset.slug = slug;
    li.dataset.name = name;
    li.querySelector(".stop-name").textContent = name;
    li.querySelectorAll("button").forEach(function (b) {
      var label = b.getAttribute("aria-label") || "";
      b.setAttribute("aria-label", label.replace(/[:：].*$/, "：" + name));
    });
    return li;
  }

  function findSite(text) {
    return fetch("/api/sites?limit=10&q=" + encodeURIComponent(text))
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        var found = data.features.filter(function (f) {
          return f.properties.name === text || f.properties.name_en === text || f.properties.slug === text;
        })[0] || data.features[0];
        return found ? found.properties : null;
      });
  }

  function byName(mode) {
    var text = nameInput.value.trim();
    if (!text) { nameInput.focus(); return; }
    findSite(text).then(function (site) {
      if (!site) { say(panel.dataset.msgUnknown); return; }
      var current = panel.querySelector('li[data-slug="' + CSS.escape(which.value) + '"]');
      var li = newItem(site.slug, site.name);
      if (mode === "swap" && current) { current.replaceWith(li); }
      else if (current) { current.after(li); }
      else { lists[0].appendChild(li); }
      nameInput.value = "";
      changed(li);
    }).catch(function () { say(panel.dataset.msgFailed); });
  }

  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-act]");
    if (!button || !panel.contains(button)) { return; }
    var act = button.dataset.act;
    var li = button.closest("li");
    if (act === "up" || act === "down") { move(li, act === "up" ? -1 : 1); }
    else if (act === "remove" && li) {
      if (panel.querySelectorAll("ol.stop-order li").length < 2) { return; }
      var next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      if (next) { next.querySelector("button").focus(); }
      changed(null);
    } else if (act === "add") { byName("add"); }
  });

  document.getElementById("swap-form").addEventListener("submit", function (event) {
    event.preventDefault();
    byName("swap");
  });

  nameInput.addEventListener("input", function () {
    var text = nameInput.value.trim();
    if (!text) { return; }
    fetch("/api/sites?limit=8&q=" + encodeURIComponent(text))
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        names.replaceChildren();
        data.features.forEach(function (f) {
          var option = document.createElement("option");
          option.value = f.properties.name;
          names.appendChild(option);
        });
      })
      .catch(function () {});
  });

  panel.addEventListener("dragstart", function (event) {
    var li = event.target.closest && event.target.closest("li[data-slug]");
    if (!li) { return; }
    dragged = li;
    before = stopsText();
    li.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", li.dataset.slug);
  });
  panel.addEventListener("dragend", function () {
    if (!dragged) { return; }
    var li = dragged;
    li.classList.remove("dragging");
    dragged = null;
    if (stopsText() !== before) { changed(li); }
  });
  lists.forEach(function (list) {
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var over = event.target.closest("li[data-slug]");
      if (over && over !== dragged) {
        var box = over.getBoundingClientRect();
        list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
      } else if (!over) {
        list.appendChild(dragged);
      }
    });
    list.addEventListener("drop", function (event) {
      if (dragged) { event.preventDefault(); }
    });
  });
})();
