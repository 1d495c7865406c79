// What the browser benchmarks share: Debian's Chromium, the server processes they start and
// stop, signing in, and waiting until a page is ready to be opened offline.

import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PROFILE = process.env.BENCH_PROFILE ?? 'release';
export const PASSWORD = 'keikaku-demo-2026';
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  // BENCH_JS_FLAGS: V8 flags for every browser the benchmark starts, e.g.
  // `--trace-wasm-compilation-times` (its output shows with DEBUG=pw:browser).
  args: [...(process.env.BENCH_JS_FLAGS ? [`--js-flags=${process.env.BENCH_JS_FLAGS}`] : []), '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The servers started, stopped when the benchmark ends, failed or not. */
const children = new Set();
process.on('exit', () => children.forEach((child) => child.kill('SIGTERM')));

/** Starts a process and resolves once `ready` appears in its output. */
export function startProcess(command, args, options, ready) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    const timer = setTimeout(() => reject(new Error(`${command} did not start`)), 60_000);
    const watch = (chunk) => {
      if (chunk.toString().includes(ready)) {
        clearTimeout(timer);
        resolveStart(child);
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}`)));
  });
}

export async function stopProcess(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** The environment the server runs with on `port`, keeping its data in `dataDir`. */
export function serverEnv(dataDir, port) {
  return {
    ...process.env,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: process.env.BENCH_SITE_ROOT ?? 'target/site',
    LEPTOS_OUTPUT_NAME: 'keikaku',
    LEPTOS_HASH_FILES: 'true',
    KEIKAKU_DATA_DIR: dataDir,
    KEIKAKU_DEMO_USERS: 'on',
    RUST_LOG: 'warn',
  };
}

/** The server binary under test. */
export function serverBinary() {
  // BENCH_SERVER and BENCH_SITE_ROOT run another build (a copy of the binary, with its
  // `hash.txt` beside it, and of `target/site`), to compare two builds run by run.
  return process.env.BENCH_SERVER ?? join(repo, 'target', PROFILE, 'server');
}

export function startKeikaku(dataDir, port) {
  return startProcess(serverBinary(), ['serve'], { cwd: repo, env: serverEnv(dataDir, port) }, 'listening on');
}

/** Signs in through the login form (a plain form: no script needed). `page` is a Playwright page or a `CdpPage`. */
export async function signIn(page, login) {
  await page.goto('/login');
  await page.evaluate(({ login, password }) => {
    document.getElementById('login-id').value = login;
    document.getElementById('login-password').value = password;
    document.querySelector('form.login-form').requestSubmit();
  }, { login, password: PASSWORD });
  await page.waitForFunction(() => !!document.querySelector('.account__name'), undefined, { timeout: 30_000, polling: 50 });
}

export async function waitForText(page, selector, text, timeout = 600_000) {
  await page.waitForFunction(
    ([s, t]) => document.querySelector(s)?.textContent?.includes(t),
    [selector, text],
    { timeout, polling: 20 },
  );
}

/** How many plans are kept for `login` in IndexedDB, or why none can be counted. */
export async function countKept(page, login) {
  return page.evaluate(async (name) => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes(name)) return `no database (${names.join(', ')})`;
    const db = await new Promise((done) => { const r = indexedDB.open(name); r.onsuccess = () => done(r.result); });
    return new Promise((done) => { const r = db.transaction('plans').objectStore('plans').count(); r.onsuccess = () => done(r.result); });
  }, `keikaku-plans-${login}`);
}

/** Waits until the service worker controls the page and `login`'s plans are kept in IndexedDB. */
export async function readyForOffline(page, login) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  // Polled from here: waitForFunction does not wait for an async predicate's promise.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const kept = await countKept(page, login);
    if (typeof kept === 'number' && kept >= 5) return;
    if (Date.now() > deadline) throw new Error(`plans not kept for offline use: ${kept}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}
