// Carnet KPA — workshop room: the phone's own key.
// A random secret kept in this browser's localStorage (per server address) tells the
// participant page which entries are this phone's. The page only stores its SHA-256.
// It is handed to the kernel through the page's hidden text field (.kpa-room-key).
(function () {
  "use strict";
  var NAME = "kpa-room-key";
  var memory = null;  // when storage is refused (private mode): this visit only

  function newKey() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function key() {
    try {
      var stored = window.localStorage.getItem(NAME);
      if (stored && /^[A-Za-z0-9_-]{22,128}$/.test(stored)) { return stored; }
      var made = newKey();
      window.localStorage.setItem(NAME, made);
      return made;
    } catch (e) {
      memory = memory || newKey();
      return memory;
    }
  }
  function hand() {
    var input = document.querySelector(".kpa-room-key input");
    if (!input) { return false; }
    if (input.value) { return true; }
    input.value = key();
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }
  var tries = 0;
  var timer = window.setInterval(function () {
    tries += 1;
    if (hand() || tries > 1200) { window.clearInterval(timer); }  // at most 2 minutes
  }, 100);
})();

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
