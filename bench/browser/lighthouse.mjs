// Lighthouse on every public page type, as a citizen's phone meets it: the release build,
// Debian's Chromium, Lighthouse's mobile defaults (Moto G Power, simulated slow 4G, 4× CPU
// slowdown). Prints one row per page: the four category scores, LCP, total transfer and the
// compressed JavaScript and WebAssembly it loads. Targets (issue 21): performance ≥ 95 and
// accessibility, best practices and SEO 100; JS + wasm ≤ 350 KB.
//
// Lighthouse 12.2.3: 13 needs Node 22 (see the env notes). Runs each page RUNS times and keeps
// the median run by performance score, since one run on this machine is noisy.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM, PASSWORD, startKeikaku, stopProcess } from './common.mjs';

const PORT = Number(process.env.BENCH_PORT ?? 3954);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// The interface's language, chosen as a reader's switch does (its cookie): Japanese unless
// BENCH_LANG=en. Without it, headless Chromium's Accept-Language (en-US) would decide.
const LANG = process.env.BENCH_LANG ?? 'ja';
const BASE = `http://127.0.0.1:${PORT}`;
const PLAN = 'komagane-dx-strategy';
// The last row is a staff member's: the same measure page signed in, which loads the app
// (its WebAssembly as the Brotli copy), for comparison with the citizen's row.
const PAGES = [
  ['home', '/'],
  ['plan overview', `/plans/${PLAN}`],
  ['progress overview', `/plans/${PLAN}/progress`],
  ['measure', `/plans/${PLAN}/measures/regional-06`],
  ['roadmap', `/plans/${PLAN}/roadmap`],
  ['glossary', `/plans/${PLAN}/glossary`],
  ['search', `/search?q=${encodeURIComponent('防災')}`],
  ['data page', `/plans/${PLAN}/data`],
  ['measure, signed in', `/plans/${PLAN}/measures/regional-06`, 'komagane-editor'],
];

// BENCH_PAGES: a comma-separated subset of the names above, e.g. `home,measure`.
const chosen = process.env.BENCH_PAGES?.split(',');
const pages = chosen ? PAGES.filter(([name]) => chosen.includes(name)) : PAGES;

/** Audits that count toward a score (not informative or manual ones). */
const isScored = (audit) => ['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode);

const kb = (bytes) => `${Math.round(bytes / 1024)} KB`;
const score = (lhr, id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);

/** Bytes of JavaScript and WebAssembly the page transferred. */
function scriptBytes(lhr) {
  const items = lhr.audits['network-requests']?.details?.items ?? [];
  return items
    .filter((r) => r.resourceType === 'Script' || /\.wasm(\?|$)/.test(r.url))
    .reduce((sum, r) => sum + (r.transferSize ?? 0), 0);
}

async function audit(port, url, session) {
  const cookie = [`keikaku_lang=${LANG}`, session].filter(Boolean).join('; ');
  const result = await lighthouse(url, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
    extraHeaders: { Cookie: cookie },
  });
  return result.lhr;
}

/** A demo account's session cookie (`name=value`), signed in through the JSON API. */
async function sessionCookie(login) {
  const answer = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  if (!answer.ok) throw new Error(`signing in ${login}: ${answer.status}`);
  return answer.headers.get('set-cookie').split(';')[0];
}

const dataDir = mkdtempSync(join(tmpdir(), 'keikaku-bench-lighthouse-'));
const server = await startKeikaku(dataDir, PORT);
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM.executablePath,
  chromeFlags: ['--headless=new', ...CHROMIUM.args],
});
try {
  const rows = [];
  const notes = [];
  for (const [name, path, login] of pages) {
    const cookie = login ? await sessionCookie(login) : undefined;
    const runs = [];
    for (let i = 0; i < RUNS; i += 1) runs.push(await audit(chrome.port, `${BASE}${path}`, cookie));
    runs.sort((a, b) => score(a, 'performance') - score(b, 'performance'));
    const lhr = runs[Math.floor(runs.length / 2)];
    // Every weighted audit of the four categories that did not pass, and what the console said.
    const failed = Object.values(lhr.categories)
      .flatMap((c) => c.auditRefs.filter((r) => r.weight > 0).map((r) => lhr.audits[r.id]))
      .filter((a) => a.score !== null && a.score < 1 && isScored(a))
      .map((a) => a.id);
    for (const item of lhr.audits['errors-in-console']?.details?.items ?? []) {
      notes.push(`${name}: console ${item.source ?? ''} ${item.description ?? ''} ${item.url ?? ''}`.trim());
    }
    rows.push({
      page: name,
      performance: score(lhr, 'performance'),
      accessibility: score(lhr, 'accessibility'),
      'best practices': score(lhr, 'best-practices'),
      seo: score(lhr, 'seo'),
      LCP: `${(lhr.audits['largest-contentful-paint'].numericValue / 1000).toFixed(1)} s`,
      transfer: kb(lhr.audits['total-byte-weight'].numericValue),
      'JS + wasm': kb(scriptBytes(lhr)),
      'failed audits': [...new Set(failed)].join(' '),
    });
  }
  console.log(`Lighthouse ${lighthouse.version ?? '12.2.3'}, mobile defaults, interface ${LANG}, median of ${RUNS} runs per page`);
  console.table(rows);
  for (const note of notes) console.log(note);
} finally {
  await chrome.kill();
  await stopProcess(server);
}
