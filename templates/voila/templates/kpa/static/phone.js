// Carnet KPA — the participant page (kpawidgets/web/phone.py): send its forms in the background,
// swap in the sections the server drew again, and follow the others' changes.
//
// Nothing typed is lost, nothing sent is doubled:
//   * every send carries a key of its own (« send »); the server applies a send once, however
//     often it arrives (a retry after a lost answer finds its idea already on the wall);
//   * a send waits in the phone's localStorage (the outbox) until the server answers it; with no
//     answer (Wi-Fi gone, server restarting) it is sent again, in order, every few seconds and at
//     the next visit, with the same key;
//   * what is typed in a form is kept as a draft (localStorage) until the server took the form, and
//     put back after a reload (the field's counter follows);
//   * a fold the person opened or closed stays so when the server draws its section again, and
//     after a reload;
//   * a refused form's problems come back in the error slots beside their fields: the field is
//     marked invalid (it names its slot in aria-describedby) and the first one gets the focus.
(function () {
  "use strict";
  var body = document.body;
  var revision = body.getAttribute("data-revision") || "";
  var live = body.getAttribute("data-live");
  var offline = body.getAttribute("data-offline") || "";
  var busy = 0;
  var OUTBOX = "kpa-outbox:" + window.location.pathname;
  var DRAFTS = "kpa-drafts:" + window.location.pathname;
  var FOLDS = "kpa-folds:" + window.location.pathname;
  var KEEP_MS = 2 * 24 * 3600 * 1000;  // a send older than two days is not sent any more

  // Workshop mode: the code was traded for a cookie; keep it out of the address bar.
  try {
    var url = new URL(window.location.href);
    if (url.searchParams.has("code")) {
      url.searchParams.delete("code");
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
  } catch (e) { /* an old browser keeps the code in its address bar */ }

  function read(name, fallback) {
    try { return JSON.parse(window.localStorage.getItem(name) || "null") || fallback; } catch (e) { return fallback; }
  }
  function write(name, value) {
    try { window.localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode, full */ }
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // What the phone shows of each live section, as the server's digests: the server sends only
  // the sections that changed since (« have »).
  var shown = {};
  function draw(sections, hashes) {
    Object.keys(sections || {}).forEach(function (id) {
      var here = document.getElementById(id);
      if (here) { here.outerHTML = sections[id]; }
      if (!hashes) { delete shown[id]; }  // drawn from a send's answer: not the digest we hold
      var drawn = document.getElementById(id);
      if (drawn) { keepFolds(drawn); markInvalid(drawn); countAll(drawn); }
    });
    Object.keys(hashes || {}).forEach(function (id) { shown[id] = hashes[id]; });
  }

  // ------------------------------------------------------------------ folds, errors, counters
  function keepFolds(root) {
    var folds = read(FOLDS, {});
    var all = Array.prototype.slice.call(root.querySelectorAll("details[id]"));
    if (root.matches && root.matches("details[id]")) { all.push(root); }
    all.forEach(function (fold) {
      if (typeof folds[fold.id] === "boolean") { fold.open = folds[fold.id]; }
    });
  }
  document.addEventListener("toggle", function (event) {
    var fold = event.target;
    if (!fold.id || fold.tagName !== "DETAILS") { return; }
    var folds = read(FOLDS, {});
    folds[fold.id] = fold.open;
    write(FOLDS, folds);
  }, true);
  function markInvalid(root) {
    var slots = Array.prototype.slice.call(root.querySelectorAll(".kpa-field-error"));
    if (root.classList && root.classList.contains("kpa-field-error")) { slots.push(root); }
    slots.forEach(function (slot) {
      var field = document.getElementById(slot.id.replace(/-error$/, ""));
      if (!field) { return; }
      if (slot.hidden) { field.removeAttribute("aria-invalid"); } else { field.setAttribute("aria-invalid", "true"); }
    });
  }
  function count(field) {
    var shownCount = document.getElementById(field.id + "-count");
    var max = parseInt(field.getAttribute("maxlength") || "0", 10);
    if (shownCount && max) {
      shownCount.textContent = field.value.length + " / " + max;
      shownCount.classList.toggle("kpa-full", field.value.length >= max);
    }
    countShared();
  }
  function countAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[maxlength][id]"), count);
  }
  // A bound two fields share (the wishes and the skills are one field of the group): shown once they near it.
  function countShared() {
    Array.prototype.forEach.call(document.querySelectorAll(".kpa-shared[data-of]"), function (shared) {
      var texts = shared.getAttribute("data-of").split(" ").map(function (id) {
        var field = document.getElementById(id);
        return field ? field.value.trim() : "";
      }).filter(function (text) { return text; });
      var used = texts.reduce(function (sum, text) { return sum + text.length; }, 0) + 2 * Math.max(texts.length - 1, 0);
      var max = parseInt(shared.getAttribute("data-max") || "0", 10);
      shared.textContent = (shared.getAttribute("data-words") || "").replace("{count}", used).replace("{max}", max);
      shared.hidden = used <= max * 0.8;
      shared.classList.toggle("kpa-full", used > max);
    });
  }
  function focusFirstProblem(form) {
    var slot = form && form.isConnected && Array.prototype.filter.call(
      form.querySelectorAll(".kpa-field-error"), function (s) { return !s.hidden; })[0];
    var field = slot && document.getElementById(slot.id.replace(/-error$/, ""));
    if (field && field.focus) {
      var fold = field.closest("details");
      if (fold && !fold.open) { fold.open = true; }
      field.focus();
    }
  }
  function have() {
    return Object.keys(shown).map(function (id) { return id + ":" + shown[id]; }).join(",");
  }

  function say(where, text) {
    var status = where && (where.querySelector(".kpa-status") ||
                           (where.closest && where.closest("section") && where.closest("section").querySelector(".kpa-status")));
    if (status) {
      var p = document.createElement("p");
      p.className = "kpa-banner kpa-banner-error";
      p.setAttribute("role", "alert");
      p.textContent = text;
      status.textContent = "";
      status.appendChild(p);
    }
  }

  // ------------------------------------------------------------------ drafts
  // A draft's key: a text field or a select by its id; a box or a choice by « name=value » (it has no id).
  function draftKey(el) {
    if (el.type === "checkbox" || el.type === "radio") { return el.name ? el.name + "=" + el.value : ""; }
    return el.type === "hidden" ? "" : el.id;
  }
  function fieldsOf(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input, textarea, select"), function (el) { return draftKey(el); });
  }
  function keepDraft(el) {
    if (!el.form || !el.form.hasAttribute("data-kpa") || !draftKey(el)) { return; }
    var drafts = read(DRAFTS, {});
    if (el.type === "radio") {  // one choice of its group: the others are not chosen any more
      Array.prototype.forEach.call(el.form.querySelectorAll("input[type=radio]"), function (other) {
        if (other.name === el.name) { drafts[draftKey(other)] = other.checked; }
      });
    } else {
      drafts[draftKey(el)] = el.type === "checkbox" ? el.checked : el.value;
    }
    write(DRAFTS, drafts);
  }
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.type === "checkbox" || el.type === "radio") { return; }  // their « change » keeps them
    keepDraft(el);
    if (el.id) { count(el); }
  }, true);
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.tagName === "SELECT" || el.type === "checkbox" || el.type === "radio") { keepDraft(el); }
  }, true);
  function forgetDrafts(ids) {
    var drafts = read(DRAFTS, {});
    ids.forEach(function (id) { delete drafts[id]; });
    write(DRAFTS, drafts);
  }
  function putDraftsBack() {
    var drafts = read(DRAFTS, {});
    Array.prototype.forEach.call(document.querySelectorAll("form[data-kpa] input, form[data-kpa] textarea, form[data-kpa] select"),
      function (el) {
        var draft = drafts[draftKey(el)];
        if (typeof draft === "boolean" && (el.type === "checkbox" || el.type === "radio")) {
          el.checked = draft;
          var fold = draft && el.closest("details");
          if (fold) { fold.open = true; }  // a box ticked before the reload is seen ticked
        }
        else if (typeof draft === "string" && el.type !== "checkbox" && el.type !== "radio") { el.value = draft; }
      });
    countAll(document);
  }

  // ------------------------------------------------------------------ sends
  function outbox() { return read(OUTBOX, []).filter(function (item) { return Date.now() - item.time < KEEP_MS; }); }
  function drop(key) { write(OUTBOX, outbox().filter(function (item) { return item.key !== key; })); }

  function deliver(item, form) {
    busy += 1;
    return fetch(item.action, {
      method: "POST", body: item.body, credentials: "same-origin",
      headers: { "X-KPA-Phone": "1", "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) { throw new Error("no answer"); }
      return response.json();
    }).then(function (reply) {
      drop(item.key);  // answered: done (or refused, with the reason shown): never sent again
      if (reply.revision) { revision = reply.revision; }
      var where = form && form.isConnected ? form : document.getElementById(item.section);
      if (reply.ok) { forgetDrafts(item.fields || []); }
      draw(reply.sections);
      if (reply.message) { say(where || document.getElementById(item.section), reply.message); }
      if (!reply.ok && form) { focusFirstProblem(form); }
      return true;
    }).catch(function () {
      say(form && form.isConnected ? form : document.getElementById(item.section), offline);
      return false;
    }).finally(function () { busy -= 1; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-kpa")) { return; }
    event.preventDefault();
    var data = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    if (submitter && submitter.classList.contains("kpa-dot")) {
      // the dot as the person wants it, not a toggle: a send arriving twice changes nothing
      data.append("want", submitter.getAttribute("aria-pressed") === "true" ? "off" : "on");
    }
    var section = form.closest("section");
    var same = new URLSearchParams(data).toString();
    if (outbox().some(function (item) { return item.same === same; })) {
      say(form, offline);  // the same send already waits for the server: a second tap adds nothing
      return;
    }
    var key = newKey();
    data.append("send", key);
    var item = { key: key, same: same, action: form.getAttribute("action"), body: new URLSearchParams(data).toString(),
                 section: section ? section.id : "", time: Date.now(),
                 fields: fieldsOf(form).map(draftKey) };
    write(OUTBOX, outbox().concat([item]));
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    deliver(item, form).finally(function () {
      buttons.forEach(function (b) { if (b.isConnected) { b.disabled = false; } });
    });
  });

  // Sends no server answered yet, oldest first, one at a time.
  var flushing = false;
  function flush() {
    if (flushing || busy) { return; }
    var waiting = outbox();
    if (!waiting.length) { return; }
    flushing = true;
    deliver(waiting[0], null).then(function (answered) {
      flushing = false;
      if (answered) { flush(); }
    });
  }

  // Others' changes (ideas to put dots on, the group's numbers): ask every few seconds,
  // not while a send is on its way nor while the phone's screen is off. The server away
  // (restarting, Wi-Fi gone): keep asking, so the page is live again within seconds of it.
  function follow() {
    if (busy || document.hidden || !live) { return; }
    fetch(live + (live.indexOf("?") < 0 ? "?" : "&") + "revision=" + encodeURIComponent(revision) +
          "&have=" + encodeURIComponent(have()), { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      return response.status === 200 ? response.json() : null;
    }).then(function (news) {
      if (news && !busy) { revision = news.revision; draw(news.sections, news.hashes || {}); }
      flush();
    }).catch(function () { /* the next turn asks again */ });
  }
  var every = Number(window.KPA_PHONE_POLL_MS) > 0 ? Number(window.KPA_PHONE_POLL_MS) : 3000;
  window.setInterval(follow, every);
  window.addEventListener("online", follow);
  keepFolds(document);
  putDraftsBack();
  flush();
  window.kpaOutbox = outbox;  // for tests and the browser console
})();
