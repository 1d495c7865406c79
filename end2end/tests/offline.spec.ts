import { expect, type Page, test } from '@playwright/test';
import { expectAccessible, hydrated, readyForOffline, signIn } from './helpers';
import { nextRelease, ownServerForEachTest } from './own-server';

// Each project gets its own server, stopped and restarted by the test.
const PORTS = { phone: 3927, tablet: 3928 };
const ENGLISH_PORTS = { phone: 3987, tablet: 3988 };

/**
 * Once the test sets `hold-the-app` in session storage, the app's WebAssembly waits on each
 * page until the test calls `__releaseApp()`, as on a slow tablet.
 */
async function holdTheAppOnRequest(page: Page) {
  await page.addInitScript(() => {
    const w = window as any;
    const instantiate = WebAssembly.instantiateStreaming;
    w.__appHeld = new Promise<void>((release) => { w.__releaseApp = release; });
    if (sessionStorage.getItem('hold-the-app') === 'yes') {
      WebAssembly.instantiateStreaming = (...args: any[]) =>
        w.__appHeld.then(() => (instantiate as any).apply(WebAssembly, args));
    }
  });
}

/**
 * Opens `url` with the app held: the service worker's first view, written from the copy
 * prepared ahead or rendered live, with its deferred parts put in place without the app.
 */
async function openFirstView(page: Page, url: string, from: 'prepared' | 'rendered') {
  const answer = await page.goto(url);
  const firstView = page.locator('#keikaku-first-view');
  await expect(firstView).toHaveAttribute('data-from', from);
  await expect(firstView.locator('template')).toHaveCount(0);
  expect(await page.locator('html[data-hydrated]').count()).toBe(0);
  return { html: await answer!.text(), firstView };
}

/** The parts of a roadmap page that the service worker's first view and the app both write. */
function roadmapParts(page: Page) {
  return page.evaluate(() => {
    // Leptos marks where it put inner HTML with an empty comment.
    const html = (selector: string) => document.querySelector(selector)?.innerHTML.replace(/<!---->/g, '') ?? null;
    const table = document.querySelector('.roadmap-table')?.cloneNode(true) as HTMLElement | undefined;
    // What was achieved comes later, from the replica, in the app only.
    table?.querySelectorAll('.cell__actual').forEach((e) => e.remove());
    return {
      breadcrumbs: html('.breadcrumbs'),
      header: html('.plan-header'),
      filters: html('.filters__fields'),
      summary: html('.roadmap-summary'),
      legend: html('.stage-legend'),
      table: table?.outerHTML ?? null,
    };
  });
}

/**
 * What a reader sees of the document that the service worker's first view and the app both
 * write: every passage with its key and text (what notes are anchored to), the headings and the
 * contents.
 */
function documentParts(page: Page) {
  return page.evaluate(() => {
    const texts = (selector: string, attribute: string) => [...document.querySelectorAll(selector)]
      .map((e) => [e.getAttribute(attribute), e.textContent]);
    return {
      breadcrumbs: document.querySelector('.breadcrumbs')?.textContent ?? null,
      version: document.querySelector('.version-bar')?.textContent ?? null,
      passages: texts('#doc [data-anchor]', 'data-anchor'),
      headings: texts('#doc :is(h1, h2, h3, h4)', 'id'),
      contents: texts('.doc-toc--side a', 'href'),
      tables: document.querySelectorAll('#doc table').length,
    };
  });
}

