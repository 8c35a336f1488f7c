/* The study guide's service worker (scripts/studyguide/offline.py puts GUIDE above this line).

   - Pages: network first, so a reader online always gets the published page; each page a
     reader opens is kept, and served from the cache when the network fails. A page that is not
     kept is answered offline with the offline page (503.html).
   - The theme's assets, the offline page and the web app manifest are kept from installation.
   - "Save the guide" (a message from assets/javascripts/offline.js) keeps every file in
     GUIDE.files; "Remove" deletes what is kept.
   - Only GET requests for the guide's own files (GUIDE.files, under this worker's scope) are
     ever kept; requests to other hosts are not touched.
   - One cache per deployment, named by GUIDE.version. A new worker fills its cache with what
     the reader had (unchanged files are copied, changed ones fetched), deletes the old cache
     and tells each open page whose content changed, once.
*/
"use strict";

const SCOPE = self.registration.scope;                 // the site's root, e.g. https://host/sub/
const PREFIX = `study-guide ${new URL(SCOPE).pathname} `; // other sites on the host keep theirs
const CACHE = PREFIX + GUIDE.version;
const OFFLINE = "503.html";
const CORE = new Set(["theme", "app", "offline"]);
const KEPT_WHEN_OPENED = new Set(["page", "redirect", "theme", "app", "offline"]);
const PARALLEL = 4;

const FILES = new Map(GUIDE.files.map(([url, kind, sha, title]) => [url, { url, kind, sha, title }]));
const href = (url) => new URL(url, SCOPE).href;

/** The guide's address (relative to the scope) for a request, or null if it is not the guide's. */
function guideUrl(requestUrl) {
  const url = new URL(requestUrl);
  if (url.origin !== self.location.origin || !url.href.startsWith(SCOPE)) return null;
  let rel;
  try {
    rel = decodeURI(url.pathname.slice(new URL(SCOPE).pathname.length));
  } catch (error) {
    return null;
  }
  if (rel === "index.html" || rel.endsWith("/index.html")) rel = rel.slice(0, -"index.html".length);
  return FILES.has(rel) ? rel : null;
}

async function sha(response) {
  const digest = await crypto.subtle.digest("SHA-256", await response.clone().arrayBuffer());
  return [...new Uint8Array(digest)].slice(0, 8).map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function oldCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
}

/** Fetch one file of this deployment and keep it; false if the server did not give it. */
async function keep(cache, url, signal, mode = "no-cache") {
  const response = await fetch(href(url), { cache: mode, credentials: "omit", signal });
  if (!response.ok || response.redirected || response.type !== "basic") return false;
  await cache.put(href(url), response);
  return true;
}

async function keepCore(cache) {
  const core = [...FILES.values()].filter((file) => CORE.has(file.kind));
  const kept = await Promise.all(core.map(async (file) =>
    (await cache.match(href(file.url))) ? true : keep(cache, file.url)));
  if (kept.includes(false)) throw new Error("the guide's theme files could not be fetched");
}

// --- Installation and activation ----------------------------------------------------------------

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // The reader keeps what they had: unchanged files are copied, changed files fetched anew.
    for (const name of await oldCaches()) {
      const old = await caches.open(name);
      for (const request of await old.keys()) {
        const url = guideUrl(request.url);
        if (url === null || (await cache.match(href(url)))) continue;
        const response = await old.match(request);
        if (response && (await sha(response)) === FILES.get(url).sha) {
          await cache.put(href(url), response);
        } else if (!(await keep(cache, url))) {
          throw new Error(`${url} could not be fetched; the update waits for the next visit`);
        }
      }
    }
    await keepCore(cache);
    await self.skipWaiting();
  })());
});

/** Whether a page open in a window shows this deployment's content (judged by what the old
    cache served it, which is what it shows). */
