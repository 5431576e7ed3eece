// Carnet KPA — a choice of the facilitator's that the projected window follows (window.kpaSharedChoice),
// and the first of them: « Contraste élevé », the projector's high-contrast theme (the palette's
// HIGH_CONTRAST colours, kpawidgets/charts/palette.py, in palette.css under html.kpa-high-contrast, and
// kpa.css's plainer lines).
// A shared choice is set by its buttons or by its address parameter, kept by the browser (localStorage)
// for the next page, and followed at once by the browser's other windows — the projected window the
// presenter view opened (the storage event). Its buttons say the choice in aria-pressed, also those
// the page's widgets draw after this script.
(function () {
  "use strict";
  window.kpaSharedChoice = function (spec) {
    // spec: key (localStorage), param (address parameter), values (those allowed), fallback (the default),
    // buttons (their selector), next(current, button) (the choice a click makes), apply(value)
    var value = spec.fallback;
    function allowed(v) { return spec.values.indexOf(v) >= 0; }
    function store(v) {
      try { window.localStorage.setItem(spec.key, v); } catch (e) { /* a private window: this page only */ }
    }
    function show() {
      spec.apply(value);
      var buttons = document.querySelectorAll(spec.buttons);
      for (var i = 0; i < buttons.length; i++) {
        var pressed = String(spec.pressed(value, buttons[i]));
        if (buttons[i].getAttribute("aria-pressed") !== pressed) { buttons[i].setAttribute("aria-pressed", pressed); }
      }
    }
    var asked = null;
    try { asked = new URL(window.location.href).searchParams.get(spec.param); } catch (e) { asked = null; }
    if (allowed(asked)) {
      store(asked);
    } else {
      try { asked = window.localStorage.getItem(spec.key); } catch (e) { asked = null; }
    }
    if (allowed(asked)) { value = asked; }
    show();
    document.addEventListener("click", function (event) {
      var target = event.target;
      var button = target && target.closest ? target.closest(spec.buttons) : null;
      if (!button) { return; }
      var chosen = spec.next(value, button);
      if (!allowed(chosen)) { return; }
      value = chosen;
      store(value);
      show();
    });
    window.addEventListener("storage", function (event) {
      if (event.key === spec.key && allowed(event.newValue)) { value = event.newValue; show(); }
    });
    // the page's widgets are drawn after this script: what they draw later says the choice too
    new MutationObserver(show).observe(document.documentElement, { childList: true, subtree: true });
  };

  // « Contraste élevé »: one button that turns it on and off; ?contraste=eleve|normal
  window.kpaSharedChoice({
    key: "kpa-contraste", param: "contraste", values: ["eleve", "normal"], fallback: "normal",
    buttons: ".kpa-contrast-toggle",
    next: function (current) { return current === "eleve" ? "normal" : "eleve"; },
    pressed: function (current) { return current === "eleve"; },
    apply: function (current) { document.documentElement.classList.toggle("kpa-high-contrast", current === "eleve"); }
  });
})();
