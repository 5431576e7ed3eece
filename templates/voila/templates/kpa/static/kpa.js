// Carnet KPA: tell the visitor to reload when their kernel is gone (culled, crashed,
// server stopped) instead of leaving a page that silently ignores clicks.
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
  var lang = (new URLSearchParams(window.location.search).get("lang") || "fr").slice(0, 2);
  function showLost() {
    if (!banner || !banner.hidden) { return; }
    banner.querySelectorAll("p").forEach(function (p) { p.hidden = p.lang !== (lang === "en" ? "en" : "fr"); });
    banner.hidden = false;
  }
  function check() {
    fetch(baseUrl + "api/kernels/" + encodeURIComponent(kernelId), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { if (response.status === 404) { showLost(); } })
      .catch(function () { showLost(); });
  }
  window.setInterval(check, 15000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { check(); } });
})();
