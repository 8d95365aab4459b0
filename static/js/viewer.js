// The item page's photo viewer: a click opens the web size at full screen; arrows (or the
// keyboard's ← →) go between the item's photos, Esc closes. Without script the link opens the
// picture in a new tab.
(function () {
  "use strict";
  var links = Array.from(document.querySelectorAll("a[data-viewer]"));
  if (!links.length || typeof HTMLDialogElement === "undefined") return;
  var english = document.documentElement.lang === "en";
  var dialog = document.createElement("dialog");
  dialog.className = "viewer";
  dialog.dataset.testid = "viewer";
  var picture = document.createElement("img");
  var bar = document.createElement("div");
  bar.className = "viewer-bar";
  function button(text, label, testid) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = "btn btn-outline-light btn-sm";
    el.textContent = text;
    el.setAttribute("aria-label", label);
    el.dataset.testid = testid;
    return el;
  }
  var previous = button("‹", english ? "Previous photo" : "上一张", "viewer-previous");
  var next = button("›", english ? "Next photo" : "下一张", "viewer-next");
  var close = button("✕", english ? "Close" : "关闭", "viewer-close");
  var caption = document.createElement("span");
  caption.className = "viewer-caption small";
  var position = document.createElement("span");
  position.className = "small text-white-50";
  position.dataset.testid = "viewer-position";
  bar.append(previous, next, caption, position, close);
  dialog.append(picture, bar);
  document.body.appendChild(dialog);
  var shown = 0;
  function show(index) {
    shown = (index + links.length) % links.length;
    picture.src = links[shown].dataset.viewer;
    picture.alt = links[shown].dataset.caption || "";
    caption.textContent = links[shown].dataset.caption || "";
    position.textContent = (shown + 1) + " / " + links.length;
  }
  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      show(index);
      dialog.showModal();
    });
  });
  previous.addEventListener("click", function () { show(shown - 1); });
  next.addEventListener("click", function () { show(shown + 1); });
  close.addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowLeft") { show(shown - 1); }
    if (event.key === "ArrowRight") { show(shown + 1); }
  });
})();
