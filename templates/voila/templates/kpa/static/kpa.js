// Carnet KPA: tell the visitor to reload when their kernel is gone (culled, crashed,
// server stopped) instead of leaving a page that silently ignores clicks.
//
// The page asks the server about its kernel (GET api/kernels/<id>):
//   * every KPA_KERNEL_CHECK_MS milliseconds (default 15 s; tests may set
//     window.KPA_KERNEL_CHECK_MS before the page loads),
//   * when the tab becomes visible again, when the network comes back,
//   * and when the visitor clicks or types (at most once every 2 s), so a dead page
//     says so at the first click.
// 404: the kernel is gone for good → banner, polling stops. The server unreachable
// (wifi down, laptop asleep) → banner too, but it goes away if the kernel answers again.
(function () {
  "use strict";
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
  var banner = document.getElementById("kpa-kernel-lost");
  if (!banner) { return; }
  var lang = (new URLSearchParams(window.location.search).get("lang") || "fr").slice(0, 2) === "en" ? "en" : "fr";
  var interval = Number(window.KPA_KERNEL_CHECK_MS) > 0 ? Number(window.KPA_KERNEL_CHECK_MS) : 15000;
  var gone = false;        // 404: the kernel will not come back
  var inFlight = false;
  var lastCheck = 0;
  var timer = null;

  banner.querySelectorAll("p[lang]").forEach(function (p) { p.hidden = p.lang !== lang; });
  var button = banner.querySelector("button");
  if (button) { button.textContent = lang === "en" ? "Reload the page" : "Recharger la page"; }

  function show(reason) {
    banner.dataset.reason = reason;
    banner.hidden = false;
    document.documentElement.classList.add("kpa-lost");
  }
  function hide() {
    if (gone) { return; }
    banner.hidden = true;
    delete banner.dataset.reason;
    document.documentElement.classList.remove("kpa-lost");
  }
  function check() {
    if (gone || inFlight) { return; }
    inFlight = true;
    lastCheck = Date.now();
    fetch(baseUrl + "api/kernels/" + encodeURIComponent(kernelId), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) {
          gone = true;
          if (timer !== null) { window.clearInterval(timer); }
          show("kernel-gone");
        } else if (response.ok) {
          hide();
        }
      })
      .catch(function () { show("server-unreachable"); })
      .then(function () { inFlight = false; });
  }
  function checkSoon() {
    if (Date.now() - lastCheck > 2000) { check(); }
  }
  timer = window.setInterval(check, interval);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { check(); } });
  window.addEventListener("online", check);
  document.addEventListener("pointerdown", checkSoon, true);
  document.addEventListener("keydown", checkSoon, true);
  window.kpaCheckKernel = check;  // for tests and the browser console
})();

// Carnet KPA: a bound field shows the value as the kernel understood it ("2 400 €" →
// "2 400,00 €") by sending it back after each edit. If the person is already typing again in
// that field when the reply arrives, the reply must not overwrite what they typed: while a
// field holds typing not yet sent (between an input event and Enter / leaving the field),
// values pushed by the kernel into it are ignored; the typed text is sent at Enter as usual.
(function () {
  "use strict";
  var native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
  var nativeArea = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value");
  function fieldInput(target) {
    return (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) &&
      target.closest(".kpa-field") ? target : null;
  }
  function protect(el) {
    if (el.__kpaProtected) { return; }
    el.__kpaProtected = true;
    var descriptor = el instanceof HTMLTextAreaElement ? nativeArea : native;
    Object.defineProperty(el, "value", {
      configurable: true,
      get: function () { return descriptor.get.call(this); },
      set: function (v) {
        if (this.__kpaTyping && document.activeElement === this) { return; }  // keep the typing
        descriptor.set.call(this, v);
      }
    });
  }
  document.addEventListener("input", function (event) {
    var el = fieldInput(event.target);
    if (el) { protect(el); el.__kpaTyping = true; }
  }, true);
  document.addEventListener("keydown", function (event) {
    var el = fieldInput(event.target);
    if (el && event.key === "Enter" && !(el instanceof HTMLTextAreaElement)) { el.__kpaTyping = false; }
  }, true);
  document.addEventListener("blur", function (event) {
    var el = fieldInput(event.target);
    if (el) { el.__kpaTyping = false; }
  }, true);
})();
