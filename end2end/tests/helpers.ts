import AxeBuilder from '@axe-core/playwright';
import { APIRequestContext, Browser, BrowserContext, expect, Page, request, test } from '@playwright/test';

/** The demo accounts' password (see the README). */
export const DEMO_PASSWORD = 'keikaku-demo-2026';

/** One URL of every page type, with text that proves it rendered. */
export const PAGE_TYPES = [
  { name: 'home', path: '/', heading: '自治体DX計画', readsWithoutApp: true },
  { name: 'plan overview', path: '/plans/komagane-dx-strategy', heading: 'こまがねDX戦略', readsWithoutApp: true },
  { name: 'plan overview (principles list)', path: '/plans/ena-ict-plan-2', heading: '第2期恵那市', readsWithoutApp: true },
  { name: 'measure', path: '/plans/komagane-dx-strategy/measures/regional-01', heading: '少子化対策', readsWithoutApp: true },
  { name: 'measure (reprint)', path: '/plans/shimada-dx-plan/measures/online-procedures', heading: '行政手続のオンライン化の推進', readsWithoutApp: true },
  { name: 'roadmap', path: '/plans/komagane-dx-strategy/roadmap', heading: '工程表', readsWithoutApp: true },
  { name: 'glossary', path: '/plans/komagane-dx-strategy/glossary', heading: '用語集', readsWithoutApp: true },
  { name: 'search', path: '/search?q=%E9%98%B2%E7%81%BD', heading: '計画を検索', readsWithoutApp: true },
  { name: 'login', path: '/login', heading: 'ログイン', readsWithoutApp: false },
  { name: 'sign-out', path: '/logout', heading: 'ログアウト', readsWithoutApp: false },
  { name: 'not found', path: '/plans/no-such-plan', heading: 'ページが見つかりません', readsWithoutApp: true },
];

/**
 * Waits until the app has hydrated, so interactions run against the live app. A fresh browser
 * context first downloads and compiles the debug build's WebAssembly (14 MB), which on a loaded
 * CI machine can take longer than the default wait; how fast the app starts is measured by the
 * benchmarks, not here.
 */
export async function hydrated(page: Page) {
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
}

/**
 * Waits until a visitor's reading page has decided it needs no app (`data-app="static"`: nobody
 * is signed in on this device, so no WebAssembly loads), and checks that none was requested.
 */
export async function readWithoutApp(page: Page) {
  await expect(page.locator('html[data-app="static"]')).toHaveCount(1, { timeout: 20_000 });
  const builds = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => e.name).filter((name) => /\/pkg\/.*\.(js|wasm)$/.test(name)),
  );
  expect(builds, 'a visitor\'s reading page loads no app').toEqual([]);
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(0);
}

/** Runs axe-core for WCAG 2.1 A and AA and fails with a readable list of violations. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  expect(summary, summary.join('\n')).toEqual([]);
}

/**
 * On a page in another language, the Japanese that is left (the plan's own text, names) must
 * be marked `lang="ja"` so screen readers switch voice: lists every visible text, and every
 * accessible name or placeholder, whose nearest `lang` is not Japanese but holds kana or kanji.
 */
export async function unmarkedJapanese(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const japanese = /[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]/;
    const langOf = (node: Element | null) => node?.closest('[lang]')?.getAttribute('lang') ?? '';
    const leaks: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      const text = node.textContent?.trim() ?? '';
      if (!parent || !japanese.test(text) || parent.closest('script, style, template, [hidden]')) continue;
      if (langOf(parent) !== 'ja') leaks.push(`${parent.tagName.toLowerCase()}: ${text.slice(0, 60)}`);
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(name) ?? '';
        if (japanese.test(value) && langOf(el) !== 'ja') leaks.push(`${el.tagName.toLowerCase()}[${name}]: ${value.slice(0, 60)}`);
      }
    }
    return leaks;
  });
}

/** The document must not scroll sideways; wide tables scroll inside their own frame. */
export async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Collects the page's uncaught errors and the errors its console reports, as they come. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/** Collects Content-Security-Policy violations the page reports. */
export async function watchPolicyViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

/**
 * Holds the app's WebAssembly back until the returned function is called, as on a slow tablet,
 * so a test can use the server-rendered page before it hydrates. The build files must come over
 * the network (no service worker controlling the page, or `serviceWorkers: 'block'`).
 */
