// Carnet KPA — the participant page (kpawidgets/web/phone.py): send its forms in the background,
// swap in the sections the server drew again, and follow the others' changes.
(function () {
  "use strict";
  var body = document.body;
  var revision = body.getAttribute("data-revision") || "";
  var live = body.getAttribute("data-live");
  var offline = body.getAttribute("data-offline") || "";
  var busy = 0;

  // Workshop mode: the code was traded for a cookie; keep it out of the address bar.
  try {
    var url = new URL(window.location.href);
    if (url.searchParams.has("code")) {
      url.searchParams.delete("code");
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
  } catch (e) { /* an old browser keeps the code in its address bar */ }

  function draw(sections) {
    Object.keys(sections || {}).forEach(function (id) {
      var here = document.getElementById(id);
      if (here) { here.outerHTML = sections[id]; }
    });
  }

  function say(form, text) {
    var status = form.querySelector(".kpa-status") || form.closest("section").querySelector(".kpa-status");
    if (status) {
      var p = document.createElement("p");
      p.className = "kpa-banner kpa-banner-error";
      p.setAttribute("role", "alert");
      p.textContent = text;
      status.textContent = "";
      status.appendChild(p);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-kpa")) { return; }
    event.preventDefault();
    var data = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    busy += 1;
    fetch(form.getAttribute("action"), {
      method: "POST", body: new URLSearchParams(data), credentials: "same-origin",
      headers: { "X-KPA-Phone": "1" }
    }).then(function (response) {
      return response.json();
    }).then(function (reply) {
      if (reply.revision) { revision = reply.revision; }
      if (reply.message) { say(form, reply.message); }
      draw(reply.sections);
    }).catch(function () {
      say(form, offline);
    }).finally(function () {
      busy -= 1;
      buttons.forEach(function (b) { if (b.isConnected) { b.disabled = false; } });
    });
  });

  // Others' changes (ideas to put dots on, the group's numbers): ask every few seconds,
  // not while a send is on its way nor while the phone's screen is off.
  var failures = 0;
  function follow() {
    if (busy || document.hidden || !live) { return; }
    fetch(live + (live.indexOf("?") < 0 ? "?" : "&") + "revision=" + encodeURIComponent(revision),
          { credentials: "same-origin" }).then(function (response) {
      failures = 0;
      return response.status === 200 ? response.json() : null;
    }).then(function (news) {
      if (news && !busy) { revision = news.revision; draw(news.sections); }
    }).catch(function () { failures += 1; });
  }
  window.setInterval(function () { if (failures < 100) { follow(); } }, 3000);
})();

// Layout helpers (issue 18): a counter under every bounded field, and what is typed kept across a
// reload until it is sent (sessionStorage, keys « kpa-draft:<field id> »; unsent sends are not here).
(function () {
  "use strict";
  var PREFIX = "kpa-draft:";
  var store = null;
  try { store = window.sessionStorage; } catch (e) { store = null; }
  function fields(root) {
    return Array.prototype.slice.call(root.querySelectorAll("form[data-kpa] textarea[id], form[data-kpa] input[id]:not([type]), form[data-kpa] select[id]"));
  }
  function count(field) {
    var max = parseInt(field.getAttribute("maxlength") || "0", 10);
    if (!max) { return; }
    var shown = field.nextElementSibling;
    if (!shown || !shown.classList.contains("kpa-count")) {
      shown = document.createElement("span");
      shown.className = "kpa-count";
      field.insertAdjacentElement("afterend", shown);
    }
    shown.textContent = field.value.length + " / " + max;
    shown.classList.toggle("kpa-full", field.value.length >= max);
  }
  function restore(root) {
    fields(root).forEach(function (field) {
      if (store) {
        var draft = store.getItem(PREFIX + field.id);
        if (draft !== null && field.value !== draft) { field.value = draft; }
      }
      count(field);
    });
  }
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.id || !field.closest || !field.closest("form[data-kpa]")) { return; }
    if (store) { try { store.setItem(PREFIX + field.id, field.value); } catch (e) { /* full: nothing kept */ } }
    count(field);
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.tagName === "SELECT" && field.id && store && field.closest("form[data-kpa]")) {
      try { store.setItem(PREFIX + field.id, field.value); } catch (e) { /* full */ }
    }
  });
  // sent: the drafts of that form are done with (if the send fails, what is typed stays in the field)
  document.addEventListener("submit", function (event) {
    if (!store || !event.target.hasAttribute || !event.target.hasAttribute("data-kpa")) { return; }
    fields(event.target.parentNode || document).forEach(function (field) {
      if (event.target.contains(field)) { store.removeItem(PREFIX + field.id); }
    });
  }, true);
  restore(document);
  // sections drawn again by the server (after a send, or others' changes) get their counters back
  new MutationObserver(function () {
    fields(document).forEach(function (field) {
      var next = field.nextElementSibling;
      if (field.getAttribute("maxlength") && (!next || !next.classList.contains("kpa-count"))) { count(field); }
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
