// Drag-and-drop uploads with one progress bar per file. Each file is sent as the raw request
// body (constant memory on the server), its original name in the X-File-Name header.
(function () {
  "use strict";
  const zone = document.querySelector("[data-upload-url]");
  if (!zone) return;
  const input = zone.querySelector("input[type=file]");
  const list = document.getElementById("upload-list");
  const files = document.getElementById("file-list");
  let batchNumber = parseInt(zone.dataset.batchStart || "0", 10);
  const text = {
    done: document.documentElement.lang === "en" ? "Uploaded" : "已上传",
    failed: document.documentElement.lang === "en" ? "Failed" : "上传失败",
    saved: document.documentElement.lang === "en" ? "Saved" : "已保存",
  };

  function row(file) {
    const el = document.createElement("div");
    el.className = "mb-2 small";
    el.dataset.testid = "upload-row";
    const name = document.createElement("div");
    name.className = "text-truncate";
    name.textContent = file.name;
    const bar = document.createElement("div");
    bar.className = "progress";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-valuenow", "0");
    bar.setAttribute("aria-label", file.name);
    const fill = document.createElement("div");
    fill.className = "progress-bar";
    fill.style.width = "0%";
    bar.appendChild(fill);
    const note = document.createElement("div");
    note.className = "text-muted";
    el.append(name, bar, note);
    list.appendChild(el);
    return { el, fill, note, bar };
  }

  // The server renders the card (thumbnail, caption box, remove button) like the page does.
  function card(info) {
    if (!info.card_html) return;
    const holder = document.createElement("div");
    holder.innerHTML = info.card_html;
    if (holder.firstElementChild) files.appendChild(holder.firstElementChild);
  }

  // Saving a caption or removing a file happens in place: the item form above keeps whatever
  // was typed into it and the page does not jump (without script the forms post as usual).
  files.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-file-action]");
    if (!form || event.defaultPrevented) return;
    event.preventDefault();
    const note = form.querySelector("[data-file-note]");
    const button = form.querySelector("button[type=submit]");
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.setRequestHeader("Accept", "application/json");
    if (button) button.disabled = true;
    request.onloadend = function () {
      if (button) button.disabled = false;
      let body = {};
      try { body = JSON.parse(request.responseText || "{}"); } catch (e) { body = {}; }
      if (request.status >= 200 && request.status < 300) {
        if (form.dataset.fileAction === "remove") {
          const holder = form.closest("[data-file-id]");
          if (holder) holder.remove();
          missing(body.missing);
        } else if (note) {
          note.className = "small ms-1 text-success";
          note.textContent = text.saved;
        }
      } else if (note || form.dataset.fileAction === "remove") {
        const message = (body.error && body.error.message) || String(request.status || "");
        if (note) {
          note.className = "small ms-1 text-danger";
          note.textContent = message;
        } else {
          window.alert(message);
        }
      }
    };
    request.send(new FormData(form));
  });

  // Keep "still needed before submitting" in step with what was just uploaded.
  function missing(text) {
    const hint = document.querySelector("[data-testid=missing]");
    if (!hint || text === undefined) return;
    hint.hidden = !text;
    hint.textContent = text || "";
  }

  function fail(ui, message) {
    ui.fill.classList.add("bg-danger");
    ui.fill.textContent = "✕";
    ui.bar.setAttribute("aria-valuenow", "0");
    ui.note.className = "text-danger";
    ui.note.textContent = text.failed + (message ? "：" + message : "");
    ui.el.dataset.state = "failed";
  }

  function send(file, ui, done) {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", zone.dataset.uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", zone.dataset.csrf);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    if (zone.dataset.batchToken) {
      // A batch upload: every photo becomes its own item with the batch's metadata.
      batchNumber += 1;
      xhr.setRequestHeader("X-Batch-Token", zone.dataset.batchToken);
      xhr.setRequestHeader("X-Batch-Number", String(batchNumber));
    }
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        const pct = Math.round((event.loaded / event.total) * 100);
        ui.fill.style.width = pct + "%";
        ui.fill.textContent = pct + "%";
        ui.bar.setAttribute("aria-valuenow", String(pct));
      }
    };
    xhr.onload = function () {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status === 201) {
        ui.fill.style.width = "100%";
        ui.fill.classList.add("bg-success");
        ui.note.textContent = text.done;
        ui.el.dataset.state = "done";
        card(body);
        missing(body.missing);
      } else {
        fail(ui, (body.error && body.error.message) || String(xhr.status));
      }
      done();
    };
    xhr.onerror = function () { fail(ui, ""); done(); };
    xhr.send(file);
  }

  // One file at a time: on a slow connection each finishes sooner, and the order is kept.
  const queue = [];
  let busy = false;
  function next() {
    if (busy || !queue.length) return;
    busy = true;
    const item = queue.shift();
    send(item.file, item.ui, function () { busy = false; next(); });
  }
  function sendAll(fileList) {
    Array.prototype.forEach.call(fileList, function (file) {
      queue.push({ file: file, ui: row(file) });
    });
    next();
  }

  input.addEventListener("change", function () { sendAll(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add("border-primary", "bg-light");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.remove("border-primary", "bg-light");
    });
  });
  zone.addEventListener("drop", function (event) { sendAll(event.dataTransfer.files); });
})();
