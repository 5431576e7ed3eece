// Carnet KPA — « Contraste élevé », the projector's high-contrast theme: the palette's HIGH_CONTRAST colours
// (kpawidgets/charts/palette.py, in palette.css under html.kpa-high-contrast) and kpa.css's plainer lines.
// On with the page's « Contraste élevé » button, with ?contraste=eleve (off: ?contraste=normal), and kept by
// the browser (localStorage) for the next page and the projected window, which follows the button at once.
(function () {
  "use strict";
  var KEY = "kpa-contraste";
  var CLASS = "kpa-high-contrast";
  var high = false;
  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(value) {
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* a private window: this page only */ }
  }
  function apply() {
    document.documentElement.classList.toggle(CLASS, high);
    var pressed = high ? "true" : "false";
    var buttons = document.querySelectorAll(".kpa-contrast-toggle");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("aria-pressed") !== pressed) { buttons[i].setAttribute("aria-pressed", pressed); }
    }
  }
  var asked = null;
  try { asked = new URL(window.location.href).searchParams.get("contraste"); } catch (e) { asked = null; }
  if (asked === "eleve" || asked === "normal") { store(asked); } else { asked = stored(); }
  high = asked === "eleve";
  apply();
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest(".kpa-contrast-toggle") : null;
    if (!button) { return; }
    high = !high;
    store(high ? "eleve" : "normal");
    apply();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) { high = event.newValue === "eleve"; apply(); }
  });
  // The page's widgets are drawn after this script: a button drawn later says the theme's state too.
  new MutationObserver(apply).observe(document.documentElement, { childList: true, subtree: true });
})();
