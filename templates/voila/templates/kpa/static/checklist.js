// Carnet KPA — checklist workshop, projector mode.
// - Left / right arrows click « Précédent » / « Suivant » unless the focus is where arrows type
//   (a text field, a drop-down, an editable area); a ticked checkbox or a clicked button does not
//   keep them from moving between steps.
// - The step scrolls inside a bounded area (.kpa-cl-stage) sized so that the toolbar, the step,
//   the notices and the navigation bar fit the window together: the navigation is always visible.
(function () {
  "use strict";
  var NOT_TYPING = { checkbox: true, radio: true, button: true, submit: true, reset: true, image: true };
  function typing(target) {
    if (!target || !target.tagName) { return false; }
    if (target.isContentEditable) { return true; }
    var tag = target.tagName.toLowerCase();
    if (tag === "input") { return !NOT_TYPING[(target.type || "text").toLowerCase()]; }
    return tag === "textarea" || tag === "select";
  }
  function visible(element) {
    return element && element.offsetParent !== null && !element.disabled;
  }
  function outerHeight(element) {
    if (!element || element.offsetParent === null) { return 0; }
    var style = window.getComputedStyle(element);
    return element.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
  }
  // The room the step may take: the window less what sits around it in the checklist.
  function fit(app) {
    var stage = app.querySelector(":scope > .kpa-cl-stage");
    if (!stage) { return; }
    var around = 0;
    Array.prototype.forEach.call(app.children, function (child) {
      if (child !== stage) { around += outerHeight(child); }
    });
    var room = Math.max(240, Math.floor(window.innerHeight - around - 12));
    var value = room + "px";
    if (app.style.getPropertyValue("--kpa-cl-room") !== value) { app.style.setProperty("--kpa-cl-room", value); }
  }
  function top(app, stageToo) {
    app.scrollIntoView({ block: "start" });
    var stage = stageToo && app.querySelector(":scope > .kpa-cl-stage");
    if (stage) { stage.scrollTop = 0; }
  }
  // After a step change the page keeps the checklist at the top of the window for a moment:
  // while the kernel swaps the step the page is shorter and the browser pulls the scroll back.
  var shownStep = typeof WeakMap === "function" ? new WeakMap() : null;
  function fitAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".kpa-cl.kpa-cl-projector"), function (app) {
      fit(app);
      if (!shownStep) { return; }
      var dot = app.querySelector(".kpa-cl-dot-current");
      var step = dot ? dot.textContent : "";
      var last = shownStep.get(app);
      var now = Date.now();
      if (!last || last.step !== step) {
        shownStep.set(app, { step: step, since: now });
        top(app, true);
      } else if (now - last.since < 2000 && Math.abs(app.getBoundingClientRect().top) > 1) {
        top(app, false);
      }
    });
  }
  var pending = false;
  function later() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fitAll(); });
  }
  window.addEventListener("resize", later);
  new MutationObserver(later).observe(document.documentElement, { childList: true, subtree: true, attributes: true,
                                                                   attributeFilter: ["class", "style"] });
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
})();
