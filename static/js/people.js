// The people picker of the item forms: type a name, choose a record (or propose a new one);
// each chosen record is a hidden input carrying its id. Built with DOM nodes, never HTML.
(function () {
  "use strict";
  function chip(picker, person) {
    var name = picker.dataset.field;
    if (picker.querySelector('input[type=hidden][value="' + person.id + '"]')) return;
    var badge = document.createElement("span");
    badge.className = "badge text-bg-primary d-inline-flex align-items-center gap-1";
    badge.dataset.chip = "";
    badge.appendChild(document.createTextNode(person.name + (person.detail ? " · " + person.detail : "")));
    var input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = person.id;
    badge.appendChild(input);
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "btn-close btn-close-white btn-sm";
    remove.setAttribute("aria-label", picker.dataset.removeLabel || "×");
    remove.dataset.remove = "";
    badge.appendChild(remove);
    picker.querySelector("[data-chips]").appendChild(badge);
  }
  function option(list, text, action) {
    var button = document.createElement("button");
    button.type = "button"; button.className = "list-group-item list-group-item-action small";
    button.textContent = text;
    button.addEventListener("click", action);
    list.appendChild(button);
  }
  function setUp(picker) {
    var search = picker.querySelector("[data-search]");
    var list = picker.querySelector("[data-suggestions]");
    var timer = null;
    picker.addEventListener("click", function (event) {
      if (event.target.matches("[data-remove]")) event.target.closest("[data-chip]").remove();
    });
    function close() { list.replaceChildren(); }
    function show(found, text) {
      close();
      found.forEach(function (person) {
        var label = person.name + (person.detail ? "（" + person.detail + "）" : "");
        option(list, label, function () { chip(picker, person); search.value = ""; close(); });
      });
      if (picker.dataset.proposeUrl && text.length >= 2) {
        option(list, (picker.dataset.proposeLabel || "+ ") + text, function () {
          var detail = window.prompt(picker.dataset.affiliationPrompt || "", "") || "";
          var body = new FormData();
          body.append("name", text); body.append("title", detail);
          body.append("csrf_token", picker.dataset.csrf);
          fetch(picker.dataset.proposeUrl, {method: "POST", body: body, credentials: "same-origin",
                                            headers: {"Accept": "application/json"}})
            .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
            .then(function (answer) {
              if (answer.ok) { chip(picker, answer.data); search.value = ""; close(); return; }
              var note = document.createElement("div");
              note.className = "invalid-feedback d-block";
              note.textContent = (answer.data.error && answer.data.error.message) || "";
              list.replaceChildren(note);
            });
        });
      }
    }
    search.addEventListener("input", function () {
      clearTimeout(timer);
      var text = search.value.trim();
      if (!text) { close(); return; }
      timer = setTimeout(function () {
        fetch(picker.dataset.suggestUrl + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (found) { if (search.value.trim() === text) show(found, text); });
      }, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); var first = list.querySelector("button"); if (first) first.click(); }
    });
  }
  document.querySelectorAll("[data-person-picker]").forEach(setUp);
})();
