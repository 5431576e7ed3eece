// Carnet KPA: tell the visitor to reload when their kernel is gone or was replaced (culled,
// crashed, killed for memory, server stopped) instead of leaving a page that silently ignores
// what they type — and keep what they typed for the reloaded page.
//
// Two checks:
//   * the server, about the page's kernel (GET api/kernels/<id>): every KPA_KERNEL_CHECK_MS
//     milliseconds (default 15 s; tests may set window.KPA_KERNEL_CHECK_MS before the page
//     loads), when the tab becomes visible again, when the network comes back. 404: the kernel
//     is gone for good → banner. The server unreachable (wifi down, laptop asleep) → banner
//     too, but it goes away if the kernel answers again.
//   * the kernel itself, at each action (a click or a key, at most once every 2 s): the page's
//     shell holds a hidden « heartbeat » text widget whose kernel echoes a token into a hidden
//     « pong » widget. Jupyter restarts a crashed kernel blank under the same id, so the
//     server check still says 200; but the new kernel has none of the page's widgets and never
//     echoes. No echo within KPA_PONG_MS (default 5 s) while the kernel is not busy → banner
//     (reason « kernel-replaced »). Pings only follow the visitor's own actions, so an idle
//     page still lets the server cull its kernel.
// Typed text is kept: every field edited since the kernel last echoed is written to
// sessionStorage when the banner shows; the reloaded page puts it back in its fields, which
// the new kernel then saves as usual.
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
  var banner = document.getElementById("kpa-kernel-lost");
  var lang = (new URLSearchParams(window.location.search).get("lang") || "fr").slice(0, 2) === "en" ? "en" : "fr";
  // The page's address without its workshop code (room.js takes ?code= out of the address bar,
  // so the reloaded page has none): the same key before and after.
  var storeKey = "kpa-pending:" + window.location.pathname + (function () {
    var query = new URLSearchParams(window.location.search);
    query.delete("code");
    var text = query.toString();
    return text ? "?" + text : "";
  })();
  var TEXTS = {
    fr: { replaced: "Le carnet a redémarré et a perdu cette page : ce que vous venez de taper n'est pas enregistré.",
          kept: "Rechargez la page : votre saisie sera remise dans ses champs.",
          reload: "Recharger la page", reloadKeep: "Recharger en gardant ma saisie" },
    en: { replaced: "The workbook restarted and lost this page: what you just typed is not saved.",
          kept: "Reload the page: what you typed will be put back in its fields.",
          reload: "Reload the page", reloadKeep: "Reload and keep what I typed" }
  }[lang];

  // ------------------------------------------------------------ what the person typed
  var edited = new Map();  // input element → time of its last edit
  function fieldKey(el) {
    var field = el.closest(".kpa-field");
    if (!field) { return null; }
    for (var i = 0; i < field.classList.length; i++) {
      if (field.classList[i].indexOf("kpa-key-") === 0) { return field.classList[i]; }
    }
    return null;
  }
  document.addEventListener("input", function (event) {
    var el = event.target;
    if ((el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) && fieldKey(el)) {
      edited.set(el, Date.now());
    }
  }, true);
  function keepTyping() {
    var pending = [];
    edited.forEach(function (_time, el) {
      var key = fieldKey(el);
      if (key && document.body.contains(el)) { pending.push({ key: key, value: el.value }); }
    });
    try {
      if (pending.length) { window.sessionStorage.setItem(storeKey, JSON.stringify(pending)); }
    } catch (e) { /* private mode: nothing to keep */ }
    return pending.length;
  }
  function putBack() {
    var raw = null;
    try { raw = window.sessionStorage.getItem(storeKey); } catch (e) { return; }
    if (!raw) { return; }
    var pending = [];
    try { pending = JSON.parse(raw) || []; } catch (e) { pending = []; }
    var tries = 0;
    var timer = window.setInterval(function () {
      tries += 1;
      var fields = pending.map(function (item) { return document.querySelectorAll("." + CSS.escape(item.key)); });
      var ready = fields.some(function (found) { return found.length > 0; });
      if (!ready && tries < 240) { return; }  // the widgets are still rendering (at most 2 minutes)
      window.clearInterval(timer);
      try { window.sessionStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
      var count = 0;
      pending.forEach(function (item, index) {
        if (fields[index].length !== 1) { return; }  // not exactly one field of that name: leave it
        var input = fields[index][0].querySelector("input, textarea");
        if (!input || input.value === item.value) { return; }
        var proto = input instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
        Object.getOwnPropertyDescriptor(proto, "value").set.call(input, item.value);
        input.dispatchEvent(new Event("change", { bubbles: true }));  // the widget sends it: the kernel saves it
        count += 1;
      });
      if (count) { document.documentElement.dataset.kpaRestored = String(count); }
    }, 500);
  }
  putBack();

  if (!kernelId || !banner) { return; }
  var interval = Number(window.KPA_KERNEL_CHECK_MS) > 0 ? Number(window.KPA_KERNEL_CHECK_MS) : 15000;
  var pongWait = Number(window.KPA_PONG_MS) > 0 ? Number(window.KPA_PONG_MS) : 5000;
  var gone = false;        // the kernel will not come back (deleted, or replaced by a blank one)
  var inFlight = false;
  var pinging = false;
  var lastCheck = 0;
  var timer = null;

  banner.querySelectorAll("p[lang]").forEach(function (p) { p.hidden = p.lang !== lang; });
  var button = banner.querySelector("button");
  if (button) {
    button.textContent = TEXTS.reload;
    button.addEventListener("click", keepTyping, true);  // before the template's reload
  }
  var detail = document.createElement("p");
  detail.className = "kpa-lost-detail";
  detail.hidden = true;
  banner.insertBefore(detail, button || null);

  function show(reason) {
    banner.dataset.reason = reason;
    var kept = (reason === "kernel-replaced" || reason === "kernel-gone") ? keepTyping() : 0;
    var lines = [];
    if (reason === "kernel-replaced") { lines.push(TEXTS.replaced); }
    if (kept) { lines.push(TEXTS.kept); }
    detail.textContent = lines.join(" ");
    detail.hidden = lines.length === 0;
    if (button) { button.textContent = kept ? TEXTS.reloadKeep : TEXTS.reload; }
    banner.hidden = false;
    document.documentElement.classList.add("kpa-lost");
  }
  function hide() {
    if (gone) { return; }
    banner.hidden = true;
    delete banner.dataset.reason;
    document.documentElement.classList.remove("kpa-lost");
  }
  function giveUp(reason) {
    gone = true;
    if (timer !== null) { window.clearInterval(timer); }
    show(reason);
  }
  function kernelState() {
    return fetch(baseUrl + "api/kernels/" + encodeURIComponent(kernelId), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) { return "gone"; }
        if (!response.ok) { return "unknown"; }
        return response.json().then(function (model) { return model.execution_state || "unknown"; },
                                     function () { return "unknown"; });
      }, function () { return "unreachable"; });
  }
  function check() {
    if (gone || inFlight) { return; }
    inFlight = true;
    lastCheck = Date.now();
    kernelState().then(function (state) {
      if (state === "gone") { giveUp("kernel-gone"); }
      else if (state === "unreachable") { show("server-unreachable"); }
      else if (banner.dataset.reason === "server-unreachable") { hide(); }
    }).then(function () { inFlight = false; });
  }
  function ping() {
    var heartbeat = document.querySelector(".kpa-heartbeat input");
    if (gone || pinging || !heartbeat) { return; }
    pinging = true;
    var sent = Date.now();
    var token = "p" + sent.toString(36) + Math.floor(Math.random() * 1e9).toString(36);
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(heartbeat, token);
    heartbeat.dispatchEvent(new Event("change", { bubbles: true }));
    var waited = 0;
    var poll = window.setInterval(function () {
      waited += 200;
      if (document.querySelector('.kpa-heartbeat-pong [data-pong="' + token + '"]')) {
        window.clearInterval(poll);
        pinging = false;
        // Everything typed before the ping reached this live kernel (messages arrive in order).
        edited.forEach(function (time, el) { if (time <= sent) { edited.delete(el); } });
        if (banner.dataset.reason === "server-unreachable") { hide(); }
        return;
      }
      if (waited < pongWait) { return; }
      window.clearInterval(poll);
      kernelState().then(function (state) {
        pinging = false;
        if (state === "gone") { giveUp("kernel-gone"); }
        else if (state === "unreachable") { show("server-unreachable"); }
        else if (state !== "busy") { giveUp("kernel-replaced"); }  // alive, idle, and not ours any more
        // busy: a long computation (a PDF) may delay the echo; the next action asks again
      });
    }, 200);
  }
  function checkSoon() {
    if (Date.now() - lastCheck > 2000) { check(); ping(); }
  }
  timer = window.setInterval(check, interval);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { check(); } });
  window.addEventListener("online", check);
  document.addEventListener("pointerdown", checkSoon, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { lastCheck = 0; }  // an edit is being sent: check it is received
    checkSoon();
  }, true);
  window.kpaCheckKernel = check;  // for tests and the browser console
  window.kpaPing = ping;
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

