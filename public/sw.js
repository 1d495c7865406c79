// Keikaku's service worker: the offline app shell.
//
// - Page navigations go to the network first; when the server cannot be reached, the app shell
//   (/app-shell) is served, which the app renders in the browser from the plans and progress
//   kept in IndexedDB. Pages the server wrote are not kept: offline, a copy would show a
//   session that cannot be used (a sign-out button, the role) instead of saying the app is
//   offline, and progress as it was when the page loaded. The worker writes
//   into the shell what the app needs first (who signed in, the page's kept plan) and, for the
//   roadmap and the plan's document, the page itself (the first view, written from the kept
//   plan by sw-render/).
// - Hashed build files (/pkg/…) never change, so they are served from the cache once kept.
// - The API is never cached here: page data and progress have their own offline stores.
// - Tablets are shared: the shell is fetched without the session, so it names nobody, and a
//   session signed out offline is ended on the server before the next page is shown (see
//   `navigate`). Prepared first views are shown only to the person they were prepared for.
//
// The page registers this worker as /sw.js?build=<its own script's URL>, so each release is a
// new worker. It installs the new shell and build files beside the old ones; a page already
// open keeps using the build it was loaded with.

const SHELL = '/app-shell';
const PAGES = 'keikaku-pages';
const ASSETS = 'keikaku-assets';
const FIRST_VIEWS = 'keikaku-first-views';
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
    // Only the shell is kept; earlier releases also kept the pages that loaded.
    const pages = await caches.open(PAGES);
    for (const request of await pages.keys()) {
      if (new URL(request.url).pathname !== SHELL) await pages.delete(request);
    }
    await pruneAssets();
    await prunePreparedViews();
    await self.clients.claim();
  })());
});

// The app says so after it has kept plans (app/src/offline/service_worker.rs).
self.addEventListener('message', (event) => {
  if (event.data && event.data.kind === 'plans-kept') event.waitUntil(prepareFirstViewsInTurn());
});

/** Fetches the shell and every build file it names. */
async function keepShell() {
  // Without the session: the kept shell is served to whoever opens the app offline next.
  const response = await fetch(SHELL, { cache: 'no-store', credentials: 'omit' });
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
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith('/pkg/') || STATIC_FILES.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});

async function navigate(request) {
  // Begun before the network is tried: the first IndexedDB open after the browser starts waits
  // for it to set up the origin's storage, which then overlaps the server's answer.
  const shell = readShell();
  const device = shell.then(readDevice);
  try {
    const answer = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    // Read meanwhile. Awaited only once the server has answered: offline, the shell's head
    // goes out at once, as before.
    const read = await device;
    if (read && read.pendingLogout) {
      // Someone signed out here offline and their session still stands on the server: the
      // answer was written for them. End the session, then ask again.
      await endSession(read);
      return await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    }
    return answer;
  } catch (_unreachable) {
    const keptShell = await shell;
    if (!keptShell) return Response.error();
    try {
      return shellWithReads(keptShell, device, new URL(request.url));
    } catch (_failed) {
      // The shell as kept: the app reads and renders everything itself.
      return keptShell.response;
    }
  }
}

// The early read (app/src/offline/early.rs). The app shell shows nothing until the app knows
// who signed in and has the page's kept plan. Read by the page, each IndexedDB answer waits for
// a turn of its main thread, which parsing and compiling the app fill (traced: a value read at
// 224 ms reached the page at 341 ms). This thread is idle: it reads them while the page is on
// its way and writes them into the shell, where the page's scripts find them. Whatever is not
// read in time is left for the page to read.

const EARLY_READ_TIMEOUT_MS = 300;
const NAMES_ELEMENT = /<script type="application\/json" id="keikaku-early-names"[^>]*>([^<]*)<\/script>/;

/**
 * The kept shell: its response (for the headers), its text, and where it lists what to read
 * (`names`, with the match, or null for a shell without the list); null if none is kept.
 */
async function readShell() {
  try {
    const response = await (await caches.open(PAGES)).match(SHELL);
    if (!response) return null;
    const html = await response.clone().text();
    const match = NAMES_ELEMENT.exec(html);
    return { response, html, match, names: match ? JSON.parse(match[1]) : null };
  } catch (_unreadable) {
    return null;
  }
}

