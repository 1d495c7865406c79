// Keikaku's service worker: the offline app shell.
//
// - Page navigations go to the network first; a page that loaded is kept, and when the server
//   cannot be reached the kept copy is served, or else the app shell (/app-shell), which the app
//   renders in the browser from the plans and progress kept in IndexedDB.
// - Hashed build files (/pkg/…) never change, so they are served from the cache once kept.
// - The API is never cached here: page data and progress have their own offline stores.
//
// The page registers this worker as /sw.js?build=<its own script's URL>, so each release is a
// new worker. It installs the new shell and build files beside the old ones; a page already
// open keeps using the build it was loaded with.

const SHELL = '/app-shell';
const PAGES = 'keikaku-pages';
const ASSETS = 'keikaku-assets';
const NAVIGATION_TIMEOUT_MS = 4000;
const STATIC_FILES = ['/icon-32.png', '/manifest.webmanifest'];

self.addEventListener('install', (event) => {
  // Chromium's static routes, where supported, spare waking this worker: API requests go
  // straight to the network, and build files come from the cache this worker fills (the
  // network when missing). The fetch handler below does the same, more slowly, elsewhere.
  if (typeof event.addRoutes === 'function') {
    const routes = [
      { condition: { urlPattern: { pathname: '/api/*' } }, source: 'network' },
      { condition: { urlPattern: { pathname: '/pkg/*' } }, source: { cacheName: ASSETS } },
    ];
    // One call per route: a browser that does not know one form still takes the other.
    for (const route of routes) event.waitUntil(event.addRoutes(route).catch(() => {}));
  }
  event.waitUntil(keepShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // Kept pages name the previous build's files; from now on the new shell stands in for them.
    const pages = await caches.open(PAGES);
    for (const request of await pages.keys()) {
      if (new URL(request.url).pathname !== SHELL) await pages.delete(request);
    }
    await pruneAssets();
    await self.clients.claim();
  })());
});

/** Fetches the shell and every build file it names. */
async function keepShell() {
  const response = await fetch(SHELL, { cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`app shell: HTTP ${response.status}`);
  const html = await response.clone().text();
  const files = [...new Set(html.match(/\/pkg\/[A-Za-z0-9._-]+/g) || [])];
  const assets = await caches.open(ASSETS);
  await assets.addAll([...files, ...STATIC_FILES]);
  // Which files each of the last two builds needs, for pruning.
  const builds = await readBuilds();
  builds.unshift(files);
  await assets.put('/__builds', new Response(JSON.stringify(builds.slice(0, 2))));
  const pages = await caches.open(PAGES);
  await pages.put(SHELL, response);
}

async function readBuilds() {
  const stored = await (await caches.open(ASSETS)).match('/__builds');
  return stored ? stored.json() : [];
}

/** Drops build files that neither of the last two builds names. */
async function pruneAssets() {
  const keep = new Set([...(await readBuilds()).flat(), ...STATIC_FILES, '/__builds']);
  const assets = await caches.open(ASSETS);
  for (const request of await assets.keys()) {
    if (!keep.has(new URL(request.url).pathname)) await assets.delete(request);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js') return;
  if (request.mode === 'navigate') {
    warmStorage();
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith('/pkg/') || STATIC_FILES.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});

async function navigate(request) {
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.ok && response.type === 'basic') {
      const pages = await caches.open(PAGES);
      await pages.put(request, response.clone());
    }
    return response;
  } catch (_unreachable) {
    const pages = await caches.open(PAGES);
    return (await pages.match(request)) || (await pages.match(SHELL)) || Response.error();
  }
}

/**
 * Opens the app's first database without waiting for it. In a browser that has just started,
 * the first IndexedDB open of this origin waits about 150 ms for the browser to set up the
 * origin's storage; begun here, that overlaps the page and its build files arriving instead of
 * following the app's start.
 */
function warmStorage() {
  try {
    const request = indexedDB.open('keikaku-device');
    // Without a version, a missing database would be created empty (and the app's own upgrade
    // skipped): only an existing one is opened.
    request.onupgradeneeded = () => request.transaction.abort();
    request.onsuccess = () => request.result.close();
  } catch (_unavailable) {
    // No IndexedDB here (a private window may refuse it): the app reports that itself.
  }
}

async function cacheFirst(request) {
  const assets = await caches.open(ASSETS);
  const kept = await assets.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await assets.put(request, response.clone());
  return response;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}
