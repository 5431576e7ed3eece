// Carnet KPA — workshop room (the projector's page).
// Workshop mode: once the page is open, the server keeps the visitor's access in a cookie;
// take the code out of the address bar, so a projected screen or a shared link never shows it.
(function () {
  "use strict";
  try {
    var url = new URL(window.location.href);
    if (url.searchParams.has("code")) {
      url.searchParams.delete("code");
      window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
    }
  } catch (e) { /* an old browser keeps the code in its address bar */ }
})();

// The projector comes back by itself: when its server stopped (a restart, a crash, the laptop
// asleep) or its kernel is gone, the page reloads as soon as the server answers again — the
// workshop's cookie still holds (kpa serve --atelier keeps the workshop's secret), so the room
// is drawn again as it is in the file. The projector holds nothing typed: nothing to lose.
// Other pages keep kpa.js's banner (they may hold typing).
(function () {
  "use strict";
  if (!/\/05_groupe\.ipynb$/.test(window.location.pathname)) { return; }
  var config = document.getElementById("jupyter-config-data");
  if (!config) { return; }
  var kernelId = null;
  var baseUrl = "/";
  try {
    var data = JSON.parse(config.textContent);
    kernelId = data.kernelId;
    baseUrl = data.baseUrl || "/";
  } catch (e) { return; }
  if (!kernelId) { return; }
  var every = Number(window.KPA_RECONNECT_MS) > 0 ? Number(window.KPA_RECONNECT_MS) : 2000;
  var down = false;
  var asking = false;
  window.setInterval(function () {
    if (asking) { return; }
    asking = true;
    fetch(baseUrl + "api/kernels/" + encodeURIComponent(kernelId), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        // The server answers again after being away, or it no longer has this page's kernel.
        if (down || response.status === 404) { window.location.reload(); }
      }, function () { down = true; })
      .then(function () { asking = false; });
  }, every);
})();

// The wall's folds (« et N de plus ») stay open across its live redraws: the kernel sends the
// wall's HTML again at every change in the file (a phone's idea, a dot), which drew every fold
// closed again while the facilitator was reading it out. A fold is known by its data-fold (the
// idea kind), so a fold opened stays open, in this window, until it is closed.
(function () {
  "use strict";
  var opened = {};
  document.addEventListener("toggle", function (event) {
    var fold = event.target;
    if (fold && fold.matches && fold.matches("details[data-fold]")) { opened[fold.dataset.fold] = fold.open; }
  }, true);  // toggle does not bubble: caught on its way down
  function reopen(node) {
    if (node.nodeType !== 1) { return; }
    var folds = Array.prototype.slice.call(node.querySelectorAll("details[data-fold]"));
    if (node.matches("details[data-fold]")) { folds.push(node); }
    folds.forEach(function (fold) {
      if (opened[fold.dataset.fold] && !fold.open) { fold.open = true; }
    });
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (change) { Array.prototype.forEach.call(change.addedNodes, reopen); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();

// « Montrer à la salle »: the presenter shows the whole room, or the wall, the group or the votes alone,
// and the projected window (another window of this browser) follows at once; ?montrer=mur|groupe|votes|tout
// for a projected window opened on its own. room.css leaves the other panels out under html[data-kpa-show].
if (window.kpaSharedChoice) {
  window.kpaSharedChoice({
    key: "kpa-montrer", param: "montrer", values: ["tout", "mur", "groupe", "votes"], fallback: "tout",
    buttons: ".kpa-room-show-button",
    next: function (current, button) { return button.dataset.show; },
    pressed: function (current, button) { return button.dataset.show === current; },
    apply: function (current) { document.documentElement.dataset.kpaShow = current; }
  });
}