/**
 * What `requests` asks a store, once its last request has succeeded, or an error. The database
 * is opened without a version and never created: an empty one would skip the app's own upgrade.
 */
function readStore(database, store, requests) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(database);
    open.onupgradeneeded = () => open.transaction.abort();
    open.onerror = (event) => { event.preventDefault(); reject(open.error); };
    open.onsuccess = () => {
      const db = open.result;
      try {
        const made = requests(db.transaction(store).objectStore(store));
        const last = made[made.length - 1];
        last.onsuccess = () => { db.close(); resolve(made.map((r) => r.result)); };
        last.onerror = (event) => { event.preventDefault(); db.close(); reject(last.error); };
      } catch (error) {
        db.close();
        reject(error);
      }
    };
  });
}

/** The values of `keys` in a store (null where missing), or an error. */
function readKeys(database, store, keys) {
  return readStore(database, store, (objects) => keys.map((key) => objects.get(key)))
    .then((values) => values.map((value) => value ?? null));
}

/** Every key and value of a store, as pairs, or an error. */
function readAll(database, store) {
  return readStore(database, store, (objects) => [objects.getAllKeys(), objects.getAll()])
    .then(([keys, values]) => keys.map((key, i) => [key, values[i]]));
}

/**
 * Who is signed in here, with the shell's names; whether they set a device PIN, in which case
 * nothing of theirs is written into the shell (the app asks for the PIN first); and the token
 * of a session signed out here offline that the server has not yet ended (never written into a
 * page). Never rejects.
 */
async function readDevice(shell) {
  try {
    if (!shell || !shell.names) return null;
    const { database, store, keys, pendingLogout, pin } = shell.names.device;
    const [login, name, pending, pinSet] = await readKeys(database, store, [...keys, pendingLogout ?? keys[0], pin ?? keys[0]]);
    const locked = Boolean(pin && pinSet && login);
    return {
      shell,
      // Whether a PIN is set goes to the page too: the app then reads nothing more to know
      // that it need not ask for one.
      found: { deviceRead: true, login, name, ...(pin ? { pinSet: locked } : {}) },
      pendingLogout: pendingLogout ? pending : null,
      locked,
    };
  } catch (_unreadable) {
    // No IndexedDB here (a private window may refuse it), or nobody has used the app yet.
    return null;
  }
}

/**
 * Ends the session signed out here offline (app/src/offline/sign_out.rs) and forgets it once
 * the server has answered anything: 204, or 401/403 for a session already gone or replaced.
 * Throws when the server cannot be reached; the page is then the shell, and the next one tries
 * again.
 */
async function endSession(read) {
  const token = read.pendingLogout;
  await withTimeout(fetch('/api/v1/session', {
    method: 'DELETE',
    credentials: 'same-origin',
    headers: { 'X-CSRF-Token': token },
  }), NAVIGATION_TIMEOUT_MS);
  const { database, store, pendingLogout } = read.shell.names.device;
  await new Promise((resolve) => {
    const open = indexedDB.open(database);
    open.onupgradeneeded = () => open.transaction.abort();
    open.onerror = (event) => { event.preventDefault(); resolve(); };
    open.onsuccess = () => {
      const db = open.result;
      try {
        const tx = db.transaction(store, 'readwrite');
        const objects = tx.objectStore(store);
        const current = objects.get(pendingLogout);
        // Only the token read: a newer offline sign-out may have replaced it meanwhile.
        current.onsuccess = () => { if (current.result === token) objects.delete(pendingLogout); };
        tx.oncomplete = tx.onerror = tx.onabort = () => { db.close(); resolve(); };
      } catch (_failed) {
        db.close();
        resolve();
      }
    };
  });
}

/** Adds the kept plan of a plan page (`/plans/{id}…`) to what `device` found. */
async function readPlan(device, pathname) {
  const page = /^\/plans\/([^/]+)/.exec(pathname);
  if (!device || !page || device.locked) return device;
  const { names } = device.shell;
  const planId = decodeURIComponent(page[1]);
  const owner = ownerOf(device.found, names);
  try {
    const [plan] = await readKeys(names.plans.databasePrefix + owner, names.plans.store, [planId]);
    return { ...device, found: { ...device.found, planId, planRead: true }, plan };
  } catch (_unreadable) {
    return device;
  }
}