async function showsCurrent(client, olds) {
  const url = guideUrl(client.url);
  if (url === null) return true;
  for (const name of olds) {
    const response = await (await caches.open(name)).match(href(url));
    if (response) return (await sha(response)) === FILES.get(url).sha;
  }
  return false;
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const olds = await oldCaches();
    const stale = [];
    if (olds.length) {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of windows) {
        if (client.url.startsWith(SCOPE) && !(await showsCurrent(client, olds))) stale.push(client);
      }
    }
    await Promise.all(olds.map((name) => caches.delete(name)));
    await self.clients.claim();
    // Pages opened before the worker was there are kept too (from the browser's HTTP cache).
    const cache = await caches.open(CACHE);
    for (const client of await self.clients.matchAll({ type: "window" })) {
      const url = guideUrl(client.url);
      if (url !== null && KEPT_WHEN_OPENED.has(FILES.get(url).kind) && !(await cache.match(href(url)))) {
        await keep(cache, url, undefined, "default").catch(() => false);
      }
    }
    for (const client of stale) client.postMessage({ type: "updated", version: GUIDE.version });
  })());
});

// --- Requests ---------------------------------------------------------------------------------

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(SCOPE)) return;
  event.respondWith(networkFirst(event, request, guideUrl(request.url)));
});

async function networkFirst(event, request, url) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (url !== null && response.ok && response.type === "basic" && !response.redirected) {
      const kept = KEPT_WHEN_OPENED.has(FILES.get(url).kind) || (await cache.match(href(url)));
      if (kept) event.waitUntil(cache.put(href(url), response.clone()));
    }
    return response;
  } catch (error) {
    const cached = url !== null ? await cache.match(href(url)) : undefined;
    if (cached) return cached;
    if (request.mode === "navigate") {
      const offline = await cache.match(href(OFFLINE));
      if (offline) {
        return new Response(offline.body, { status: 503, statusText: "Offline",
          headers: { "Content-Type": "text/html; charset=utf-8" } });
      }
    }
    throw error;
  }
}

// --- Messages from the pages (assets/javascripts/offline.js) ---------------------------------

let saving = null; // the AbortController of the save in progress

async function status() {
  const cache = await caches.open(CACHE);
  let cached = 0;
  for (const url of FILES.keys()) if (await cache.match(href(url))) cached += 1;
  const core = [...FILES.values()].filter((file) => CORE.has(file.kind)).length;
  return { type: "status", version: GUIDE.version, total: FILES.size, cached, core,
           saved: cached === FILES.size, saving: saving !== null };
}

async function saved() {
  const cache = await caches.open(CACHE);
  const pages = [];
  for (const file of FILES.values()) {
    if (file.kind === "page" && (await cache.match(href(file.url)))) {
      pages.push({ url: href(file.url), title: file.title || file.url });
    }
  }
  return { type: "saved", pages };
}

async function save(port) {
  if (saving !== null) return port.postMessage({ type: "busy" });
  saving = new AbortController();
  const signal = saving.signal;
  let outcome;
  try {
    const cache = await caches.open(CACHE);
    const todo = [];
    for (const url of FILES.keys()) if (!(await cache.match(href(url)))) todo.push(url);
    const total = FILES.size;
    let done = total - todo.length;
    let failed = 0;
    port.postMessage({ type: "progress", done, total });
    const worker = async () => {
      while (todo.length && !signal.aborted) {
        const url = todo.shift();
        if (await keep(cache, url, signal)) done += 1; else failed += 1;
        port.postMessage({ type: "progress", done, total });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    outcome = failed ? { type: "failed", done, total } : { type: "done", done, total };
  } catch (error) {
    outcome = { type: "failed", message: String(error) };
  }
  /* A cancelled save is reported as cancelled however it stopped: with a fetch that the cancel
     broke off, or with none (a cancel while the list was drawn up, or between two files). */
  try {
    port.postMessage(signal.aborted ? { ...(await status()), type: "cancelled" } : outcome);
  } finally {
    saving = null;
  }
}

async function remove() {
  if (saving !== null) saving.abort();
  for (const name of await caches.keys()) if (name.startsWith(PREFIX)) await caches.delete(name);
  await keepCore(await caches.open(CACHE)); // the offline page and the theme, as after installation
  return { type: "removed" };
}

self.addEventListener("message", (event) => {
  const port = event.ports[0];
  if (!port) return;
  const type = event.data && event.data.type;
  const reply = (work) => event.waitUntil(work.then((message) => port.postMessage(message),
    (error) => port.postMessage({ type: "failed", message: String(error) })));
  if (type === "status") reply(status());
  else if (type === "saved") reply(saved());
  else if (type === "remove") reply(remove());
  else if (type === "save") event.waitUntil(save(port));
  else if (type === "cancel") { if (saving !== null) saving.abort(); port.postMessage({ type: "cancelling" }); }
});
