/* The shared incident filter form (templates/filters/_incident_filters.html): province swatches
   coloured through the CSSOM (style="" attributes are blocked by the CSP), and on a phone the panel
   starts closed so the map or chart comes first. Errors keep it open. */
(function () {
  "use strict";
  var HEX = /^#[0-9a-fA-F]{6}$/;
  var narrow = window.matchMedia && window.matchMedia("(max-width: 760px)").matches;
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-form] .chip-swatch"), function (swatch) {
    var color = swatch.getAttribute("data-color") || "";
    if (HEX.test(color)) swatch.style.backgroundColor = color;
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-panel]"), function (panel) {
    // A page may show its error box beside the panel (the lists do): a field marked invalid keeps it open too.
    if (narrow && !panel.querySelector(".error-box, [aria-invalid='true']")) panel.open = false;
  });
})();