/**
 * The shell, with what was read written in right after the names element, before the shell's
 * script that hands it to the app, and the page's first view in place of the shell's
 * placeholder when the renderer can write one (see below). Everything before the title goes at
 * once, so the browser starts on the styles and build files while the reads finish.
 */
function shellWithReads(shell, device, url) {
  const reads = withTimeout(device.then((d) => readPlan(d, url.pathname)), EARLY_READ_TIMEOUT_MS).catch(() => null);
  const { response, html, match, names } = shell;
  const language = pageLanguage(names);
  const preparedFor = names && names.renderer ? preparedPage(url) : null;
  const prepared = preparedFor ? findPreparedView(names.renderer, preparedFor) : Promise.resolve(null);
  // The renderer is loaded only when it will be needed (its compiling would take turns from
  // the page's); a prepared view that turns out stale loads it late.
  let rendererStarted = null;
  const renderer = () => {
    if (!rendererStarted) rendererStarted = names && names.renderer ? loadRenderer(names.renderer) : Promise.resolve(null);
    return rendererStarted;
  };
  prepared.then((found) => { if (!found) renderer(); });
  const namesEnd = match ? match.index + match[0].length : html.length;
  const title = html.indexOf('<title>');
  // The title changes with the first view; without a renderer, only what follows the names.
  const at = names && names.renderer && title >= 0 && title < namesEnd ? title : namesEnd;
  const encoder = new TextEncoder();
  const body = new ReadableStream({
    async start(controller) {
      controller.enqueue(encoder.encode(html.slice(0, at)));
      const read = match ? await reads : null;
      let rest = html.slice(at, namesEnd) + foundElement(read) + withPlanElement(html.slice(namesEnd), read);
      let view = null;
      const lang = await language;
      if (read && typeof read.plan === 'string') {
        view = preparedView(await prepared, ownerOf(read.found, names), read.plan, lang);
        if (!view) view = firstView(await withTimeout(renderer(), EARLY_READ_TIMEOUT_MS).catch(() => null), url, read, lang);
      }
      if (view) rest = withFirstView(rest, names, view, scriptNonce(html));
      controller.enqueue(encoder.encode(rest));
      controller.close();
      // Written live: kept for the next time (the app's message may not have come: a release
      // installed offline, or a plan kept while this worker was busy).
      if (view && !view.prepared && preparedFor) {
        keepPreparedView(names.renderer, preparedFor, ownerOf(read.found, names), read.plan, lang, view).catch(() => {});
      }
    },
  });
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

// The first view: the page's main content written from the kept plan by the app's own HTML
// writers (keikaku-render), compiled for this worker on its own (sw-render/, a few hundred kB,
// kept with the build files). The app, its WebAssembly ten times larger, takes some 300 ms to
// start on a tablet; this shows the page meanwhile and the app replaces it with the same page
// (app/src/offline/first_view.rs). Pages the renderer does not write come from the app alone.

/** The renderer's exports, compiled once per worker; null if it cannot be had. */
let rendererLoad = null;

function loadRenderer(path) {
  if (rendererLoad && rendererLoad.path === path) return rendererLoad.exports;
  const exports = (async () => {
    const kept = await (await caches.open(ASSETS)).match(path);
    if (!kept) return null;
    const { instance } = await WebAssembly.instantiate(await kept.arrayBuffer(), {});
    return instance.exports;
  })().catch(() => null);
  rendererLoad = { path, exports };
  return exports;
}

/**
 * The language the app will render the page in, as it decides (app/src/lang.rs): the one
 * chosen with the site's switch (its cookie, named in the shell's names), else the first of
 * the browser's languages that is one of ours, else the first of ours (Japanese). Never
 * rejects.
 */
async function pageLanguage(names) {
  const language = names && names.language;
  if (!language) return 'ja';
  try {
    const chosen = self.cookieStore ? await self.cookieStore.get(language.cookie) : null;
    if (chosen && language.codes.includes(chosen.value)) return chosen.value;
  } catch (_unavailable) {
    // No cookie store here: the browser's languages decide.
  }
  for (const tag of self.navigator.languages || []) {
    const primary = tag.toLowerCase().split('-')[0];
    if (language.codes.includes(primary)) return primary;
  }
  return language.codes[0];
}

/**
 * The first view of `url` from the kept plan in `lang`, or null. The renderer's interface
 * (sw-render/src/lib.rs): path NUL plan NUL language in, title NUL main out, through its
 * memory.
 */
function firstView(exports, url, read, lang) {
  if (!exports || typeof read.plan !== 'string') return null;
  try {
    const input = new TextEncoder().encode(`${url.pathname}${url.search}\0${read.plan}\0${lang}`);
    const at = exports.input_buffer(input.length);
    new Uint8Array(exports.memory.buffer, at, input.length).set(input);
    if (exports.render(input.length) !== 1) return null;
    const output = new Uint8Array(exports.memory.buffer, exports.output_ptr(), exports.output_len());
    const text = new TextDecoder().decode(output);
    const split = text.indexOf('\0');
    return split < 0 ? null : { title: text.slice(0, split), main: text.slice(split + 1) };
  } catch (_failed) {
    return null;
  }
}

/** The shell's script nonce, which its Content-Security-Policy (kept with it) allows. */
function scriptNonce(html) {
  const found = /<script nonce="([^"]+)"/.exec(html);
  return found ? found[1] : null;
}

