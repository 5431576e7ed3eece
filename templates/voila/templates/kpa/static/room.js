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
