// Copy buttons (credit line, API token, account link): put the text or the field's value on the
// clipboard, with a fallback for old browsers.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const source = document.querySelector(button.dataset.copy);
      const text = !source ? "" : ("value" in source ? source.value : source.textContent).trim();
      const done = function () {
        const original = button.textContent;
        button.textContent = button.dataset.done;
        setTimeout(function () { button.textContent = original; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        const area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
        done();
      }
    });
  });
})();
