// Small behaviours of every page, kept out of the HTML so the Content-Security-Policy can
// forbid inline script: select a field's text on focus, tick every box of a list at once.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("click", function () {
      document.querySelectorAll(box.dataset.checkAll).forEach(function (other) {
        other.checked = box.checked;
      });
    });
  });
})();
