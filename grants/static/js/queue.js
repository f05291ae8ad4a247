/* The phone's queue of forms recorded without a connection (IndexedDB), and how they are sent.
   Used by the pages (offline.js) and by the service worker (sw.js, Background Sync); no DOM here.

   An item: {id, user, kind, title, summary, action, fields: [[name, string or File]], key, created,
   state: "waiting" | "refused", status, errors: [text]}. Each carries its idempotency key (the form field
   idempotency_key): the server records a send repeated after a dropped connection once. */
(function (root) {
  "use strict";
  var DB = "grants-offline", STORE = "queue";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = root.indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, {keyPath: "id", autoIncrement: true}); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), result;
        var req = fn(t.objectStore(STORE));
        if (req) { req.onsuccess = function () { result = req.result; }; }
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }

  function newKey() {
    if (root.crypto && root.crypto.randomUUID) { return "k-" + root.crypto.randomUUID(); }
    var bytes = new Uint8Array(16), out = "k-";
    root.crypto.getRandomValues(bytes);
    for (var i = 0; i < bytes.length; i++) { out += ("0" + bytes[i].toString(16)).slice(-2); }
    return out;
  }

  /* Error texts of a refused form page, without a DOM (the service worker): the .error, .flash.error and
     .violations items of the answer. The pages pass a DOMParser-based one instead. */
  function textErrors(html) {
    var found = [], re = /<(p|li)[^>]*class="[^"]*\b(error|flash error)\b[^"]*"[^>]*>([\s\S]*?)<\/\1>|<li>(<code>[\s\S]*?)<\/li>/g, m;
    while ((m = re.exec(html)) && found.length < 20) {
      var text = (m[3] || m[4] || "").replace(/<[^>]+>/g, " ").replace(/&#3[49];|&quot;/g, "\"")
        .replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/\s+/g, " ").trim();
      if (text && found.indexOf(text) < 0) { found.push(text); }
    }
    return found;
  }

  function samePath(a, b) {
    return new URL(a, root.location.href).pathname === new URL(b, root.location.href).pathname;
  }

  /* Send one item with a fresh CSRF token. Resolves "sent", "refused" or "later" (no connection, the
     server busy, or the same key still being processed). */
  function send(item, csrf, extract) {
    var body = new FormData();
    item.fields.forEach(function (pair) {
      if (pair[0] === "csrf_token") { return; }
      if (pair[1] instanceof Blob) { body.append(pair[0], pair[1], pair[1].name || "photo.jpg"); }
      else { body.append(pair[0], pair[1]); }
    });
    body.append("csrf_token", csrf);
    return fetch(item.action, {method: "POST", body: body, credentials: "same-origin", redirect: "follow"})
      .then(function (resp) {
        // recorded (or recorded before: the repeat answers as the first did) -> redirected to the form's page
        if (resp.ok && resp.redirected && samePath(resp.url, item.action)) { return api.remove(item.id).then(function () { return "sent"; }); }
        if (resp.status >= 400 && resp.status < 500 && resp.status !== 401 && resp.status !== 408 && resp.status !== 429) {
          return resp.text().then(function (html) {
            if (resp.status === 409 && html.indexOf("idempotency_in_progress") >= 0) { return "later"; }
            item.state = "refused";
            item.status = resp.status;
            item.errors = (extract || textErrors)(html);
            return api.put(item).then(function () { return "refused"; });
          });
        }
        return "later";
      }, function () { return "later"; });
  }

  var flushing = null;

  /* Send every waiting item of the signed-in user (asked of the server, with a fresh CSRF token).
     Resolves {sent, refused, user}; does nothing when offline or signed out. ``user``, when the page knows
     it: nothing of that user waiting, no request at all. */
  function flush(extract, user) {
    if (flushing) { return flushing; }
    var result = {sent: 0, refused: 0, user: null};
    var waiting = user ? api.all().then(function (items) {
      return items.some(function (i) { return i.user === user && i.state === "waiting"; });
    }) : Promise.resolve(true);
    flushing = waiting.then(function (any) {
      if (!any) { return {ok: false}; }
      return fetch("/offline/token", {credentials: "same-origin", cache: "no-store", headers: {Accept: "application/json"}});
    })
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (who) {
        if (!who) { return result; }
        result.user = who.user;
        return api.all().then(function (items) {
          var mine = items.filter(function (i) { return i.user === who.user && i.state === "waiting"; });
          return mine.reduce(function (chain, item) {
            return chain.then(function () {
              return send(item, who.csrf_token, extract).then(function (outcome) {
                if (outcome === "sent") { result.sent += 1; }
                if (outcome === "refused") { result.refused += 1; }
              });
            });
          }, Promise.resolve()).then(function () { return result; });
        });
      })
      .catch(function () { return result; })
      .then(function (r) { flushing = null; return r; });
    return flushing;
  }

  var api = {
    add: function (item) { return run("readwrite", function (s) { return s.add(item); }); },
    put: function (item) { return run("readwrite", function (s) { return s.put(item); }); },
    get: function (id) { return run("readonly", function (s) { return s.get(id); }); },
    remove: function (id) { return run("readwrite", function (s) { return s.delete(id); }); },
    all: function () { return run("readonly", function (s) { return s.getAll(); }); },
    newKey: newKey,
    textErrors: textErrors,
    send: send,
    flush: flush
  };
  root.GrantsQueue = api;
})(self);
