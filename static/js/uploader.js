// Drag-and-drop uploads with one progress bar per file. Each file is sent as the raw request
// body (constant memory on the server), its original name in the X-File-Name header.
(function () {
  "use strict";
  const zone = document.querySelector("[data-upload-url]");
  if (!zone) return;
  const input = zone.querySelector("input[type=file]");
  const list = document.getElementById("upload-list");
  const files = document.getElementById("file-list");
  const text = {
    done: document.documentElement.lang === "en" ? "Uploaded" : "已上传",
    failed: document.documentElement.lang === "en" ? "Failed" : "上传失败",
    same: document.documentElement.lang === "en" ? "Same file as item " : "与以下素材的文件相同：",
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

  function card(info) {
    const col = document.createElement("div");
    col.className = "col";
    col.dataset.fileId = info.id;
    col.dataset.testid = "file-card";
    const box = document.createElement("div");
    box.className = "card h-100";
    if (info.thumb_url) {
      const img = document.createElement("img");
      img.className = "thumb card-img-top";
      img.src = info.thumb_url;
      img.alt = info.original_name;
      box.appendChild(img);
    }
    const body = document.createElement("div");
    body.className = "card-body p-2 small";
    const name = document.createElement("div");
    name.className = "text-truncate";
    name.dataset.testid = "file-name";
    name.textContent = info.original_name;
    body.appendChild(name);
    (info.duplicates || []).forEach(function (dup) {
      const flag = document.createElement(dup.url ? "a" : "div");
      flag.className = "text-warning d-block";
      flag.dataset.testid = "duplicate-flag";
      flag.textContent = text.same + (dup.title || "#" + dup.item_id);
      if (dup.url) flag.href = dup.url;
      body.appendChild(flag);
    });
    box.appendChild(body);
    col.appendChild(box);
    files.appendChild(col);
  }

  function send(file) {
    const ui = row(file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", zone.dataset.uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", zone.dataset.csrf);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        const pct = Math.round((event.loaded / event.total) * 100);
        ui.fill.style.width = pct + "%";
        ui.fill.textContent = pct + "%";
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
      } else {
        ui.fill.classList.add("bg-danger");
        ui.note.className = "text-danger";
        ui.note.textContent = text.failed + "：" + ((body.error && body.error.message) || xhr.status);
        ui.el.dataset.state = "failed";
      }
    };
    xhr.onerror = function () {
      ui.fill.classList.add("bg-danger");
      ui.note.textContent = text.failed;
      ui.el.dataset.state = "failed";
    };
    xhr.send(file);
  }

  function sendAll(fileList) {
    Array.prototype.forEach.call(fileList, send);
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