export async function holdTheApp(page: Page): Promise<() => void> {
  let release: () => void = () => {};
  const held = new Promise<void>((done) => { release = done; });
  await page.route('**/pkg/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/** Signs in with one of the demo accounts, on the shared server or the one at `base`. */
export async function signIn(page: Page, login: string, base = '') {
  await page.goto(`${base}/login`);
  await page.getByLabel('ログインID').fill(login);
  await page.getByLabel('パスワード').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.locator('.account__name')).toBeVisible();
}

/** A demo account's session for calling the JSON API directly, as another device would. */
export interface ApiSession {
  api: APIRequestContext;
  login: string;
  csrf: string;
}

export async function apiSession(base: string, login: string): Promise<ApiSession> {
  const api = await request.newContext({ baseURL: base });
  const answer = await api.post('/api/v1/session', { data: { login, password: DEMO_PASSWORD } });
  expect(answer.status(), await answer.text()).toBe(200);
  return { api, login, csrf: (await answer.json()).csrf_token };
}

/**
 * Pushes one change to a measure's progress for 令和6年度 through the sync API, as a device
 * `client` of the session's user would (mutation ids `${client}-${counter}`), and expects it
 * applied.
 */
export async function pushChange(session: ApiSession, client: string, counter: number, plan: string, measure: string, change: object) {
  const answer = await session.api.post('/api/v1/sync/push', {
    headers: { 'X-CSRF-Token': session.csrf, 'Keikaku-Replica-User': encodeURIComponent(session.login) },
    data: {
      client_id: client,
      mutations: [{
        id: `${client}-${counter}`,
        key: { plan_id: plan, target: { kind: 'measure', id: measure }, fiscal_year: 2024 },
        change,
      }],
    },
  });
  expect(answer.status(), await answer.text()).toBe(200);
  expect((await answer.json()).results[0].outcome.type, `${measure}: ${JSON.stringify(change)}`).toBe('applied');
}

/** Every progress row the session's user may read, pulled as their replica would. */
export async function pullEverything(session: ApiSession): Promise<any[]> {
  const changes: any[] = [];
  let since = 0;
  for (;;) {
    const answer = await session.api.get(`/api/v1/sync/pull?since=${since}&limit=1000`, {
      headers: { 'Keikaku-Replica-User': encodeURIComponent(session.login) },
    });
    expect(answer.status(), await answer.text()).toBe(200);
    const page = await answer.json();
    changes.push(...page.changes);
    if (!page.more) return changes;
    since = page.cursor;
  }
}

/** Waits until the service worker controls the page and the plans are kept for offline use. */
export async function readyForOffline(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first load is not controlled until the worker claims it; a reload is.
  await page.reload();
  await hydrated(page);
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const openDb = (dbName) => new Promise((done, fail) => {
            const request = indexedDB.open(dbName);
            request.onsuccess = () => done(request.result);
            request.onerror = () => fail(request.error);
          });
          const known = (await indexedDB.databases()).map((d) => d.name);
          if (!known.includes('keikaku-device')) return 0;
          const device = await openDb('keikaku-device');
          // Who is signed in on the device (the key dates from "who signed in last").
          const login = await new Promise((done) => {
            const get = device.transaction('device').objectStore('device').get('last_login');
            get.onsuccess = () => done(get.result);
          });
          const name = `keikaku-plans-${login}`;
          // Opening a database that does not exist would create it, empty.
          if (!(await indexedDB.databases()).some((d) => d.name === name)) return 0;
          const db = await new Promise<IDBDatabase>((done, fail) => {
            const request = indexedDB.open(name);
            request.onsuccess = () => done(request.result);
            request.onerror = () => fail(request.error);
          });
          if (!db.objectStoreNames.contains('plans')) return 0;
          return new Promise<number>((done) => {
            const count = db.transaction('plans').objectStore('plans').count();
            count.onsuccess = () => done(count.result);
          });
        }),
      { timeout: 15_000 },
    )
    .toBeGreaterThanOrEqual(5);
}

/**
 * A device of its own (a browser context with the project's screen), signed in as `login` or
 * not; its script errors (a hydration mismatch panics the app) are added to `errors`.
 */
export async function openDevice(
  browser: Browser,
  login: string | null,
  errors: string[],
  javaScriptEnabled = true,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...test.info().project.use, javaScriptEnabled });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${login}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /hydrat|panicked/i.test(message.text())) errors.push(`${login}: ${message.text()}`);
  });
  if (login) await signIn(page, login);
  return { context, page };
}
