// Browser benchmarks of the reading room (issue 20), printed as a table. Not a test.
//
// 1. Notes found again after a revision: a council member keeps 500 notes on version 1 of the
//    Komagane plan; version 2 (50 scattered edits, from `keikaku-bench-revisions --fixtures`)
//    is published; opening the document places all 500 in it. Timed by the app itself on
//    the performance timeline (`keikaku:place-notes`); the app's mount on the same page load
//    is the baseline.
// 2. Cold offline open of the document: a fresh browser process, the server down, navigation
//    to the Komagane document (never opened before: the service worker writes its first view
//    from the kept plan, prepared when the plan was kept) until its first measure is painted;
//    and until the app has taken over from the first view with its own page.
//
// Needs the app built (`cargo leptos build --release`, or debug with BENCH_PROFILE=debug),
// `keikaku-bench-revisions` of the same profile, and Debian's Chromium. Run from the
// repository root: `./scripts/bench.sh` or `node bench/browser/reading.mjs`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  CHROMIUM, PASSWORD, PROFILE, median, readyForOffline, repo, serverBinary, serverEnv, signIn, startKeikaku, stopProcess,
} from './common.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PORT = 3953;
const BASE = `http://127.0.0.1:${PORT}`;
const PLAN = 'komagane-dx-strategy';
const MEMBER = 'komagane-council';
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3000);

/** A JSON API session of a demo account. */
async function session(login) {
  const answer = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  if (answer.status !== 200) throw new Error(`sign-in of ${login}: ${answer.status} ${await answer.text()}`);
  const cookie = answer.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrf_token: csrf } = await answer.json();
  return { login, cookie, csrf };
}