/**
 * `rest` of the shell with the view's title and its main content in place of the placeholder.
 * The roadmap's later sections and the document's later parts come in templates
 * (render/src/roadmap.rs `DeferRows`, render/src/document.rs `DeferParts`): their layout is
 * most of the page's, so the first screen is laid out and painted without them, and a script
 * puts them in place right after that frame. Without a nonce for the script
 * they are written in place at once.
 */
function withFirstView(rest, names, view, nonce) {
  const marker = rest.indexOf(`id="${names.placeholder}"`);
  const start = marker < 0 ? -1 : rest.lastIndexOf('<div', marker);
  const end = marker < 0 ? -1 : rest.indexOf('</div>', marker);
  if (start < 0 || end < 0) return rest;
  const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const deferred = view.main.includes('<template>');
  const main = deferred && !nonce ? view.main.replace(/<\/?template>/g, '') : view.main;
  const placing = deferred && nonce
    ? `<script nonce="${nonce}">requestAnimationFrame(()=>setTimeout(()=>{`
      + `for(const t of document.querySelectorAll("#${names.firstView} template"))t.replaceWith(t.content)}))</script>`
    : '';
  // A function, not a string: `$&` and the like in a plan's title are text, not patterns.
  return rest.slice(0, start)
    .replace(/<title>[^<]*<\/title>/, () => `<title>${escape(view.title)}</title>`)
    + `<div id="${names.firstView}" data-from="${view.prepared ? 'prepared' : 'rendered'}">${main}</div>${placing}`
    + rest.slice(end + '</div>'.length);
}

// Prepared first views. The first views of a plan's roadmap (the common address, without
// filters) and of its document are written when the plan is kept, not when the page is opened:
// rendering the roadmap took the worker 40–80 ms of a cold offline open (freshly compiled code),
// reading it back takes a few, while the IndexedDB reads run. Each is kept under the
// renderer's (hashed) name with the plan it was written from, and used only if that is the
// plan read for the page (a string comparison; a SHA-256 of the plan took 2–24 ms of a cold
// worker), so a plan kept anew or a new release is never shown from an old copy. A copy also names the person it was prepared for (the owner of
// the kept plans, or the public) and is shown only to them; it is looked up by plan while who
// is signed in is still being read, and checked once that is known. The app drops them all when
// the device changes hands (app/src/offline/handover.rs).

const PREPARED_PAGES = ['roadmap', 'document'];
const PREPARED_PAGE = new RegExp(`^/plans/([^/]+)/(${PREPARED_PAGES.join('|')})$`);

/** `{ planId, page }` when `url` is a page prepared in advance (without a query); else null. */
function preparedPage(url) {
  const found = PREPARED_PAGE.exec(url.pathname);
  if (!found || url.search) return null;
  try {
    return { planId: decodeURIComponent(found[1]), page: found[2] };
  } catch (_malformed) {
    return null;
  }
}

function preparedKey(renderer, { planId, page }) {
  return `/__first-view?renderer=${encodeURIComponent(renderer)}&plan=${encodeURIComponent(planId)}&page=${page}`;
}

/**
 * A plan's prepared page, `{ owner, lang, plan, title, main }` (kept as the five joined by
 * NUL bytes, which neither a login, a language code, JSON nor the title holds), or null; never
 * rejects.
 */
