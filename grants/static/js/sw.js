/* Service worker (served at /sw.js, scope /): the app shell from its cache; pages network-first, kept as the
   user opens them and shown from the phone when there is no connection (or the offline page); the pages kept
   are forgotten at sign-out (offline.js asks). Background Sync sends the queued forms (queue.js). */
"use strict";
importScripts("/static/js/queue.js");

var VERSION = "v1";
var SHELL = "grants-shell-" + VERSION;
var PAGES = "grants-pages";
var MAX_PAGES = 150;
var SHELL_URLS = ["/static/css/app.css", "/static/js/offline.js", "/static/js/queue.js",
                  "/static/icons/icon-192.png", "/static/icons/pdf.png", "/static/icons/file.png",
                  "/static/favicon.ico", "/manifest.webmanifest", "/offline", "/offline/pending"];
/* never kept: the API, the sign-in pages, the token, files that are downloaded rather than read */
var NEVER = /^\/(api\/|login|logout|offline\/token|sw\.js)|\.(xlsx|pdf)$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(SHELL_URLS.map(function (u) { return new Request(u, {credentials: "same-origin"}); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("grants-shell-") === 0 && k !== SHELL; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepPage(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(PAGES).then(function (cache) {
      return cache.put(request, copy).then(function () { return cache.keys(); }).then(function (keys) {
        // the phone's storage is small: keep the pages opened most recently
        return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (k) { return cache.delete(k); }));
      });
    }).catch(function () {});
  }
  return response;
}

function fromPhone(request) {
  return caches.match(request).then(function (hit) {  // a page opened, or a page of the shell
    return hit || caches.match(request, {cacheName: PAGES, ignoreSearch: true});
  }).then(function (hit) {
    return hit || caches.match("/offline", {cacheName: SHELL});
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (resp) { return keepPage(request, resp); },
                                          function () { return fromPhone(request); }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    // the shell: from the phone at once, refreshed in the background
    event.respondWith(caches.match(request, {cacheName: SHELL}).then(function (hit) {
      var fresh = fetch(request).then(function (resp) {
        if (resp.ok) { var copy = resp.clone(); caches.open(SHELL).then(function (c) { return c.put(request, copy); }); }
        return resp;
      });
      if (hit) { fresh.catch(function () {}); return hit; }
      return fresh;
    }));
    return;
  }
  if (/\/thumbnail$/.test(url.pathname)) {
    // thumbnails of the pages opened: kept with the pages (forgotten at sign-out)
    event.respondWith(fetch(request).then(function (resp) { return keepPage(request, resp); }, function () {
      return caches.match(request, {cacheName: PAGES}).then(function (hit) {
        return hit || new Response("", {status: 504});
      });
    }));
  }
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "forget-pages") {
    event.waitUntil(caches.delete(PAGES));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "grants-queue") {
    event.waitUntil(self.GrantsQueue.flush().then(function (r) {
      return self.clients.matchAll().then(function (list) {
        list.forEach(function (c) { c.postMessage({type: "queue-changed", sent: r.sent, refused: r.refused}); });
      });
    }));
  }
});
