// Carnet KPA — checklist workshop: keyboard arrows move between steps in projector mode.
// Left / right arrows click « Précédent » / « Suivant » unless the focus is in a field
// (where arrows move the cursor); after a step change the page scrolls back to the top.
(function () {
  "use strict";
  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  function visible(element) {
    return element && element.offsetParent !== null && !element.disabled;
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || typing(event.target)) { return; }
    var selector = event.key === "ArrowRight" ? ".kpa-cl-next" : event.key === "ArrowLeft" ? ".kpa-cl-prev" : null;
    if (!selector) { return; }
    var button = document.querySelector(selector);
    if (visible(button)) {
      event.preventDefault();
      button.click();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest(".kpa-cl-next, .kpa-cl-prev") : null;
    if (target) {
      var app = document.querySelector(".kpa-cl");
      window.setTimeout(function () {
        if (app) { app.scrollIntoView({ block: "start" }); } else { window.scrollTo(0, 0); }
      }, 50);
    }
  }, true);
})();