async function findPreparedView(renderer, prepared) {
  try {
    const response = await (await caches.open(FIRST_VIEWS)).match(preparedKey(renderer, prepared));
    if (!response) return null;
    const text = await response.text();
    const ownerEnd = text.indexOf('\0');
    const langEnd = text.indexOf('\0', ownerEnd + 1);
    const planEnd = text.indexOf('\0', langEnd + 1);
    const titleEnd = text.indexOf('\0', planEnd + 1);
    if (ownerEnd < 0 || langEnd < 0 || planEnd < 0 || titleEnd < 0) return null;
    return {
      owner: text.slice(0, ownerEnd),
      lang: text.slice(ownerEnd + 1, langEnd),
      plan: text.slice(langEnd + 1, planEnd),
      title: text.slice(planEnd + 1, titleEnd),
      main: text.slice(titleEnd + 1),
    };
  } catch (_unreadable) {
    return null;
  }
}

/** Whose kept plans a read found: the login signed in, or the public. */
function ownerOf(found, names) {
  return found.login ?? names.plans.publicOwner;
}

/** The view of a prepared page if it was written for `owner` in `lang` from `plan`; else null. */
function preparedView(found, owner, plan, lang) {
  return found && found.owner === owner && found.lang === lang && found.plan === plan
    ? { title: found.title, main: found.main, prepared: true }
    : null;
}

async function keepPreparedView(renderer, prepared, owner, plan, lang, view) {
  const body = `${owner}\0${lang}\0${plan}\0${view.title}\0${view.main}`;
  const headers = { 'content-type': 'text/plain; charset=utf-8' };
  await (await caches.open(FIRST_VIEWS)).put(preparedKey(renderer, prepared), new Response(body, { headers }));
}

/**
 * Prepares the roadmap and the document of every plan kept for whoever signed in here,
 * skipping those current.
 */
async function prepareFirstViews() {
  const shell = await readShell();
  const names = shell && shell.names;
  if (!names || !names.renderer) return;
  const device = await readDevice(shell);
  if (!device) return;
  const owner = ownerOf(device.found, names);
  const lang = await pageLanguage(names);
  const plans = await readAll(names.plans.databasePrefix + owner, names.plans.store);
  let exports = null;
  for (const [planId, plan] of plans) {
    if (typeof planId !== 'string' || typeof plan !== 'string') continue;
    for (const page of PREPARED_PAGES) {
      const prepared = { planId, page };
      if (preparedView(await findPreparedView(names.renderer, prepared), owner, plan, lang)) continue;
      exports = exports ?? await loadRenderer(names.renderer);
      const url = new URL(`/plans/${encodeURIComponent(planId)}/${page}`, self.location.origin);
      const view = firstView(exports, url, { plan }, lang);
      if (view) await keepPreparedView(names.renderer, prepared, owner, plan, lang, view);
    }
  }
}

/** One preparation at a time: plans kept twice in a row are prepared once, then checked. */
let preparing = Promise.resolve();
function prepareFirstViewsInTurn() {
  preparing = preparing.then(prepareFirstViews).catch(() => {});
  return preparing;
}

/** Drops prepared views of other releases' renderers. */
async function prunePreparedViews() {
  const shell = await readShell();
  const renderer = shell && shell.names ? shell.names.renderer : null;
  const views = await caches.open(FIRST_VIEWS);
  for (const request of await views.keys()) {
    if (!renderer || new URL(request.url).searchParams.get('renderer') !== renderer) await views.delete(request);
  }
}

/** A JSON element (data, never run); `<` escaped, so it cannot close. */
function jsonElement(id, json) {
  return `<script type="application/json" id="${id}">${json.replace(/</g, '\\u003c')}</script>`;
}

/** What was read, for the shell's script in the head. */
function foundElement(read) {
  return read ? jsonElement(read.shell.names.found, JSON.stringify(read.found)) : '';
}

/**
 * `rest` of the shell with the kept plan at the end of its body: after the first view, whose
 * parsing it would otherwise hold up (the shell's script takes it once the page is parsed).
 */
function withPlanElement(rest, read) {
  if (!read || typeof read.plan !== 'string') return rest;
  const element = jsonElement(read.shell.names.plan, read.plan);
  const end = rest.lastIndexOf('</body>');
  return end < 0 ? rest + element : rest.slice(0, end) + element + rest.slice(end);
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
