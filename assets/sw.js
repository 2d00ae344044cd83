/* Espace Assistance — service worker.
 *
 * Keeps ONLY static build files (Reflex's hashed /assets/*.js and *.css, the icons) and the offline
 * page /hors-ligne.html. Never a page, never /_event, /_upload or a download: no personal data stays
 * on the phone. Pages always come from the network; without network, the offline page is shown.
 *
 * Change VERSION whenever this file, the offline page or the icons change: the new worker fills a new
 * cache and deletes the old ones when it activates.
 */
"use strict";

const VERSION = "v2";
const STATIC_CACHE = "ea-static-" + VERSION;
const OFFLINE_URL = "/hors-ligne.html";
const PRECACHE = [
  OFFLINE_URL,
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/apple-touch-icon.png",
];
// Hashed build files are immutable; keep at most this many (old builds' files go first).
const MAX_BUILD_FILES = 80;
// Paths that are never cached, whatever they answer (checked before anything else).
const NEVER = [/^\/_event/, /^\/_upload/, /^\/telechargement/, /^\/mon-espace/, /^\/conseiller/];
const BUILD_FILE = /^\/assets\/[^/]+\.(?:js|mjs|css|woff2?)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name !== STATIC_CACHE).map((name) => caches.delete(name)));
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable();
      }
      await self.clients.claim();
    })(),
  );
});

function isNever(url) {
  return NEVER.some((pattern) => pattern.test(url.pathname));
}

function isStatic(url) {
  return url.search === "" && (BUILD_FILE.test(url.pathname) || PRECACHE.includes(url.pathname));
}

async function trim(cache) {
  const keys = await cache.keys();
  const builds = keys.filter((request) => !PRECACHE.includes(new URL(request.url).pathname));
  await Promise.all(builds.slice(0, Math.max(0, builds.length - MAX_BUILD_FILES)).map((r) => cache.delete(r)));
}

async function staticFile(event) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(event.request);
  if (cached) {
    return cached;
  }
  const response = await fetch(event.request);
  const cacheControl = response.headers.get("Cache-Control") || "";
  if (response.status === 200 && response.type === "basic" && !/no-store|private/i.test(cacheControl)) {
    event.waitUntil(cache.put(event.request, response.clone()).then(() => trim(cache)));
  }
  return response;
}

async function page(event) {
  try {
    const preloaded = await event.preloadResponse;
    return preloaded || (await fetch(event.request));
  } catch (error) {
    const offline = await caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE });
    return offline || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return; // the network, untouched
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event)); // network only; the offline page when there is no network
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isNever(url) || !isStatic(url)) {
    return; // the network, untouched, nothing kept
  }
  event.respondWith(staticFile(event));
});