// Carnet KPA: the address bar follows the workbook the page edits. When the home page creates
// a workbook (or a copy is kept after a conflict), the kernel names it in a hidden
// « .kpa-address » widget; the address becomes ?workbook=<that name> (language kept), so a
// reload, a bookmark or the menu opens it instead of the workbook first asked for.
(function () {
  "use strict";
  var NAME = /^[^\/\u0000]{1,200}$/;  // a workbook name (the kernel checks it again when it opens it)
  function follow() {
    var mark = document.querySelector(".kpa-address [data-kpa-workbook]");
    if (!mark) { return; }
    var name = mark.getAttribute("data-kpa-workbook") || "";
    var params = new URLSearchParams(window.location.search);
    if (!NAME.test(name) || params.get("workbook") === name) { return; }
    params.set("workbook", name);
    window.history.replaceState(window.history.state, "", window.location.pathname + "?" + params.toString());
  }
  new MutationObserver(follow).observe(document.documentElement, { childList: true, subtree: true });
})();

// Carnet KPA: file uploads. A widget's file travels to its kernel in one websocket message, and
// the server closes the socket over 10 MiB (tornado's websocket_max_message_size): the page
// then loses its kernel with no word. So a file over UPLOAD_MAX_BYTES is not read: the kernel
// receives its name and its real size with no content, and refuses it by its size, in the
// person's language, beside its field (every upload the carnet takes is far smaller).
// And the upload button reads « Choisir un logo », not ipywidgets' « Choisir un logo (0) ».
(function () {
  "use strict";
  var UPLOAD_MAX_BYTES = 8 * 1024 * 1024;  // tests/test_cover.py checks that every limit is below it
  var readAsArrayBuffer = FileReader.prototype.readAsArrayBuffer;
  FileReader.prototype.readAsArrayBuffer = function (blob) {
    if (!blob || blob.size <= UPLOAD_MAX_BYTES) { return readAsArrayBuffer.call(this, blob); }
    var reader = this;
    Object.defineProperty(reader, "result", { value: new ArrayBuffer(0) });
    window.setTimeout(function () {
      if (typeof reader.onload === "function") { reader.onload(new ProgressEvent("load")); }
    }, 0);
  };
  var COUNT = /\s\(\d+\)$/;
  function tidy(button) {
    var last = button.lastChild;
    if (last && last.nodeType === Node.TEXT_NODE && COUNT.test(last.nodeValue)) {
      last.nodeValue = last.nodeValue.replace(COUNT, "");
    }
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      var target = record.target;
      if (target instanceof Element && target.classList.contains("widget-upload")) { tidy(target); }
      record.addedNodes.forEach(function (node) {
        if (!(node instanceof Element)) { return; }
        if (node.classList.contains("widget-upload")) { tidy(node); }
        node.querySelectorAll(".widget-upload").forEach(tidy);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
