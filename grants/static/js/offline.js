/* The phone without a connection (progressive enhancement: without this script every form posts as usual).

   - registers the service worker (/sw.js), which keeps the app shell and the pages this user opened;
   - forms marked data-offline (expense, contribution, indicator value) carry an idempotency key; submitted
     without a connection they are kept on the phone (queue.js) and sent when it returns (the online event,
     each page load, Background Sync where the browser has it); the badge shows how many wait;
   - photos chosen in any file input are made smaller before they travel (longest side 1600 px, JPEG 0.8);
   - signing out empties the pages kept on the phone, so that another user of the phone sees nothing;
   - the "Waiting to send" page lists the queue: send now, open to correct, discard. */
(function () {
  "use strict";
  var Q = window.GrantsQueue;
  var badge = document.getElementById("queue-badge");
  var stringsNode = document.getElementById("offline-strings");
  if (!Q || !badge || !stringsNode || !window.indexedDB || !window.fetch || !window.Promise) { return; }
  var S = JSON.parse(stringsNode.textContent);
  var PAGES = "grants-pages";
  var MAX_SIDE = 1600, QUALITY = 0.8;

  var who = badge.getAttribute("data-who");
  var user = badge.getAttribute("data-user") || "";
  try {
    if (who === "user") { localStorage.setItem("grants-user", user); }
    else if (who === "anonymous") { localStorage.removeItem("grants-user"); forgetPages(); }
    else { user = localStorage.getItem("grants-user") || ""; }
  } catch (e) { /* storage refused: the queue still works for this page */ }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  }

  function forgetPages() {
    var done = window.caches ? caches.delete(PAGES).catch(function () {}) : Promise.resolve();
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({type: "forget-pages"});
    }
    return done;
  }

  function say(text, cls) {
    var note = document.getElementById("offline-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "offline-note";
      note.setAttribute("role", "status");
      var main = document.querySelector("main") || document.body;
      main.insertBefore(note, main.firstChild);
    }
    note.className = "offline-note" + (cls ? " " + cls : "");
    note.textContent = text;
  }

  function mine(items) { return items.filter(function (i) { return user && i.user === user; }); }

  function refreshBadge() {
    return Q.all().then(function (items) {
      var n = mine(items).length;
      badge.textContent = S.waiting.replace("{n}", n);
      badge.hidden = n === 0;
      badge.setAttribute("data-count", String(n));
      if (document.getElementById("pending-list")) { drawPending(mine(items)); }
    }).catch(function () {});
  }

  function errorsOf(html) {
    var doc = new DOMParser().parseFromString(html, "text/html"), found = [];
    doc.querySelectorAll(".field.has-error").forEach(function (field) {
      var label = field.querySelector("label");
      field.querySelectorAll("p.error").forEach(function (p) {
        found.push((label ? label.textContent.trim() + ": " : "") + p.textContent.trim());
      });
    });
    doc.querySelectorAll("main .flash.error, main .violations li, main p.error").forEach(function (node) {
      if (!node.closest(".field")) { found.push(node.textContent.replace(/\s+/g, " ").trim()); }
    });
    if (!found.length) {
      var h1 = doc.querySelector("main h1");
      if (h1) { found.push(h1.textContent.trim()); }
    }
    return found.filter(function (t, i) { return t && found.indexOf(t) === i; });
  }

  function told(r) {
    if (r && r.sent) { say(S.sent.replace("{n}", r.sent), "sent"); }
    if (r && r.refused) { say(S.refused.replace("{n}", r.refused), "refused"); }
    return refreshBadge().then(function () { return r; });
  }

  function flush() {
    if (!navigator.onLine) { return Promise.resolve(null); }
    return Q.flush(errorsOf, user).then(told);
  }

  // photos -------------------------------------------------------------------------------------------------

  function smaller(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file, {imageOrientation: "from-image"}).then(function (bmp) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
      if (scale === 1 && file.size < 500 * 1024) { return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bmp.width * scale);
      canvas.height = Math.round(bmp.height * scale);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bmp, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); }).then(function (blob) {
        if (!blob || blob.size >= file.size) { return file; }
        return new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", {type: "image/jpeg", lastModified: Date.now()});
      });
    }).catch(function () { return file; });
  }

  var resizing = new WeakMap();

  function onFileChosen(input) {
    if (!input.files || !input.files.length || !window.DataTransfer) { return; }
    var work = Promise.all(Array.prototype.map.call(input.files, smaller)).then(function (files) {
      var dt = new DataTransfer();
      files.forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
      input.setAttribute("data-resized", files.map(function (f) { return f.size; }).join(","));
    }).catch(function () {});
    if (input.form) { resizing.set(input.form, work); }
    work.then(function () { if (input.form && resizing.get(input.form) === work) { resizing.delete(input.form); } });
  }

  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t && t.type === "file" && /image/.test(t.getAttribute("accept") || "image")) { onFileChosen(t); }
  });

  // forms --------------------------------------------------------------------------------------------------

  function ensureKey(form) {
    var field = form.querySelector("input[name=idempotency_key]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "idempotency_key";
      form.appendChild(field);
    }
    if (!field.value) { field.value = Q.newKey(); }
    return field.value;
  }

  function itemOf(form) {
    var fields = [], values = {};
    new FormData(form).forEach(function (value, name) {
      if (value instanceof File && !value.name && !value.size) { return; }
      fields.push([name, value]);
      if (!(value instanceof File)) { values[name] = value; }
      else { values[name] = S.photo; }
    });
    var summary = (form.getAttribute("data-summary") || "").split(" ").map(function (n) {
      var el = form.elements[n];
      if (el && el.tagName === "SELECT" && el.selectedIndex >= 0) { return el.options[el.selectedIndex].text; }
      return values[n] || "";
    }).filter(Boolean).join(" · ");
    return {user: user, kind: form.getAttribute("data-offline"), title: form.getAttribute("data-title") || "",
            summary: summary, action: form.action, fields: fields, key: ensureKey(form),
            created: new Date().toISOString(), state: "waiting", errors: []};
  }

  function keep(form) {
    var item = itemOf(form), id = form.getAttribute("data-queued-id");
    if (id) { item.id = Number(id); }
    return (id ? Q.put(item) : Q.add(item)).then(function () {
      if (navigator.serviceWorker && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (reg) {
          if (reg.sync) { return reg.sync.register("grants-queue"); }
        }).catch(function () {});
      }
      return item;
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.matches && form.matches("form[action$='/logout']")) {
      ev.preventDefault();
      try { localStorage.removeItem("grants-user"); } catch (e) { /* nothing kept */ }
      var go = function () { HTMLFormElement.prototype.submit.call(form); };
      Promise.race([forgetPages(), new Promise(function (r) { setTimeout(r, 1500); })]).then(go, go);
      return;
    }
    if (!form.hasAttribute || !form.hasAttribute("data-offline")) { return; }
    ensureKey(form);
    var pending = resizing.get(form), queued = form.hasAttribute("data-queued-id");
    if (navigator.onLine && !queued && !pending) { return; }  // the ordinary post, with its key
    ev.preventDefault();
    (pending || Promise.resolve()).then(function () {
      if (navigator.onLine && !queued) { HTMLFormElement.prototype.submit.call(form); return; }
      return keep(form).then(function () {
        if (queued) {
          return (navigator.onLine ? flush() : Promise.resolve()).then(function () { location.href = badge.href; });
        }
        form.reset();
        form.querySelector("input[name=idempotency_key]").value = Q.newKey();
        say(S.saved, "saved");
        return refreshBadge();
      });
    });
  });

  // correcting a queued item: its form page opened with ?queued=<id> ---------------------------------------

  function prefill() {
    var m = /[?&]queued=(\d+)/.exec(location.search);
    if (!m) { return Promise.resolve(); }
    return Q.get(Number(m[1])).then(function (item) {
      if (!item || item.user !== user) { return; }
      var form = document.querySelector("form[data-offline='" + item.kind + "']");
      if (!form) { return; }
      var files = {};
      item.fields.forEach(function (pair) {
        var name = pair[0], value = pair[1], el = form.elements[name];
        if (!el || name === "csrf_token") { return; }
        if (value instanceof Blob) { (files[name] = files[name] || []).push(value); return; }
        if (el.type === "file") { return; }
        el.value = value;
      });
      Object.keys(files).forEach(function (name) {
        var input = form.elements[name];
        if (!input || !window.DataTransfer) { return; }
        var dt = new DataTransfer();
        files[name].forEach(function (f) { dt.items.add(f instanceof File ? f : new File([f], "photo.jpg", {type: f.type})); });
        input.files = dt.files;
      });
      ensureKey(form);
      form.querySelector("input[name=idempotency_key]").value = item.key;
      form.setAttribute("data-queued-id", String(item.id));
      say(S.correcting, "correcting");
      (item.errors || []).forEach(function (text) {
        var p = document.createElement("p");
        p.className = "error";
        p.textContent = text;
        form.insertBefore(p, form.firstChild);
      });
      form.scrollIntoView();
    });
  }

  // the "Waiting to send" page -----------------------------------------------------------------------------

  function button(text, cls, onclick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn small " + (cls || "");
    b.textContent = text;
    b.addEventListener("click", onclick);
    return b;
  }

  function drawPending(items) {
    var list = document.getElementById("pending-list");
    list.textContent = "";
    if (!items.length) {
      var p = document.createElement("p");
      p.className = "muted";
      p.id = "pending-empty";
      p.textContent = S.empty;
      list.appendChild(p);
      return;
    }
    items.forEach(function (item) {
      var box = document.createElement("article");
      box.className = "queued-item " + item.state;
      box.id = "queued-" + item.id;
      box.setAttribute("data-state", item.state);
      var h = document.createElement("h2");
      h.textContent = item.title;
      box.appendChild(h);
      var p = document.createElement("p");
      p.textContent = item.summary;
      box.appendChild(p);
      var meta = document.createElement("p");
      meta.className = "muted small";
      meta.textContent = (item.state === "refused" ? S.state_refused : S.state_waiting) + " · " + S.saved_on + " " +
        new Date(item.created).toLocaleString(document.documentElement.lang || undefined);
      box.appendChild(meta);
      if (item.state === "refused") {
        var ul = document.createElement("ul");
        ul.className = "errors";
        var errs = item.errors && item.errors.length ? item.errors : [S.refused_status.replace("{n}", item.status)];
        errs.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; ul.appendChild(li); });
        box.appendChild(ul);
      }
      var actions = document.createElement("div");
      actions.className = "actions";
      actions.appendChild(button(S.send_now, "primary", function () {
        item.state = "waiting";
        item.errors = [];
        Q.put(item).then(flush);
      }));
      var open = document.createElement("a");
      open.className = "btn small";
      open.href = item.action + (item.action.indexOf("?") < 0 ? "?" : "&") + "queued=" + item.id;
      open.textContent = S.correct;
      open.id = "correct-" + item.id;
      actions.appendChild(open);
      actions.appendChild(button(S.discard, "danger", function () {
        if (window.confirm(S.discard_confirm)) { Q.remove(item.id).then(refreshBadge); }
      }));
      box.appendChild(actions);
      list.appendChild(box);
    });
  }

  window.addEventListener("online", flush);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (ev) {
      if (ev.data && ev.data.type === "queue-changed") { told(ev.data); }
    });
  }
  document.querySelectorAll("form[data-offline]").forEach(ensureKey);
  prefill().then(refreshBadge).then(function () { if (user) { return flush(); } });
})();
