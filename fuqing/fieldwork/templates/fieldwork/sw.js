{% load static %}// fuqing — service worker (PLT-6): the form pages and their static files work without a network.
// Workbox is vendored (static/vendor/workbox-7.4.1); no CDN. Pages go to the network first and fall back
// to the copy kept when last online; static files are served from the cache and refreshed behind.
// The outbox itself lives in the pages (static/fuqing/outbox.js): this worker stores no form data.
importScripts("{% static 'vendor/workbox-7.4.1/workbox-sw.js' %}");
workbox.setConfig({ debug: false, modulePathPrefix: "{% static 'vendor/workbox-7.4.1/' %}" });

var PAGES = "fq-pages-v1";
var ASSETS = "fq-assets-v1";
var STATIC = "{% get_static_prefix %}";
var OFFLINE_PAGES = /^\/(fieldwork\/visits\/add|fieldwork\/questionnaires\/\d+\/fill|assistance\/needs\/add)\/$/;

self.skipWaiting();
workbox.core.clientsClaim();

workbox.routing.registerRoute(
  function (options) { return options.url.origin === self.location.origin && options.url.pathname.indexOf(STATIC) === 0; },
  new workbox.strategies.StaleWhileRevalidate({
    cacheName: ASSETS,
    plugins: [new workbox.cacheableResponse.CacheableResponsePlugin({ statuses: [200] })]
  })
);

workbox.routing.registerRoute(
  function (options) {
    return options.request.mode === "navigate" && options.url.origin === self.location.origin &&
      OFFLINE_PAGES.test(options.url.pathname);
  },
  new workbox.strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: 5,
    plugins: [
      new workbox.cacheableResponse.CacheableResponsePlugin({ statuses: [200] }),
      { cacheKeyWillBeUsed: function (options) { var u = new URL(options.request.url); return u.origin + u.pathname; } }
    ]
  })
);