test.describe('with the server stopped', () => {
  // Many steps, two server starts and a stop: more than the default 30 s on a loaded machine.
  test.describe.configure({ timeout: 90_000 });
  const ownServer = ownServerForEachTest(PORTS);

  test('every route opens from what the browser kept, and progress is recorded locally', async ({ page }) => {
    const server = ownServer();
    const base = server.url;
    await signIn(page, 'komagane-editor', base);
    await page.goto(`${base}/plans/komagane-dx-strategy/roadmap`);
    await hydrated(page);
    await readyForOffline(page);

    await server.stop();

    // A page that was open, reloaded: from the shell like any other, so it says it is offline
    // (a copy of the server's page would show the role and progress as they were). Its
    // sign-out works offline: the shared-tablet tests use it.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('工程表');
    await expect(page.locator('.account__name')).toHaveText('駒ヶ根市 企画振興課 職員（オフライン）');
    // Pages never visited, through the app shell, built from the kept plans.
    for (const [path, heading] of [
      ['/plans/ena-ict-plan-2', '第2期恵那市'],
      ['/plans/komagane-dx-strategy/measures/internal-02', ''],
      ['/plans/komagane-dx-strategy/glossary', '用語集'],
      ['/', '自治体DX計画'],
    ]) {
      await page.goto(`${base}${path}`);
      await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
      if (heading) await expect(page.getByRole('heading', { level: 1 })).toContainText(heading);
      await expect(page.locator('.offline-banner')).toBeVisible();
      // The header names whose replica this device uses, not a sign-in link the server can't serve.
      await expect(page.locator('.account__name')).toHaveText('駒ヶ根市 企画振興課 職員（オフライン）');
      await expect(page.locator('.account__login')).toHaveCount(0);
      // The service worker read who signed in, and the plan of a plan page, into the app shell
      // it served, and the shell's script handed them on before the app started.
      const early = await page.evaluate(async () => {
        const device = await (window as any).__keikakuDevice;
        const plan = await (window as any).__keikakuEarly;
        return {
          device: [device.deviceRead, device.login, device.from],
          plan: [plan.planRead, plan.planId, plan.from ?? null],
          elementsLeft: document.querySelectorAll('#keikaku-early-plan').length,
        };
      });
      const planId = path.match(/^\/plans\/([^/]+)/)?.[1] ?? null;
      expect(early).toEqual({
        device: [true, 'komagane-editor', 'service-worker'],
        plan: planId ? [true, planId, 'service-worker'] : [false, null, null],
        elementsLeft: 0,
      });
    }
    await page.goto(`${base}/search?q=%E9%98%B2%E7%81%BD`);
    await expect(page.locator('.search-hit, .search-results li').first()).toBeVisible();
    await expectAccessible(page);

    // Record progress offline (企画振興課 leads internal-02).
    const progress = `${base}/plans/komagane-dx-strategy/measures/internal-02/progress?year=2024`;
    await page.goto(progress);
    await expect(page.getByLabel('状況', { exact: true })).toBeEnabled();
    await page.getByLabel('状況', { exact: true }).selectOption('on_track');
    await page.getByLabel('進捗率（%）').fill('40');
    await page.getByLabel('進捗率（%）').blur();
    await page.getByLabel('実績', { exact: true }).fill('オフラインで記録した実績');
    await page.getByLabel('メモ', { exact: true }).fill('現場で確認したこと');
    await page.getByRole('button', { name: 'メモを追加' }).click();
    await expect(page.locator('.field-notes li')).toHaveCount(1);
    await expect(page.locator('.sync-indicator')).toContainText('未送信4件');
    await expectAccessible(page);

    // Close the page and open it again, still offline: everything is still here.
    const context = page.context();
    await page.close();
    const again = await context.newPage();
    await again.goto(progress);
    await expect(again.getByLabel('実績', { exact: true })).toHaveValue('オフラインで記録した実績');
    await expect(again.getByLabel('状況', { exact: true })).toHaveValue('on_track');
    await expect(again.getByLabel('進捗率（%）')).toHaveValue('40');
    await expect(again.locator('.field-notes li')).toHaveCount(1);
    await expect(again.locator('.sync-indicator')).toContainText('未送信4件');
    // The measure page, opened offline, sets what was recorded (not yet sent) against the plan.
    await again.goto(`${base}/plans/komagane-dx-strategy/measures/internal-02`);
    const year2024 = again
      .getByRole('table', { name: '年度ごとの計画と実績' })
      .getByRole('row', { name: /2024/ });
    await expect(year2024).toContainText('順調');
    await expect(year2024).toContainText('40%');

    // The server comes back: the edits sync by themselves, each exactly once.
    await server.start();
    await expect(again.locator('.sync-indicator')).toContainText('同期済み', { timeout: 20_000 });
    // The header asks the server again: the session, with its sign-out button.
    await expect(again.getByRole('button', { name: 'ログアウト' })).toBeVisible();
    await expect(again.locator('.account__name')).toHaveText('駒ヶ根市 企画振興課 職員（職員（編集者））');
    const check = await context.request.get(`${base}/api/v1/sync/pull?since=0&limit=1000`, {
      headers: { 'Keikaku-Replica-User': 'komagane-editor' },
    });
    expect(check.status()).toBe(200);
    const changes = (await check.json()).changes as any[];
    const mine = changes.filter((c) => c.key?.target?.id === 'internal-02' && c.key?.fiscal_year === 2024);
    const field = (name: string) => mine.filter((c) => c.field === name);
    expect(field('status').map((c) => c.value)).toEqual([{ status: 'on_track' }]);
    expect(field('percent').map((c) => c.value)).toEqual([{ percent: 40 }]);
    expect(field('results').map((c) => c.value)).toEqual([{ text: 'オフラインで記録した実績' }]);
    expect(mine.filter((c) => c.note).map((c) => c.note.text)).toEqual(['現場で確認したこと']);
    // The audit log has one entry per edit.
    const history = await context.request.get(`${base}/api/v1/plans/komagane-dx-strategy/measures/internal-02/history`);
    expect(history.status()).toBe(200);
  });

  test('the service worker writes the roadmap from the kept plan before the app starts, and the app takes over with the same page', async ({ page }) => {
    const server = ownServer();
    const base = server.url;
    await holdTheAppOnRequest(page);
    // Whether a loading message ever reaches the document is recorded.
    await page.addInitScript(() => {
      const w = window as any;
      w.__sawLoading = false;
      new MutationObserver(() => {
        if (document.querySelector('main .loading')) w.__sawLoading = true;
      }).observe(document, { childList: true, subtree: true });
    });
    await signIn(page, 'komagane-editor', base);
    // Any page online; offline, the roadmap is written from IndexedDB.
    await page.goto(`${base}/plans/komagane-dx-strategy`);
    await readyForOffline(page);
    // Once the plans are kept, the worker prepares each plan's roadmap.
    const preparedPlans = () => page.evaluate(async () => {
      const views = await caches.open('keikaku-first-views');
      return (await views.keys()).map((r) => new URL(r.url).searchParams.get('plan'));
    });
    await expect.poll(preparedPlans).toContain('komagane-dx-strategy');
    await server.stop();
    await page.evaluate(() => sessionStorage.setItem('hold-the-app', 'yes'));

    const roadmap = `${base}/plans/komagane-dx-strategy/roadmap`;
    // From the prepared copy; compared with the app's own page below. The table's later
    // sections came in a template, put in place after the first screen.
    const { html, firstView } = await openFirstView(page, roadmap, 'prepared');
    await expect(firstView.locator('.roadmap-table tbody tr').first()).toBeVisible();
    expect(html).toContain('<template><tbody>');
    await expect(page).toHaveTitle('工程表｜こまがねDX戦略 | Keikaku 計画');
    await expect(firstView.getByRole('heading', { level: 1 })).toHaveText('工程表（ロードマップ）');
    await expect(firstView.locator('.breadcrumbs [aria-current="page"]')).toHaveText('工程表');
    await expect(firstView.locator('.plan-tabs [aria-current="page"]')).toHaveText('工程表');
    await expectAccessible(page);
    const parts = () => roadmapParts(page);
    const written = await parts();
    expect(written.table).toContain('<tbody>');

    // A keyboard user already on a row keeps their place when the app takes over.
    const row = firstView.locator('.roadmap-table tbody a').nth(3);
    const rowAddress = await row.getAttribute('href');
    await row.focus();

    await page.evaluate(() => (window as any).__releaseApp());
    await hydrated(page);
    await expect(page.locator('#keikaku-first-view')).toHaveCount(0);
    // Polled: the page is built again once this device's progress has loaded, which may come
    // after the takeover; focus must end on the same row either way.
    const focusedAddress = () => page.evaluate(() => document.activeElement?.getAttribute('href'));
    await expect.poll(focusedAddress).toBe(rowAddress);
    await expect(page.locator('.offline-banner')).toBeVisible();
    expect(await parts()).toEqual(written);
    expect(await page.evaluate(() => (window as any).__sawLoading)).toBe(false);
    // Still there, or back once any later render has settled.
    await expect.poll(focusedAddress).toBe(rowAddress);
    // The app's page is live: its filters go through the router.
    await page.getByLabel('年度').selectOption('2025');
    await page.getByRole('button', { name: '絞り込む' }).click();
    await expect(page).toHaveURL(/year=2025/);
    await expect(page.getByRole('link', { name: '条件を解除' })).toBeVisible();
    await expect(page.locator('.roadmap-table thead th')).toHaveCount(2);

    // A filtered address is written filtered, as the app would.
    await page.goto(`${roadmap}?node=&department=&year=2025`);
    await expect(firstView.locator('#filter-year')).toHaveValue('2025');
    await expect(firstView.locator('.roadmap-table thead th')).toHaveCount(2);
    await expect(firstView).toHaveAttribute('data-from', 'rendered');
    await page.evaluate(() => (window as any).__releaseApp());
    await hydrated(page);
    await expect(page.locator('#filter-year')).toHaveValue('2025');

    // The kept plan changes (as when it is kept anew): the prepared copy is not shown; the page
    // is written from the plan as kept now, and that is prepared for the next time. The new
    // title holds what String.replace would read as patterns: it must arrive as written.
    await page.evaluate(async () => {
      const db: IDBDatabase = await new Promise((done, fail) => {
        const open = indexedDB.open('keikaku-plans-komagane-editor');
        open.onsuccess = () => done(open.result);
        open.onerror = () => fail(open.error);
      });
      const plans = () => db.transaction('plans', 'readwrite').objectStore('plans');
      const kept: string = await new Promise((done) => { const get = plans().get('komagane-dx-strategy'); get.onsuccess = () => done(get.result); });
      const plan = JSON.parse(kept);
      plan.file.plan.title = "こまがねDX戦略（改訂 $' $` $$ $&）";
      await new Promise((done) => { plans().put(JSON.stringify(plan), 'komagane-dx-strategy').onsuccess = done; });
      db.close();
    });
    for (const from of ['rendered', 'prepared']) {
      await page.goto(roadmap);
      await expect(firstView).toHaveAttribute('data-from', from);
      await expect(page).toHaveTitle("工程表｜こまがねDX戦略（改訂 $' $` $$ $＆） | Keikaku 計画");
      await page.evaluate(() => (window as any).__releaseApp());
      await hydrated(page);
      await expect(page).toHaveTitle("工程表｜こまがねDX戦略（改訂 $' $` $$ $＆） | Keikaku 計画");
    }
  });
  test('the service worker writes the plan document from the kept plan before the app starts, and the app takes over with the same text', async ({ page }) => {
    const server = ownServer();
    const base = server.url;
    await holdTheAppOnRequest(page);
    await signIn(page, 'komagane-council', base);
    // The plan opened once, signed in; its document never.
    await page.goto(`${base}/plans/komagane-dx-strategy`);
    await readyForOffline(page);
    const preparedPages = () => page.evaluate(async () => {
      const views = await caches.open('keikaku-first-views');
      return (await views.keys()).map((r) => new URL(r.url).searchParams)
        .filter((q) => q.get('plan') === 'komagane-dx-strategy').map((q) => q.get('page')).sort();
    });
    await expect.poll(preparedPages).toEqual(['document', 'roadmap']);
    await server.stop();
    await page.evaluate(() => sessionStorage.setItem('hold-the-app', 'yes'));

    // The measures after the first screen's, and the parts after them, came in templates.
    const documentPage = `${base}/plans/komagane-dx-strategy/document`;
    const { html, firstView } = await openFirstView(page, documentPage, 'prepared');
    expect(html).toContain('<template><section id="doc-measure-');
    await expect(page).toHaveTitle('こまがねDX戦略（現行版） | Keikaku 計画');
    await expect(firstView.getByRole('heading', { level: 1 })).toHaveText('こまがねDX戦略');
    await expect(firstView.locator('.plan-tabs [aria-current="page"]')).toHaveText('計画書');
    await expect(firstView.locator('#doc .doc-measure')).toHaveCount(32);
    await expect(firstView.locator('#doc-glossary dt').first()).toBeVisible();
    await expectAccessible(page);
    const written = await documentParts(page);
    expect(written.passages.length).toBeGreaterThan(500);
    // The contents work as plain links before the app has started.
    const drawer = firstView.locator('.doc-toc--drawer');
    if (await drawer.isVisible()) await drawer.locator('summary').click();
    await firstView.locator('.doc-toc a[href="#doc-glossary"]:visible').click();
    await expect(page).toHaveURL(/#doc-glossary$/);
    await expect(firstView.locator('#doc-glossary h2')).toBeInViewport();

    await page.evaluate(() => (window as any).__releaseApp());
    await hydrated(page);
    await expect(page.locator('#keikaku-first-view')).toHaveCount(0);
    await expect(page.locator('.offline-banner')).toBeVisible();
    expect(await documentParts(page)).toEqual(written);
    await expectAccessible(page);

    // Written live, in the page's language, when no copy was prepared for it.
    await page.evaluate(async () => {
      const views = await caches.open('keikaku-first-views');
      for (const request of await views.keys()) await views.delete(request);
    });
    await openFirstView(page, documentPage, 'rendered');
    expect(await documentParts(page)).toEqual(written);
    await page.evaluate(() => (window as any).__releaseApp());
    await hydrated(page);
    await expect(page.locator('#keikaku-first-view')).toHaveCount(0);
  });
});

test.describe('in English, with the server stopped', () => {
  test.describe.configure({ timeout: 90_000 });
  const ownServer = ownServerForEachTest(ENGLISH_PORTS);

  test('the first view is written in the language the app will render, and the app takes over with the same page', async ({ page }) => {
    const server = ownServer();
    const base = server.url;
    await holdTheAppOnRequest(page);
    await signIn(page, 'komagane-editor', base);
    await page.goto(`${base}/plans/komagane-dx-strategy`);
    await readyForOffline(page);
    // The switch, as a reader would use it; the roadmap prepared so far is Japanese.
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await server.stop();
    await page.evaluate(() => sessionStorage.setItem('hold-the-app', 'yes'));

    const roadmap = `${base}/plans/komagane-dx-strategy/roadmap`;
    const firstView = page.locator('#keikaku-first-view');
    for (const from of ['rendered', 'prepared']) {
      await page.goto(roadmap);
      await expect(firstView).toHaveAttribute('data-from', from);
      await expect(page).toHaveTitle('Roadmap | Komagane DX Strategy | Keikaku 計画');
      await expect(firstView.getByRole('heading', { level: 1 })).toHaveText('Roadmap');
      await expect(firstView.locator('.roadmap-summary')).toHaveText(/^Showing 32 of 32 measures\./);
      await expect(firstView.locator('.stage-legend')).toContainText('Pilot');
      const written = await roadmapParts(page);
      await page.evaluate(() => (window as any).__releaseApp());
      await hydrated(page);
      await expect(page.locator('#keikaku-first-view')).toHaveCount(0);
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      expect(await roadmapParts(page)).toEqual(written);
      await expectAccessible(page);
    }
  });
});

test.describe('a new release', () => {
  // Two server starts, a deployment and offline reloads in two tabs. Twice in full CI runs the
  // new worker had not taken over after 40 s, which no run here reproduced (alone, under load,
  // or in the whole suite): one retry, and a failure's message says which state it was in.
  test.describe.configure({ timeout: 120_000, retries: 1 });
  const RELEASE_PORTS = { phone: 3929, tablet: 3930 };
  const ownServer = ownServerForEachTest(RELEASE_PORTS);

  const buildOf = (page: Page) => page.locator('link[rel="modulepreload"]').getAttribute('href');
  const releaseMarker = (page: Page) =>
    page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--keikaku-release').trim());
  const workerScript = (page: Page) => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '');
  // What the registration holds, for a failure's message: which worker installs, waits, runs.
  const registrationState = (page: Page) =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      const describe = (worker: ServiceWorker | null | undefined) => (worker ? `${worker.state} ${worker.scriptURL}` : 'none');
      return registration
        ? `installing: ${describe(registration.installing)}; waiting: ${describe(registration.waiting)}; active: ${describe(registration.active)}`
        : 'no registration';
    });

  test('is picked up by new pages while a page of the old one keeps working, online and offline', async ({ page }) => {
    const server = ownServer();
    const base = server.url;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, 'komagane-editor', base);
    await page.goto(`${base}/plans/komagane-dx-strategy/roadmap`);
    await hydrated(page);
    await readyForOffline(page);
    const oldBuild = (await buildOf(page))!;
    expect(oldBuild).toMatch(/^\/pkg\/keikaku\.[A-Za-z0-9_-]+\.js$/);

    // Deployment: the server restarts on the next release; the old build's files are gone.
    await server.stop();
    server.release = nextRelease('next');
    await server.start();
    expect((await page.request.get(`${base}${oldBuild}`)).status()).toBe(404);

    // The page in use, still on the old build, keeps working against the new server.
    await page.locator('a[href$="/measures/internal-02"]').first().click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('ペーパーレス');
    await page.getByRole('link', { name: 'この施策の進捗を記録する' }).click();
    await expect(page.getByLabel('実績', { exact: true })).toBeEnabled();
    await page.getByLabel('メモ', { exact: true }).fill('旧版の画面から記録');
    await page.getByRole('button', { name: 'メモを追加' }).click();
    await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });

    // A page opened now gets the new release, and registers the worker of its build.
    const fresh = await page.context().newPage();
    // Each state the new worker goes through, with the time, for a failure's message.
    await fresh.addInitScript(() => {
      const log: string[] = ((window as any).__workerLog = []);
      const start = performance.now();
      const note = (what: string) => log.push(`${Math.round(performance.now() - start)} ms ${what}`);
      navigator.serviceWorker?.getRegistration().then((registration) => {
        registration?.addEventListener('updatefound', () => {
          const worker = registration.installing;
          note(`updatefound ${worker?.scriptURL}`);
          worker?.addEventListener('statechange', () => note(worker.state));
        });
      });
      navigator.serviceWorker?.addEventListener('controllerchange', () => note('controllerchange'));
    });
    fresh.on('pageerror', (error) => errors.push(error.message));
    await fresh.goto(`${base}/plans/komagane-dx-strategy`);
    await hydrated(fresh);
    const newBuild = (await buildOf(fresh))!;
    expect(newBuild).not.toBe(oldBuild);
    expect(await releaseMarker(fresh)).toBe('"next"');
    // The new worker installs by downloading the new build's files (the debug WebAssembly is
    // 14 MB, compressed as it is sent): on a loaded machine that took longer than 15 s.
    await expect
      .poll(() => workerScript(fresh), { timeout: 40_000 })
      .toContain(encodeURIComponent(newBuild))
      .catch(async (error) => {
        const log = await fresh.evaluate(() => (window as any).__workerLog?.join(' | '));
        throw new Error(`${error.message}\nregistration: ${await registrationState(fresh)}\nstates: ${log}`);
      });
    // The new worker took over the old page too; the old page goes on working.
    await expect.poll(() => workerScript(page), { timeout: 40_000 }).toContain(encodeURIComponent(newBuild));
    await page.getByRole('link', { name: 'こまがねDX戦略' }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('こまがねDX戦略');
    await page.getByRole('link', { name: '工程表' }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('工程表');
    expect(await releaseMarker(page)).toBe('');

    // Offline, both tabs reload onto the new release from what its worker kept, pages never
    // visited included, and the note recorded from the old page is there.
    await server.stop();
    for (const tab of [fresh, page]) {
      await tab.reload();
      await hydrated(tab);
      expect(await buildOf(tab)).toBe(newBuild);
      expect(await releaseMarker(tab)).toBe('"next"');
      await expect(tab.locator('.offline-banner')).toBeVisible();
    }
    await fresh.goto(`${base}/plans/komagane-dx-strategy/glossary`);
    await hydrated(fresh);
    await expect(fresh.getByRole('heading', { level: 1 })).toContainText('用語集');
    await fresh.goto(`${base}/plans/komagane-dx-strategy/measures/internal-02/progress`);
    await expect(fresh.locator('.field-notes li')).toContainText(['旧版の画面から記録']);
    expect(errors).toEqual([]);
  });
});
