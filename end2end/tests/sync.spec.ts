import { Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import { hydrated, readyForOffline, signIn } from './helpers';

// Two or three devices sign in, go offline and back, and wait for syncs: more than the default
// 30 s on a loaded machine.
test.describe.configure({ timeout: 60_000 });

// Both projects share one server: each uses its own measure and fiscal year.
function record(projectName: string) {
  const year = projectName === 'phone' ? 2023 : 2025;
  return `/plans/komagane-dx-strategy/measures/internal-02/progress?year=${year}`;
}

async function device(browser: Browser, login: string, path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'ja-JP' });
  const page = await context.newPage();
  await signIn(page, login);
  await page.goto(path);
  await hydrated(page);
  await expect(page.getByLabel('状況', { exact: true })).toBeEnabled();
  await expect(page.locator('.sync-indicator')).toContainText('同期済み');
  return { context, page };
}

test('another device sees an edit live within 5 seconds', async ({ browser }, testInfo) => {
  const path = record(testInfo.project.name);
  const a = await device(browser, 'komagane-admin', path);
  const b = await device(browser, 'komagane-editor', path);
  await a.page.getByLabel('到達した段階').selectOption('trial');
  await expect(b.page.getByLabel('到達した段階')).toHaveValue('trial', { timeout: 5_000 });
  await a.context.close();
  await b.context.close();
});

test('a device the browser reports offline sends nothing, even after a reload, until it is back online', async ({ browser }, testInfo) => {
  const path = record(testInfo.project.name);
  const a = await device(browser, 'komagane-admin', path);
  await readyForOffline(a.page);
  await expect(a.page.getByLabel('状況', { exact: true })).toBeEnabled();
  const pushes: string[] = [];
  a.page.on('request', (request) => {
    if (request.url().includes('/api/v1/sync/push')) pushes.push(request.method());
  });
  await a.context.setOffline(true);
  const note = `電波の届かない現場で：${testInfo.project.name}`;
  await a.page.getByLabel('メモ', { exact: true }).fill(note);
  await a.page.getByRole('button', { name: 'メモを追加' }).click();
  await expect(a.page.locator('.sync-indicator')).toContainText('オフライン');
  // A reload starts the sync engine again; the browser knows it has no network, so it waits.
  await a.page.reload();
  await hydrated(a.page);
  await expect(a.page.getByText(note)).toBeVisible();
  // Enabled once this tab leads the sync: the moment it would have started one. Nothing
  // signals an attempt not made, so the test gives it a second to show up, both as a request
  // and on the app's timeline (every sync marks its start there).
  await expect(a.page.getByLabel('状況', { exact: true })).toBeEnabled();
  await a.page.waitForTimeout(1_000);
  const syncsStarted = () => a.page.evaluate(() => performance.getEntriesByName('keikaku:sync-start').length);
  expect(await syncsStarted()).toBe(0);
  expect(pushes).toEqual([]);

  await a.context.setOffline(false);
  await expect(a.page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });
  expect(await syncsStarted()).toBeGreaterThan(0);
  expect(pushes.length).toBeGreaterThan(0);
  await a.context.close();
});

test('two devices edit the same field offline: one resolves the conflict and both converge', async ({ browser }, testInfo) => {
  const path = record(testInfo.project.name);
  const a = await device(browser, 'komagane-admin', path);
  const b = await device(browser, 'komagane-editor', path);
  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await a.page.getByLabel('次の取組（改善）').fill('Aの案：窓口を週2回に');
  await b.page.getByLabel('次の取組（改善）').fill('Bの案：オンラインで受付');
  await expect(a.page.locator('.sync-indicator')).toContainText('オフライン');

  await a.context.setOffline(false);
  await expect(a.page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });
  await b.context.setOffline(false);
  await expect(b.page.locator('.sync-indicator')).toContainText('競合1件', { timeout: 15_000 });

  // The conflict screen shows both values; B keeps theirs edited into one.
  await b.page.goto('/sync');
  const card = b.page.locator('.conflict').first();
  await expect(card).toContainText('Aの案：窓口を週2回に');
  await expect(card).toContainText('Bの案：オンラインで受付');
  await card.getByLabel('両方を見ながら書き直す').fill('Aの案とBの案を両方試す');
  await card.getByRole('button', { name: '書き直した値で保存' }).click();
  await expect(b.page.locator('.conflict')).toHaveCount(0);
  await expect(b.page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });

  await b.page.goto(path);
  await expect(b.page.getByLabel('次の取組（改善）')).toHaveValue('Aの案とBの案を両方試す');
  await expect(a.page.getByLabel('次の取組（改善）')).toHaveValue('Aの案とBの案を両方試す', { timeout: 10_000 });
  await a.context.close();
  await b.context.close();
});

test('an edit the server refuses stays visible with its reason until discarded', async ({ browser }, testInfo) => {
  // 企画振興課 does not take part in citizen-01; offline, the page lets the editor try.
  const year = testInfo.project.name === 'phone' ? 2023 : 2025;
  const path = `/plans/komagane-dx-strategy/measures/citizen-01/progress?year=${year}`;
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: 'ja-JP' });
  const page = await context.newPage();
  await signIn(page, 'komagane-editor');
  await page.goto('/plans/komagane-dx-strategy/measures/internal-02/progress');
  await hydrated(page);
  await expect(page.locator('.sync-indicator')).toContainText('同期済み');
  await readyForOffline(page);
  await context.setOffline(true);
  await page.goto(path);
  await expect(page.getByLabel('状況', { exact: true })).toBeEnabled();
  await page.getByLabel('状況', { exact: true }).selectOption('delayed');
  await context.setOffline(false);
  await page.goto('/sync');
  const refused = page.locator('.conflict').filter({ hasText: '理由' });
  await expect(refused).toHaveCount(1, { timeout: 15_000 });
  await expect(refused).toContainText('状況');
  await refused.getByRole('button', { name: 'この変更を破棄する' }).click();
  await expect(page.locator('.conflict')).toHaveCount(0);
  await context.close();
});