async function call(who, method, path, body) {
  const answer = await fetch(`${BASE}${path}`, {
    method,
    headers: {
      cookie: who.cookie,
      'x-csrf-token': who.csrf,
      'keikaku-replica-user': encodeURIComponent(who.login),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
  return answer.json();
}

/**
 * A data directory whose Komagane plan has version 2 published, and where the council member
 * keeps 500 notes made on version 1.
 */
async function prepare(fixtures) {
  const dataDir = mkdtempSync(join(tmpdir(), 'keikaku-bench-reading-'));
  // The first start loads the sample plans; the revision is imported as an administrator would.
  await stopProcess(await startKeikaku(dataDir, PORT));
  execFileSync(serverBinary(), ['import', '--revision', '--label', '令和8年3月改定', '--date', '2026-03', join(fixtures, 'revised.json')],
    { cwd: repo, env: serverEnv(dataDir, PORT), stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startKeikaku(dataDir, PORT);
  const selectors = JSON.parse(readFileSync(join(fixtures, 'notes.json'), 'utf8'));
  const member = await session(MEMBER);
  const client = 'bench-reading';
  const mutations = selectors.map((selector, i) => {
    const id = `${client}-${i + 1}`;
    return {
      id,
      key: { notebook: PLAN },
      change: {
        op: 'append_annotation',
        annotation: {
          id, plan_id: PLAN, version: 1, kind: 'highlight', target: { type: 'passage', selector },
          text: i % 3 === 0 ? `確認事項 ${i}` : '', made_at: 1_780_000_000 + i,
        },
      },
    };
  });
  const pushed = await call(member, 'POST', '/api/v1/sync/push', { client_id: client, mutations });
  const applied = pushed.results.filter((r) => r.outcome.type === 'applied').length;
  if (applied !== selectors.length) throw new Error(`${applied} of ${selectors.length} notes stored`);
  const admin = await session('komagane-admin');
  await call(admin, 'POST', `/api/v1/plans/${PLAN}/revision/publish`);
  return { dataDir, server, notes: selectors.length };
}

/** The page's `keikaku:*` measures by name: the longest of each. */
function longest(page, name) {
  return page.evaluate((name) => Math.max(0, ...performance.getEntriesByName(name).map((m) => m.duration)), name);
}

async function placeNotes(notes) {
  const browser = await chromium.launch(CHROMIUM);
  const context = await browser.newContext({ baseURL: BASE, locale: 'ja-JP', viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await signIn(page, MEMBER);
  const placed = [];
  const mounted = [];
  let shown = null;
  for (let run = 0; run < RUNS; run += 1) {
    await page.goto(`/plans/${PLAN}/document`);
    await page.waitForFunction((n) => document.querySelector('.notes-panel > summary')?.textContent?.includes(`（${n}件）`),
      notes, { timeout: 60_000, polling: 50 });
    placed.push(await longest(page, 'keikaku:place-notes'));
    mounted.push(await longest(page, 'keikaku:mount'));
    shown = await page.evaluate(() => ({
      painted: (CSS.highlights?.get('keikaku-notes')?.size) ?? 0,
      changed: document.querySelectorAll('.notes-panel__list--changed li').length,
    }));
  }
  await browser.close();
  return { placed, mounted, shown };
}

async function coldDocumentOpen(dataDir, server) {
  const profile = mkdtempSync(join(tmpdir(), 'keikaku-bench-profile-'));
  const documentPage = `${BASE}/plans/${PLAN}/document`;
  {
    const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, baseURL: BASE, locale: 'ja-JP' });
    const page = await context.newPage();
    await signIn(page, MEMBER);
    await page.goto(`/plans/${PLAN}`);
    await readyForOffline(page, MEMBER);
    // As a tablet left on would have: the worker has prepared the plan's pages.
    const prepared = () => page.evaluate(async (plan) => {
      const views = await caches.open('keikaku-first-views');
      return (await views.keys()).some((r) => {
        const query = new URL(r.url).searchParams;
        return query.get('plan') === plan && query.get('page') === 'document';
      });
    }, PLAN);
    for (let waited = 0; !(await prepared()); waited += 200) {
      if (waited > 30_000) throw new Error('the document was not prepared within 30 s');
      await page.waitForTimeout(200);
    }
    await context.close();
  }
  await stopProcess(server);
  const painted = [];
  const taken = [];
  const timelines = [];
  for (let run = 0; run < RUNS; run += 1) {
    const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, locale: 'ja-JP', viewport: { width: 1024, height: 768 } });
    const page = context.pages()[0] ?? await context.newPage();
    // As on a tablet whose browser is already running (see run.mjs).
    await page.waitForTimeout(SETTLE_MS);
    await page.addInitScript(() => {
      window.__documentShown = new Promise((shown) => {
        new MutationObserver((_, observer) => {
          if (!document.querySelector('#doc .doc-measure')) return;
          observer.disconnect();
          window.__inDocumentAt = performance.now();
          window.__firstView = document.querySelector('#keikaku-first-view')?.dataset.from ?? 'none';
          // Painted: after the rendering of the frame that follows.
          requestAnimationFrame(() => setTimeout(() => shown(performance.now()), 0));
        }).observe(document, { childList: true, subtree: true });
      });
      // The app's own page in place of the first view (or without one: its document at once).
      window.__appShown = new Promise((shown) => {
        new MutationObserver((_, observer) => {
          if (!document.querySelector('#doc .doc-measure') || document.querySelector('#keikaku-first-view')) return;
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => shown(performance.now()), 0));
        }).observe(document, { childList: true, subtree: true });
      });
    });
    await page.goto(documentPage);
    const at = await Promise.race([
      page.evaluate(() => window.__documentShown),
      new Promise((_, fail) => setTimeout(() => fail(new Error('no document within 30 s')), 30_000)),
    ]);
    painted.push(at);
    const firstView = await page.evaluate(() => window.__firstView);
    taken.push(await Promise.race([
      page.evaluate(() => window.__appShown),
      new Promise((_, fail) => setTimeout(() => fail(new Error('the app did not take over within 30 s')), 30_000)),
    ]));
    timelines.push(await page.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation');
      const phases = performance.getEntriesByType('measure').filter((m) => m.name.startsWith('keikaku:'))
        .map((m) => `${m.name.slice(8)} ${Math.round(m.startTime)}–${Math.round(m.startTime + m.duration)}`);
      return [`page ${Math.round(nav.responseStart)}–${Math.round(nav.responseEnd)}`, ...phases,
        `in document ${Math.round(window.__inDocumentAt)}`].join(', ');
    }) + `, first view ${firstView}`);
    await context.close();
  }
  rmSync(profile, { recursive: true, force: true });
  return { painted, taken, timelines };
}

async function main() {
  const fixtures = mkdtempSync(join(tmpdir(), 'keikaku-bench-fixtures-'));
  execFileSync(join(repo, 'target', PROFILE, 'keikaku-bench-revisions'), ['--fixtures', fixtures], { stdio: 'inherit' });
  const { dataDir, server, notes } = await prepare(fixtures);
  const { placed, mounted, shown } = await placeNotes(notes);
  const cold = await coldDocumentOpen(dataDir, server);
  cold.timelines.forEach((t, i) => console.error(`  cold document open, run ${i + 1}: ${t}`));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(fixtures, { recursive: true, force: true });

  const runs = (values) => values.map(Math.round).join(', ');
  console.log(`\nKeikaku reading-room benchmarks (${PROFILE} build, median of ${RUNS} runs)\n`);
  console.log('| measure | figure |');
  console.log('|---|---|');
  console.log(`| ${notes} notes on version 1 placed in version 2 (50 edits) in the browser (target < 200 ms) | ${median(placed).toFixed(1)} ms (runs: ${runs(placed)}); ${shown.painted} painted, ${shown.changed} changed |`);
  console.log(`| baseline: the app's mount on the same loads | ${median(mounted).toFixed(1)} ms (runs: ${runs(mounted)}) |`);
  console.log(`| cold offline open of the Komagane document, first measure painted (target < 500 ms) | ${Math.round(median(cold.painted))} ms (runs: ${runs(cold.painted)}) |`);
  console.log(`| the same opens: the app's own page in place | ${Math.round(median(cold.taken))} ms (runs: ${runs(cold.taken)}) |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
