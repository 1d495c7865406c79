// Browser benchmarks for Keikaku, printed as a table. Not a test: nothing here passes or fails.
//
// 1. Offline edits, then reconnect: N progress edits (field notes) queued offline in Chromium,
//    then the time until the server has acknowledged all of them. The same workload with
//    PouchDB (pouchdb-browser) replicating to pouchdb-server on loopback, in the same run:
//    with its default replication, and tuned as a careful user would (`batch_size` equal to
//    our push size).
// 2. Cold offline open: a fresh browser process, the server down, navigation to the Komagane
//    roadmap (never opened before, so it is built from IndexedDB) until its table is on screen.
//
// Needs the app built (`cargo leptos build --release`, or debug with BENCH_PROFILE=debug) and
// Debian's Chromium. Run from the repository root: `./scripts/bench.sh` or
// `node bench/browser/run.mjs`.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CdpPage } from './cdp-page.mjs';
import {
  CHROMIUM, PROFILE, countKept as countKeptAs, median, readyForOffline as readyForOfflineAs, signIn as signInAs,
  startKeikaku as startServer, startProcess, stopProcess, waitForText,
} from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const EDITS = Number(process.env.BENCH_EDITS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KEIKAKU_PORT = 3951;
const POUCH_PORT = 3952;
const PLAN = 'komagane-dx-strategy';
const LOGIN = 'komagane-admin';
const TRACE_CATEGORIES = process.env.BENCH_TRACE_CATEGORIES ?? ['toplevel', 'blink', 'v8', 'v8.wasm', 'devtools.timeline', 'loading', 'navigation',
  'ServiceWorker', 'IndexedDB', 'disabled-by-default-devtools.timeline', 'browser', 'cc'].join(',');

const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3000);
/** Keikaku's push size (`MAX_PUSH_MUTATIONS` in sync/src/protocol.rs), PouchDB's when tuned. */
const PUSH_SIZE = 2000;

/** Signs in as the benchmark's user. */
const signIn = (page) => signInAs(page, LOGIN);
const readyForOffline = (page) => readyForOfflineAs(page, LOGIN);
const countKept = (page) => countKeptAs(page, LOGIN);
const startKeikaku = (dataDir) => startServer(dataDir, KEIKAKU_PORT);

/**
 * Queues `edits` field notes in the replica's outbox exactly as the app stores them: one real
 * note is added through the page first, and its stored form is the template for the rest.
 */
async function queueNotesOffline(page, edits, measures) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated && document.getElementById('note-text'), undefined, { timeout: 30_000, polling: 50 });
  await page.evaluate(() => {
    const text = document.getElementById('note-text');
    text.value = 'ベンチマークの見本';
    text.dispatchEvent(new Event('input', { bubbles: true }));
    [...document.querySelectorAll('button[type=submit]')].find((b) => b.textContent === 'メモを追加').click();
  });
  await waitForText(page, '.sync-indicator', '未送信1件');
  await page.evaluate(async ({ edits, measures, login }) => {
    const db = await new Promise((done, fail) => {
      const r = indexedDB.open(`keikaku-replica-${login}`);
      r.onsuccess = () => done(r.result);
      r.onerror = () => fail(r.error);
    });
    const read = (store, key) => new Promise((done) => {
      const r = db.transaction(store).objectStore(store).get(key);
      r.onsuccess = () => done(r.result);
    });
    const all = (store) => new Promise((done) => {
      const r = db.transaction(store).objectStore(store).getAll();
      r.onsuccess = () => done(r.result);
    });
    const clientId = await read('meta', 'client_id');
    const meta = JSON.parse(await read('meta', 'replica'));
    const template = JSON.parse((await all('outbox'))[0]);
    const tx = db.transaction(['meta', 'outbox'], 'readwrite');
    for (let i = 0; i < edits; i += 1) {
      meta.counter += 1;
      const id = `${clientId}-${meta.counter}`;
      const pending = structuredClone(template);
      pending.order = meta.counter;
      pending.sent = false;
      pending.mutation.id = id;
      pending.mutation.key.target.id = measures[i % measures.length];
      pending.mutation.key.fiscal_year = 2022 + (i % 5);
      pending.mutation.change.note.id = id;
      pending.mutation.change.note.text = `ベンチマークのメモ ${i}`;
      tx.objectStore('outbox').put(JSON.stringify(pending), meta.counter);
    }
    tx.objectStore('meta').put(JSON.stringify(meta), 'replica');
    await new Promise((done, fail) => { tx.oncomplete = done; tx.onerror = () => fail(tx.error); });
  }, { edits: edits - 1, measures, login: LOGIN });
}

