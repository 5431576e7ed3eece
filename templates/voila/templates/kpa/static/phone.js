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