test('one tab per browser syncs and edits; another tab is read-only and follows its changes', async ({ browser }, testInfo) => {
  const year = testInfo.project.name === 'phone' ? 2022 : 2026;
  const path = `/plans/komagane-dx-strategy/measures/internal-02/progress?year=${year}`;
  const { context, page: first } = await device(browser, 'komagane-admin', path);
  const second = await context.newPage();
  await second.goto(path);
  await hydrated(second);
  await expect(second.getByText('別のタブで進捗を記録中')).toBeVisible();
  await expect(second.getByLabel('状況', { exact: true })).toBeDisabled();
  await first.getByLabel('状況', { exact: true }).selectOption('completed');
  await expect(second.getByLabel('状況', { exact: true })).toHaveValue('completed');
  // When the syncing tab closes, the other one takes over.
  await first.close();
  await expect(second.getByLabel('状況', { exact: true })).toBeEnabled();
  await context.close();
});

test('edits made while the session expired wait, locked, until the user signs in again, then they sync', async ({ browser }, testInfo) => {
  const year = testInfo.project.name === 'phone' ? 2022 : 2026;
  const path = `/plans/komagane-dx-strategy/measures/internal-03/progress?year=${year}`;
  const { context, page } = await device(browser, 'komagane-admin', path);
  await context.setOffline(true);
  await page.getByLabel('実績', { exact: true }).fill('ログインが切れている間の記録');
  await context.clearCookies();
  await context.setOffline(false);
  // The session ended: nobody is signed in on the device, so the page shows nothing of the
  // replica; the edit waits, locked, for the same user.
  await expect(page.getByText('進捗を記録するにはログインしてください。')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByLabel('実績', { exact: true })).toHaveCount(0);
  await page.goto('/sync');
  await expect(page.getByRole('alert').filter({ hasText: 'ログインが必要です' })).toBeVisible();
  await expect(page.getByText('ログインが切れている間の記録')).toHaveCount(0);
  await signIn(page, 'komagane-admin');
  await page.goto(path);
  await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });
  await expect(page.getByLabel('実績', { exact: true })).toHaveValue('ログインが切れている間の記録');
  // The measure page shows it beside the plan.
  await page.goto('/plans/komagane-dx-strategy/measures/internal-03');
  await expect(page.locator('section[aria-labelledby="actual-heading"]')).toContainText('ログインが切れている間の記録');
  await context.close();
});

test('a replica stored by the previous version is moved to the new layout on first load, losing nothing', async ({ browser }, testInfo) => {
  const measure = testInfo.project.name === 'phone' ? 'internal-02' : 'internal-03';
  const path = `/plans/komagane-dx-strategy/measures/${measure}/progress?year=2024`;
  // Mutation ids are global: each project's tablet has its own client id.
  const client = `legacy-${testInfo.project.name}`;
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: 'ja-JP' });
  const page = await context.newPage();
  // A same-origin file that runs no app, to write schema 1 as the previous version left it.
  await page.goto('/manifest.webmanifest');
  await page.evaluate(async ({ measure, client }) => {
    const key = { plan_id: 'komagane-dx-strategy', target: { kind: 'measure', id: measure }, fiscal_year: 2024 };
    const note = (id: string, text: string) => ({ id, date: '2026-04-01', text, author: '駒ヶ根市 管理者', retracted: false });
    const db: IDBDatabase = await new Promise((done, fail) => {
      const open = indexedDB.open('keikaku-replica-komagane-admin', 1);
      open.onupgradeneeded = () => {
        for (const store of ['meta', 'records', 'pending', 'conflicts', 'rejected']) open.result.createObjectStore(store);
      };
      open.onsuccess = () => done(open.result);
      open.onerror = () => fail(open.error);
    });
    const tx = db.transaction(['meta', 'records', 'pending'], 'readwrite');
    tx.objectStore('meta').put(client, 'client_id');
    tx.objectStore('meta').put(JSON.stringify({ cursor: 0, counter: 1 }), 'replica');
    tx.objectStore('records').put(JSON.stringify({
      key, fields: {}, kpi_readings: {},
      notes: { 'legacy-note-0': { value: note('legacy-note-0', '移行前に確認済みのメモ'), version: 1 } },
    }), `komagane-dx-strategy/measure:${measure}/2024`);
    tx.objectStore('pending').put(JSON.stringify({
      order: 1,
      sent: false,
      mutation: { id: `${client}-1`, key, change: { op: 'append_note', note: note(`${client}-1`, '移行前に未送信だったメモ') } },
    }), `${client}-1`);
    await new Promise((done, fail) => { tx.oncomplete = done; tx.onerror = () => fail(tx.error); });
    db.close();
  }, { measure, client });

  await signIn(page, 'komagane-admin');
  await page.goto(path);
  await hydrated(page);
  await expect(page.locator('.field-notes')).toContainText('移行前に確認済みのメモ');
  await expect(page.locator('.field-notes')).toContainText('移行前に未送信だったメモ');
  await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });
  // The queued note reached the server: another device shows it.
  const other = await device(browser, 'komagane-admin', path);
  await expect(other.page.locator('.field-notes')).toContainText('移行前に未送信だったメモ');
  // Reopened, the moved replica loads from the new layout alone.
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.field-notes')).toContainText('移行前に確認済みのメモ');
  await expect(page.locator('.field-notes')).toContainText('移行前に未送信だったメモ');
  await other.context.close();
  await context.close();
});