async function keikakuSync(browser, run, measures) {
  const origin = `http://127.0.0.1:${KEIKAKU_PORT}`;
  const page = await CdpPage.open(browser, origin);
  // The page's words are awaited in Japanese: the language switch's cookie says so, whatever
  // the browser's languages.
  await page.cdp.send('Storage.setCookies', {
    browserContextId: page.browserContextId,
    cookies: [{ name: 'keikaku_lang', value: 'ja', url: origin }],
  });
  await signIn(page);
  const progress = `/plans/${PLAN}/measures/internal-02/progress?year=2024`;
  await page.goto(progress);
  await waitForText(page, '.sync-indicator', '同期済み', 30_000);
  await readyForOffline(page);
  await page.setOffline(true);
  await queueNotesOffline(page, EDITS, measures);
  // Reopen offline, so the app loads the queue as a tab would after being closed.
  await page.reload();
  await waitForText(page, '.sync-indicator', `未送信${EDITS}件`, 60_000);
  await page.evaluate(() => performance.clearMeasures());
  // Timed in the page, as PouchDB's replication is: from the browser's `online` event to the
  // indicator saying every edit is acknowledged, seen by a mutation observer (polling from
  // here adds the protocol's round trips and up to a polling interval).
  const reconnectedAt = await page.evaluate(() => {
    addEventListener('online', () => { window.__onlineAt = performance.now(); }, { once: true });
    window.__syncedAt = new Promise((done) => {
      const observer = new MutationObserver(() => {
        if (!document.querySelector('.sync-indicator')?.textContent?.includes('同期済み')) return;
        observer.disconnect();
        done(performance.now());
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    return performance.now();
  });
  // BENCH_TRACE=dir: a Chrome trace of the sync as well (every process of the browser).
  const trace = process.env.BENCH_TRACE && join(process.env.BENCH_TRACE, `sync-${run + 1}.json`);
  if (trace) await browser.startTracing(undefined, { path: trace, categories: TRACE_CATEGORIES.split(',') });
  const started = Date.now();
  await page.setOffline(false);
  await waitForText(page, '.sync-indicator', '同期済み');
  const wall = Date.now() - started;
  const elapsed = await page.evaluate(async () => (await window.__syncedAt) - window.__onlineAt);
  if (trace) await browser.stopTracing();
  // Where the time went: the sync engine marks its phases on the performance timeline.
  const phases = await page.evaluate((reconnectedAt) => {
    const ours = performance.getEntriesByType('measure').filter((m) => m.name.startsWith('keikaku:'));
    const first = Math.min(...ours.map((m) => m.startTime));
    const totals = {
      'keikaku:until-online-event': { count: 1, ms: (window.__onlineAt ?? NaN) - reconnectedAt },
      'keikaku:until-first-phase': { count: 1, ms: first - reconnectedAt },
    };
    for (const m of ours) {
      const t = (totals[m.name] ??= { count: 0, ms: 0, from: m.startTime - reconnectedAt });
      t.count += 1;
      t.ms += m.duration;
    }
    // BENCH_TIMELINE=1: every phase in order, to see what waits for what.
    const timeline = ours.map((m) => `${m.name.slice(8)} ${Math.round(m.startTime - reconnectedAt)}–${Math.round(m.startTime + m.duration - reconnectedAt)}`);
    return { totals, timeline };
  }, reconnectedAt);
  if (process.env.BENCH_TIMELINE) console.error(`  Keikaku timeline, run ${run + 1}: ${phases.timeline.join(', ')}`);
  console.error(`  Keikaku phases, run ${run + 1}: ${Object.entries(phases.totals)
    .map(([name, t]) => `${name.slice(8)} ${Math.round(t.ms)} ms/${t.count}${t.from === undefined ? '' : ` (from ${Math.round(t.from)})`}`).join(', ')}`);
  console.error(`  Keikaku, run ${run + 1}: ${Math.round(elapsed)} ms from the online event to 同期済み in the page; ${wall} ms from reconnecting until this script saw it`);
  await page.close();
  return Math.round(elapsed);
}

/** PouchDB's replication of the same edits with `options` (`{}`: its defaults). */
async function pouchSync(browser, name, bundle, options) {
  const page = await CdpPage.open(browser, `http://127.0.0.1:${POUCH_PORT}`);
  await page.goto('/');
  await page.addScript(bundle);
  return page.evaluate(async ({ edits, name, port, options }) => {
    const local = new window.PouchDB(`local-${name}`);
    // Made offline, one edit at a time, like notes taken in the field.
    for (let i = 0; i < edits; i += 1) {
      await local.put({ _id: `note-${String(i).padStart(6, '0')}`, measure: `m-${i % 84}`, fiscal_year: 2022 + (i % 5), text: `ベンチマークのメモ ${i}`, date: '2026-11-22' });
    }
    const started = performance.now();
    await window.PouchDB.replicate(local, `http://127.0.0.1:${port}/remote-${name}`, options);
    const elapsed = performance.now() - started;
    await local.destroy();
    return elapsed;
  }, { edits: EDITS, name, port: POUCH_PORT, options }).finally(() => page.close());
}

async function coldOfflineOpen(dataDir) {
  const profile = mkdtempSync(join(tmpdir(), 'keikaku-bench-profile-'));
  const roadmap = `http://127.0.0.1:${KEIKAKU_PORT}/plans/${PLAN}/roadmap`;
  let server = await startKeikaku(dataDir);
  {
    const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, baseURL: `http://127.0.0.1:${KEIKAKU_PORT}`, locale: 'ja-JP' });
    const page = await context.newPage();
    await signIn(page);
    // Any page online; offline, the roadmap comes from IndexedDB.
    await page.goto(`/plans/${PLAN}`);
    await readyForOffline(page);
    // And the service worker has prepared the roadmap from the kept plan, as it does once plans
    // are kept (a tablet is not closed the moment they are).
    const isPrepared = () => page.evaluate(async (plan) => {
      const views = await caches.open('keikaku-first-views');
      return (await views.keys()).some((r) => new URL(r.url).searchParams.get('plan') === plan);
    }, PLAN);
    let prepared = false;
    for (const until = Date.now() + 10_000; !prepared && Date.now() < until;) {
      prepared = await isPrepared();
      if (!prepared) await page.waitForTimeout(100);
    }
    if (!prepared) console.error('  the roadmap was not prepared within 10 s; the first open renders it');
    if (process.env.BENCH_DEBUG) console.error('kept before close:', await countKept(page));
    await context.close();
  }
  await stopProcess(server);
  const times = [];
  const inDocument = [];
  const whole = [];
  if (process.env.BENCH_DEBUG) {
    const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, locale: 'ja-JP' });
    const page = context.pages()[0] ?? await context.newPage();
    await page.route('**/pkg/**', (route) => route.abort());
    await page.goto(roadmap);
    console.error('kept after relaunch (app not started):', await countKept(page));
    await context.close();
  }
  for (let run = 0; run < RUNS; run += 1) {
    // BENCH_TRACE=dir: a Chrome trace of the whole open per run (open it in Perfetto), to see
    // which thread and process spends the time.
    const trace = process.env.BENCH_TRACE && join(process.env.BENCH_TRACE, `cold-open-${run + 1}.json`);
    const args = trace ? [...CHROMIUM.args, `--trace-startup=${TRACE_CATEGORIES}`, `--trace-startup-file=${trace}`, '--trace-startup-format=json',
      `--trace-startup-duration=${Math.ceil(SETTLE_MS / 1000) + 4}`] : CHROMIUM.args;
    const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, args, locale: 'ja-JP' });
    const page = context.pages()[0] ?? await context.newPage();
    // A browser that has just started keeps both cores busy for a while with its own work
    // (headless Chromium builds its omnibox pages): the app is opened once that has settled,
    // as on a tablet whose browser is already running. Our origin's storage, service worker
    // and caches are still cold.
    await page.waitForTimeout(SETTLE_MS);
    await page.addInitScript(() => {
      // In the document (the first row parsed or inserted), then painted: after the rendering of
      // the frame that follows (an upper bound: a task queued before ours delays it too).
      const afterPaint = (record) => requestAnimationFrame(() => setTimeout(() => record(performance.now()), 0));
      window.__roadmapShown = new Promise((shown) => {
        new MutationObserver((_, observer) => {
          if (document.querySelector('.roadmap-table tbody tr')) {
            window.__roadmapShownAt = performance.now();
            window.__fromFirstView = !!document.querySelector('#keikaku-first-view .roadmap-table');
            // Prepared when the plan was kept, or rendered for this open.
            window.__firstViewFrom = document.querySelector('#keikaku-first-view')?.dataset.from;
            observer.disconnect();
            afterPaint((at) => {
              window.__roadmapPaintedAt = at;
              shown(at);
            });
            // The whole table: the first view's later sections come a frame after its first
            // screen (a template put in place), then painted as above.
            const whole = () => {
              if (document.querySelector('.roadmap-table template')) return requestAnimationFrame(whole);
              afterPaint((at) => { window.__roadmapWholeAt = at; });
            };
            whole();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      // When the app is interactive (it marks the document).
      new MutationObserver((_, observer) => {
        if (document.documentElement?.dataset.hydrated) {
          window.__appReadyAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
    });
    const messages = [];
    page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
    await page.goto(roadmap);
    try {
      // Awaiting the page's own promise: `waitForFunction` would first load Playwright's
      // 330 kB injected script into the page, about 50 ms of its main thread in the middle of
      // what is measured (seen in a trace).
      await Promise.race([
        page.evaluate(() => window.__roadmapShown),
        new Promise((_, fail) => setTimeout(() => fail(new Error('no roadmap within 30 s')), 30_000)),
      ]);
    } catch (error) {
      console.error('roadmap did not render offline; the page says:', await page.locator('main').innerText());
      console.error('console:', messages.join('\n'));
      console.error('databases:', JSON.stringify(await page.evaluate(async () => (await indexedDB.databases()).map((d) => [d.name, d.version]))));
      console.error('kept plans:', JSON.stringify(await page.evaluate(async () => {
        const db = await new Promise((done) => { const r = indexedDB.open('keikaku-plans-komagane-admin'); r.onsuccess = () => done(r.result); });
        const keys = await new Promise((done) => { const r = db.transaction('plans').objectStore('plans').getAllKeys(); r.onsuccess = () => done(r.result); });
        return keys;
      })));
      throw error;
    }
    times.push(await page.evaluate(() => window.__roadmapPaintedAt));
    inDocument.push(await page.evaluate(() => window.__roadmapShownAt));
    whole.push(await page.evaluate(async () => {
      while (!window.__roadmapWholeAt) await new Promise((done) => setTimeout(done, 20));
      return window.__roadmapWholeAt;
    }));
    // The app taking over (after the service worker's first view), for the timeline.
    await page.waitForTimeout(1500);
    // Where the time went: the page, its build files and the app's own phases, in ms from
    // navigation start.
    const timeline = await page.evaluate(() => {
      const at = (t) => Math.round(t);
      const [nav] = performance.getEntriesByType('navigation');
      const parts = [`page ${at(nav.responseStart)}–${at(nav.responseEnd)}`];
      for (const r of performance.getEntriesByType('resource')) {
        const name = r.name.split('/').pop().replace(/\.[0-9a-f]{8,}/, '');
        if (r.name.includes('/pkg/')) parts.push(`${name} ${at(r.startTime)}–${at(r.responseEnd)}`);
      }
      for (const m of performance.getEntriesByType('measure')) {
        if (m.name.startsWith('keikaku:')) parts.push(`${m.name.slice(8)} ${at(m.startTime)}–${at(m.startTime + m.duration)}`);
      }
      parts.push(`interactive ${at(nav.domInteractive)}`, `in document ${at(window.__roadmapShownAt)}`, `whole table ${at(window.__roadmapWholeAt)}`,
        `painted ${at(window.__roadmapPaintedAt)}`, `app ${window.__appReadyAt ? at(window.__appReadyAt) : 'not yet'}`,
        `written by ${window.__fromFirstView ? `the service worker (${window.__firstViewFrom})` : 'the app'}`);
      return parts.join(', ');
    });
    console.error(`  cold open, run ${run + 1}: ${timeline}`);
    // The trace is written when its duration ends.
    if (trace) await page.waitForTimeout(4500);
    await context.close();
  }
  rmSync(profile, { recursive: true, force: true });
  return { painted: times, inDocument, whole };
}

async function main() {
  const bundle = (await build({
    entryPoints: [join(here, 'pouchdb-entry.mjs')],
    bundle: true,
    format: 'iife',
    write: false,
    define: { global: 'window' },
    logLevel: 'error',
  })).outputFiles[0].text;

  const dataDir = mkdtempSync(join(tmpdir(), 'keikaku-bench-'));
  // The server loads this sample at start; its measures are the ones the notes go to.
  const plan = JSON.parse(readFileSync(join(repo, 'samples', 'plans', 'komagane.json'), 'utf8'));
  if (plan.plan.id !== PLAN) throw new Error(`samples/plans/komagane.json holds ${plan.plan.id}, not ${PLAN}`);
  const measures = plan.plan.measures.map((m) => m.id);
  const pouch = await startProcess(join(here, 'node_modules', '.bin', 'pouchdb-server'),
    ['--in-memory', '--port', String(POUCH_PORT), '--no-stdout-logs'], { cwd: mkdtempSync(join(tmpdir(), 'pouchdb-server-')) },
    'pouchdb-server has started');
  const browser = await chromium.launch(CHROMIUM);

  const ours = [];
  const theirs = [];
  const tuned = [];
  for (let run = 0; run < (process.env.BENCH_ONLY === 'cold' ? 0 : RUNS); run += 1) {
    // Every run starts from an empty server on both sides: PouchDB replicates into a new
    // database, and Keikaku's server gets a new data directory (the sample plans only).
    const runDir = mkdtempSync(join(tmpdir(), 'keikaku-bench-run-'));
    const keikaku = await startKeikaku(runDir);
    ours.push(await keikakuSync(browser, run, measures));
    await stopProcess(keikaku);
    rmSync(runDir, { recursive: true, force: true });
    // BENCH_ONLY=keikaku: Keikaku's sync alone, to compare two builds of it.
    if (process.env.BENCH_ONLY === 'keikaku') {
      console.error(`run ${run + 1}: Keikaku ${ours.at(-1)} ms`);
      continue;
    }
    theirs.push(await pouchSync(browser, `default-${run}`, bundle, {}));
    tuned.push(await pouchSync(browser, `tuned-${run}`, bundle, { batch_size: PUSH_SIZE }));
    console.error(`run ${run + 1}: Keikaku ${ours.at(-1)} ms, PouchDB ${Math.round(theirs.at(-1))} ms, tuned ${Math.round(tuned.at(-1))} ms`);
  }
  await browser.close();
  await stopProcess(pouch);

  const { painted: cold, inDocument, whole } = process.env.BENCH_ONLY === 'keikaku' ? { painted: [], inDocument: [], whole: [] } : await coldOfflineOpen(dataDir);
  rmSync(dataDir, { recursive: true, force: true });

  const k = median(ours);
  console.log(`\nKeikaku browser benchmarks (${PROFILE} build, ${EDITS} edits, median of ${RUNS} runs)\n`);
  console.log('| measure | figure |');
  console.log('|---|---|');
  if (ours.length > 0) {
    console.log(`| ${EDITS} offline edits, reconnect until all acknowledged: Keikaku | ${k} ms (${Math.round(EDITS / (k / 1000))} edits/s) |`);
  }
  for (const [label, times] of [['default replication', theirs], [`tuned, batch_size ${PUSH_SIZE}`, tuned]]) {
    if (times.length === 0) continue;
    const p = median(times);
    const ratios = ours.map((ms, i) => times[i] / ms);
    console.log(`| same workload, PouchDB → pouchdb-server, ${label} | ${Math.round(p)} ms (${Math.round(EDITS / (p / 1000))} edits/s) |`);
    console.log(`| ratio PouchDB (${label}) / Keikaku (target ≥ 10 tuned), of the medians | ${(p / k).toFixed(1)}× |`);
    console.log(`| the same ratio within each run | ${ratios.map((r) => `${r.toFixed(1)}×`).join(', ')} (median ${median(ratios).toFixed(1)}×) |`);
  }
  if (cold.length > 0) {
    console.log(`| cold offline open, Komagane roadmap from IndexedDB, painted (target < 300 ms) | ${Math.round(median(cold))} ms (runs: ${cold.map(Math.round).join(', ')}) |`);
    console.log(`| the same, first row in the document | ${Math.round(median(inDocument))} ms (runs: ${inDocument.map(Math.round).join(', ')}) |`);
    console.log(`| the same, whole table painted | ${Math.round(median(whole))} ms (runs: ${whole.map(Math.round).join(', ')}) |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
