// Small behaviours of every page, kept out of the HTML so the Content-Security-Policy can
// forbid inline script: select a field's text on focus, tick every box of a list at once,
// bring the first error into view, count characters against a field's limit, and warn before
// leaving a form with unsaved edits.
(function () {
  "use strict";
  var english = document.documentElement.lang === "en";
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


  // Character counters: the limit is shown, never enforced by cutting what was pasted.
  function counter(field) {
    var limit = parseInt(field.dataset.maxLength, 10);
    var note = document.createElement("div");
    note.className = "form-text text-end";
    note.setAttribute("aria-live", "polite");
    note.dataset.testid = "counter-" + field.name;
    field.insertAdjacentElement("afterend", note);
    function update() {
      var length = Array.from(field.value).length;
      var over = length > limit;
      note.textContent = length.toLocaleString() + " / " + limit.toLocaleString() +
        (over ? (english ? " — too long by " : " —— 超出 ") + (length - limit).toLocaleString() +
          (english ? "" : " 字") : "");
      note.classList.toggle("text-danger", over);
      // Marked while over the limit; a mark the server put there (another error) stays.
      if (over) {
        if (!field.classList.contains("is-invalid")) { field.dataset.overLimit = "1"; }
        field.classList.add("is-invalid");
      } else if (field.dataset.overLimit) {
        delete field.dataset.overLimit;
        field.classList.remove("is-invalid");
      }
      return over;
    }
    field.addEventListener("input", update);
    update();
    field.overLimit = update;
  }
  document.querySelectorAll("[data-max-length]").forEach(counter);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var over = Array.from(form.querySelectorAll("[data-max-length]")).find(function (field) {
      return field.overLimit && field.overLimit();
    });
    if (over) {
      event.preventDefault();
      event.stopImmediatePropagation();
      over.scrollIntoView({ block: "center" });
      over.focus({ preventScroll: true });
    }
  }, true);

  // A form that destroys something asks first (data-confirm holds the question).
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });

  // Leaving a page with unsaved edits asks first; saving the form itself does not.
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function (event) {
      if (!event.defaultPrevented) { dirty = false; }
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });

  // A page that comes back with an error shows it: the first invalid field (or the form's
  // message) is focused and scrolled to the middle of the screen, again once pictures above it
  // have loaded and moved it.
  var invalid = document.querySelector(".is-invalid, [data-testid=form-errors]");
  if (invalid) {
    var show = function () { invalid.scrollIntoView({ block: "center", behavior: "instant" }); };
    invalid.focus({ preventScroll: true });
    show();
    window.addEventListener("load", function () {
      if (document.activeElement === invalid) { show(); }
    });
  }
})();
