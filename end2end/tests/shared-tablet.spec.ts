import { expect, Page, request, test } from '@playwright/test';
import {
  ApiSession, apiSession, expectAccessible, expectNoHorizontalOverflow, hydrated, pullEverything, pushChange, readWithoutApp, readyForOffline,
  signIn,
} from './helpers';
import { ownServerForEachTest } from './own-server';

// Tablets are shared between staff: whoever signs out leaves nothing of theirs to the next
// person, online or offline, and loses no edit by signing out. Each test has a server of its
// own: it stops it, and makes the organization's plan a draft.
const PORTS = { phone: 3937, tablet: 3938 };
const PLAN = 'komagane-dx-strategy';
const EDITOR = 'komagane-editor';
const EDITOR_NAME = '駒ヶ根市 企画振興課 職員';
// 企画振興課 leads internal-02.
const progressPath = (year: number) => `/plans/${PLAN}/measures/internal-02/progress?year=${year}`;

/** The organization's plan becomes a draft, readable only by its members. */
async function makeDraft(base: string) {
  const admin = await apiSession(base, 'komagane-admin');
  const answer = await admin.api.patch(`/api/v1/plans/${PLAN}/status`, {
    data: { status: 'draft' },
    headers: { 'X-CSRF-Token': admin.csrf },
  });
  expect(answer.status(), await answer.text()).toBe(200);
  await admin.api.dispose();
}

async function addNote(page: Page, text: string) {
  await page.getByLabel('メモ', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'メモを追加' }).click();
  await expect(page.locator('.field-notes')).toContainText(text);
}

/** What this browser keeps, read through IndexedDB and Cache Storage as any page could. */
async function keptOnDevice(page: Page) {
  return page.evaluate(async () => {
    const open = (name: string) => new Promise<IDBDatabase>((done, fail) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => done(request.result);
      request.onerror = () => fail(request.error);
    });
    const all = (db: IDBDatabase, store: string) => new Promise<any[]>((done) => {
      if (!db.objectStoreNames.contains(store)) return done([]);
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => done(request.result);
    });
    const names = (await indexedDB.databases()).map((d) => d.name ?? '');
    const text: Record<string, string> = {};
    for (const name of names) {
      const db = await open(name);
      const values: any[] = [];
      for (const store of Array.from(db.objectStoreNames)) values.push(...(await all(db, store)));
      text[name] = JSON.stringify(values);
      db.close();
    }
    const device = await open('keikaku-device');
    const deviceKey = (key: string) => new Promise((done) => {
      const request = device.transaction('device').objectStore('device').get(key);
      request.onsuccess = () => done(request.result ?? null);
    });
    const signedIn = await deviceKey('last_login');
    const pin = await deviceKey('pin_lock');
    device.close();
    const shell = await (await (await caches.open('keikaku-pages')).match('/app-shell'))?.text();
    const views = await caches.open('keikaku-first-views');
    const prepared = await Promise.all((await views.keys()).map(async (r) => (await views.match(r))!.text()));
    return { names, text, signedIn, pin, shell: shell ?? '', prepared };
  });
}

/** Signs the editor in and opens one of their progress pages, ready to work offline. */
async function editorOnProgressPage(page: Page, base: string, year: number): Promise<string> {
  await signIn(page, EDITOR, base);
  const progress = `${base}${progressPath(year)}`;
  await page.goto(progress);
  await hydrated(page);
  await readyForOffline(page);
  await expect(page.getByLabel('状況', { exact: true })).toBeEnabled();
  return progress;
}

async function signOutFromHeader(page: Page) {
  await page.getByRole('button', { name: 'ログアウト' }).click();
}

/**
 * The end of every sign-out: the home page as the public sees it, either loaded anew (without
 * the app, since the device records nobody signed in) or shown by the app that signed out.
 * (The URL alone is no sign: a tab on the home page is there before it signs out.)
 */
async function expectSignedOut(page: Page, base: string) {
  await expect(page).toHaveURL(`${base}/`);
  await expect(page.locator('html[data-app="static"], html[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
  await expect(page.locator('.account__login')).toBeVisible({ timeout: 20_000 });
}

test.describe('a shared tablet', () => {
  // Sign-ins, a server stop and start, and syncs: more than the default 30 s on a loaded machine.
  test.describe.configure({ timeout: 120_000 });
  const ownServer = ownServerForEachTest(PORTS);

  test('signing out leaves nothing of the user on the browser, online or offline', async ({ page }, testInfo) => {
    const server = ownServer();
    const base = server.url;
    await makeDraft(base);
    const progress = await editorOnProgressPage(page, base, 2024);
    const note = `職員だけが見るメモ（${testInfo.project.name}）`;
    await addNote(page, note);
    await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });
    // Offline opens of the draft's roadmap are prepared for this user.
    await expect.poll(async () => (await keptOnDevice(page)).prepared.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const token = (await (await page.context().request.get(`${base}/api/v1/session`)).json()).csrf_token;

    await signOutFromHeader(page);
    await expectSignedOut(page, base);
    expect((await page.context().request.get(`${base}/api/v1/session`)).status()).toBe(401);

    // Nothing of the user is kept: no replica, no kept plans, no prepared views, nobody
    // signed in; the app shell names nobody.
    await expect.poll(async () => {
      const kept = await keptOnDevice(page);
      return {
        replicas: kept.names.filter((n) => n.startsWith('keikaku-replica-') && kept.text[n] !== '[]'),
        plans: kept.names.filter((n) => n === `keikaku-plans-${EDITOR}` && kept.text[n] !== '[]'),
        signedIn: kept.signedIn,
        prepared: kept.prepared.length,
        // The note, or the draft plan (by its title), anywhere in what the browser keeps.
        draftAnywhere: Object.values(kept.text).some((t) => t.includes(note) || t.includes('こまがねDX戦略')),
      };
    }, { timeout: 10_000 }).toEqual({ replicas: [], plans: [], signedIn: null, prepared: 0, draftAnywhere: false });
    const { shell } = await keptOnDevice(page);
    expect(shell).toContain('keikaku-shell');
    expect(shell).not.toContain(token);
    expect(shell).not.toContain(EDITOR_NAME);
    expect(shell).not.toContain(EDITOR);

    // Online, the progress of the draft is not there for the next person.
    await page.goto(`${base}/sync`);
    await hydrated(page);
    await expect(page.getByRole('alert').filter({ hasText: 'ログインが必要です' })).toBeVisible();
    await expect(page.getByText(note)).toHaveCount(0);

    // Offline, every page shows what the public sees: no draft, no note, nobody's name.
    await server.stop();
    for (const path of [
      progressPath(2024),
      `/plans/${PLAN}/measures/internal-02`,
      `/plans/${PLAN}/roadmap`,
      `/plans/${PLAN}`,
      '/sync',
      '/',
    ]) {
      await page.goto(`${base}${path}`);
      await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
      await expect(page.locator('main')).not.toContainText('読み込み中');
      await expect(page.locator('body')).not.toContainText(note);
      await expect(page.locator('body')).not.toContainText('こまがねDX戦略');
      await expect(page.locator('body')).not.toContainText(EDITOR_NAME);
      await expect(page.locator('.account__name')).toHaveCount(0);
    }
  });

  test('a session gone with the closed browser: the next visitor\'s reading page loads the app once, to hand the device over', async ({ page }) => {
    const base = ownServer().url;
    await makeDraft(base);
    await editorOnProgressPage(page, base, 2023);
    await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });
    // Closing the browser ends its session cookie; the device still records the editor.
    await page.context().clearCookies();
    expect((await keptOnDevice(page)).signedIn).toBe(EDITOR);

    // The home page reads without the app for a visitor, but this device still holds the
    // editor's plans: the app loads and hands it over to nobody.
    await page.goto(`${base}/`);
    await hydrated(page);
    await expect.poll(async () => {
      const kept = await keptOnDevice(page);
      return {
        signedIn: kept.signedIn,
        plans: kept.names.filter((n) => n === `keikaku-plans-${EDITOR}` && kept.text[n] !== '[]'),
        draftAnywhere: Object.values(kept.text).some((t) => t.includes('こまがねDX戦略')),
      };
    }, { timeout: 15_000 }).toEqual({ signedIn: null, plans: [], draftAnywhere: false });

    // From then on, the device is a visitor's: no app.
    await page.goto(`${base}/plans/shimada-dx-plan`);
    await readWithoutApp(page);
    await expect(page.locator('.account__login')).toBeVisible();
  });

  test('edits waiting at sign-out stay locked on the device and arrive later, exactly once, under their author', async ({ page }, testInfo) => {
    const server = ownServer();
    const base = server.url;
    const progress = await editorOnProgressPage(page, base, 2025);
    const editorCookie = (await page.context().cookies()).find((c) => c.name === 'keikaku_session')!.value;

    // Offline: a status and two notes, then sign out.
    await server.stop();
    const notes = [`現場メモ1（${testInfo.project.name}）`, `現場メモ2（${testInfo.project.name}）`];
    await page.getByLabel('状況', { exact: true }).selectOption('delayed');
    for (const note of notes) await addNote(page, note);
    await expect(page.locator('.sync-indicator')).toContainText('未送信3件', { timeout: 15_000 });
    await signOutFromHeader(page);
    await expect(page).toHaveURL(`${base}/logout`);
    await expect(page.getByRole('alert').filter({ hasText: '未送信の変更が3件あります' })).toBeVisible({ timeout: 30_000 });
    await expectAccessible(page);
    await expectNoHorizontalOverflow(page);
    await page.getByRole('button', { name: '変更をこの端末に残してログアウト' }).click();
    await expectSignedOut(page, base);
    await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
    await expect(page.locator('.account__name')).toHaveCount(0);
    await page.goto(progress);
    await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
    await expect(page.locator('main')).not.toContainText('読み込み中');
    await expect(page.locator('body')).not.toContainText(notes[0]);

    // Back online, someone else uses the tablet: the first page fetched ends the editor's
    // session on the server; the administrator sees nothing of the editor's edits.
    await server.start();
    await signIn(page, 'komagane-admin', base);
    const stale = await apiSessionWithCookie(base, editorCookie);
    expect((await stale.get('/api/v1/session')).status()).toBe(401);
    await stale.dispose();
    await page.goto(progress);
    await hydrated(page);
    await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });
    await expect(page.locator('body')).not.toContainText(notes[0]);
    await expect(page.getByLabel('状況', { exact: true })).not.toHaveValue('delayed');
    await signOutFromHeader(page);
    await expectSignedOut(page, base);

    // The editor signs in again: the locked edits are sent, as the editor.
    await signIn(page, EDITOR, base);
    await page.goto(progress);
    await hydrated(page);
    await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 20_000 });
    const admin = await apiSession(base, 'komagane-admin');
    const mine = (await pullEverything(admin)).filter((c) => c.key?.target?.id === 'internal-02' && c.key?.fiscal_year === 2025);
    expect(mine.filter((c) => c.field === 'status').map((c) => c.value)).toEqual([{ status: 'delayed' }]);
    const arrived = mine.filter((c) => c.note).map((c) => [c.note.text, c.note.author]);
    expect(arrived.sort()).toEqual(notes.map((n) => [n, EDITOR_NAME]).sort());
    await admin.api.dispose();
  });

  test('discarding unsent edits at sign-out is a separate, confirmed choice', async ({ page }, testInfo) => {
    const server = ownServer();
    const base = server.url;
    const progress = await editorOnProgressPage(page, base, 2023);
    await server.stop();
    const note = `破棄するメモ（${testInfo.project.name}）`;
    await addNote(page, note);
    await signOutFromHeader(page);
    await expect(page.getByRole('alert').filter({ hasText: '未送信の変更が1件あります' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: '未送信の変更を破棄する…' }).click();
    await expect(page.getByRole('alert').filter({ hasText: '1件の変更を破棄してログアウトします' })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole('button', { name: '破棄してログアウトする' }).click();
    await expectSignedOut(page, base);
    await expect.poll(async () => {
      const kept = await keptOnDevice(page);
      return Object.values(kept.text).some((t) => t.includes(note));
    }, { timeout: 10_000 }).toBe(false);

    await server.start();
    await signIn(page, EDITOR, base);
    await page.goto(progress);
    await hydrated(page);
    await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 20_000 });
    await expect(page.locator('body')).not.toContainText(note);
    const admin = await apiSession(base, 'komagane-admin');
    expect((await pullEverything(admin)).filter((c) => c.note?.text === note)).toEqual([]);
    await admin.api.dispose();
  });

  test('a device PIN set online is asked for when the app opens offline; five wrong ones sign the device out', async ({ page }, testInfo) => {
    const server = ownServer();
    const base = server.url;
    const progress = await editorOnProgressPage(page, base, 2024);
    const note = `PINで守るメモ（${testInfo.project.name}）`;
    await addNote(page, note);
    await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });

    await page.goto(`${base}/sync`);
    await hydrated(page);
    const pinField = page.getByLabel('PIN（数字6〜12桁）');
    await pinField.fill('123456');
    await page.getByLabel('確認のためもう一度').fill('123456');
    await page.getByRole('button', { name: 'PINを設定する' }).click();
    await expect(page.locator('#new-pin-error')).toContainText('連続した数字は使えません');
    await expect(pinField).toHaveValue('123456');
    await pinField.fill('482916');
    await page.getByLabel('確認のためもう一度').fill('482916');
    await page.getByRole('button', { name: 'PINを設定する' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'PINを設定しました。' })).toBeVisible();
    await expectAccessible(page);
    await expectNoHorizontalOverflow(page);

    // The tablet is restarted without a connection: a new tab, as after a browser restart.
    await server.stop();
    const context = page.context();
    await page.close();
    const restarted = await context.newPage();
    const locked = restarted.getByRole('heading', { name: 'この端末はロックされています' });
    for (const path of [progressPath(2024), `/plans/${PLAN}/roadmap`]) {
      await restarted.goto(`${base}${path}`);
      await expect(locked).toBeVisible({ timeout: 20_000 });
      await expect(restarted.locator('body')).not.toContainText(note);
      await expect(restarted.locator('body')).not.toContainText(EDITOR_NAME);
      // Not even the service worker's first view of the roadmap.
      await expect(restarted.locator('#keikaku-first-view')).toHaveCount(0);
      await expect(restarted.locator('.roadmap-table')).toHaveCount(0);
    }
    await expectAccessible(restarted);
    await expectNoHorizontalOverflow(restarted);
    await restarted.getByLabel('PIN（数字6〜12桁）').fill('000000');
    await restarted.getByRole('button', { name: 'ロックを解除' }).click();
    await expect(restarted.locator('#device-pin-error')).toContainText('あと4回', { timeout: 10_000 });
    await restarted.getByLabel('PIN（数字6〜12桁）').fill('482916');
    await restarted.getByRole('button', { name: 'ロックを解除' }).click();
    await expect(restarted.locator('.roadmap-table')).toBeVisible({ timeout: 20_000 });
    // Unlocked for this tab: other pages open without asking again.
    await restarted.goto(progress);
    await expect(restarted.locator('.field-notes')).toContainText(note, { timeout: 20_000 });
    await expect(restarted.locator('.account__name')).toContainText(EDITOR_NAME);

    // Restarted again, and someone guesses: five wrong PINs sign the device out.
    await restarted.close();
    const guessed = await context.newPage();
    await guessed.goto(progress);
    await expect(guessed.getByRole('heading', { name: 'この端末はロックされています' })).toBeVisible({ timeout: 20_000 });
    for (let left = 4; left >= 0; left--) {
      await guessed.getByLabel('PIN（数字6〜12桁）').fill(`90000${left}`);
      await guessed.getByRole('button', { name: 'ロックを解除' }).click();
      if (left > 0) await expect(guessed.locator('#device-pin-error')).toContainText(`あと${left}回`, { timeout: 10_000 });
    }
    await expect(guessed.getByRole('alert').filter({ hasText: 'この端末からログアウトしました' })).toBeVisible({ timeout: 10_000 });
    await guessed.goto(progress);
    await expect(guessed.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
    await expect(guessed.locator('body')).not.toContainText(note);
    await expect(guessed.locator('.account__name')).toHaveCount(0);
    const kept = await keptOnDevice(guessed);
    expect(kept.signedIn).toBeNull();
    // The PIN went with its user.
    expect(kept.pin).toBeNull();
  });

  test('other tabs of the browser close what they showed when their user signs out in one of them', async ({ context }) => {
    const server = ownServer();
    const base = server.url;
    const first = await context.newPage();
    await signIn(first, EDITOR, base);
    await first.goto(`${base}${progressPath(2022)}`);
    await hydrated(first);
    await expect(first.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });
    const second = await context.newPage();
    await second.goto(`${base}/admin`);
    await hydrated(second);
    await signOutFromHeader(second);
    await expectSignedOut(second, base);
    await expect(first.getByRole('heading', { name: '再読み込みしてください' })).toBeVisible({ timeout: 10_000 });
    await expect(first.locator('.account__name')).toHaveCount(0);
    await expect(first.getByLabel('状況', { exact: true })).toHaveCount(0);
    await expectNoHorizontalOverflow(first);
    await first.getByRole('button', { name: 'ページを再読み込み' }).click();
    await expect(first.getByText('進捗を記録するにはログインしてください。')).toBeVisible({ timeout: 20_000 });
  });

  test('a tab left open for a user who signed out in another tab stops, and never takes in the next user\'s rows', async ({ context }, testInfo) => {
    const server = ownServer();
    const base = server.url;
    const progress = `${base}${progressPath(2026)}`;
    // The first tab syncs the editor's replica. It does not hear the other tabs (as a tab the
    // browser froze would not): only the server can stop it.
    const first = await context.newPage();
    await first.addInitScript(() => { delete (window as any).BroadcastChannel; });
    await signIn(first, EDITOR, base);
    await first.goto(progress);
    await hydrated(first);
    await expect(first.getByLabel('状況', { exact: true })).toBeEnabled();
    await expect(first.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });
    // One edit the server has not taken: its push is held back.
    await first.route('**/api/v1/sync/push', (route) => route.abort());
    const note = `送信待ちのメモ（${testInfo.project.name}）`;
    await addNote(first, note);
    await expect(first.locator('.sync-indicator')).toContainText('未送信1件', { timeout: 15_000 });

    // In a second tab the editor signs out, keeping the edit, and a user of 島田市 signs in
    // and records progress.
    const second = await context.newPage();
    await second.goto(`${base}/`);
    await hydrated(second);
    // This tab's engine has the replica open (read-only: the first tab syncs).
    await expect(second.locator('.sync-indicator')).toContainText('未送信1件');
    await signOutFromHeader(second);
    await expect(second.getByRole('alert').filter({ hasText: '未送信の変更が1件あります' })).toBeVisible({ timeout: 30_000 });
    await second.getByRole('button', { name: '変更をこの端末に残してログアウト' }).click();
    await expectSignedOut(second, base);
    await signIn(second, 'shimada-editor', base);
    const shimada = await apiSession(base, 'shimada-admin');
    const shimadaNote = `島田市のメモ（${testInfo.project.name}）`;
    await pushNote(shimada, 'shimada-dx-plan', 'online-procedures', shimadaNote);

    // The first tab tries to sync: the server refuses a sync of the editor's replica in the
    // new user's session, and the tab closes what it showed.
    await first.unroute('**/api/v1/sync/push');
    await first.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect(first.getByRole('heading', { name: '再読み込みしてください' })).toBeVisible({ timeout: 15_000 });
    await expect(first.locator('body')).not.toContainText(note);
    await expectAccessible(first);

    // The editor's locked replica holds the editor's edit and nothing of 島田市.
    const replica = await second.evaluate(async (name) => {
      const db = await new Promise<IDBDatabase>((done) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => done(open.result);
      });
      const values: any[] = [];
      for (const store of Array.from(db.objectStoreNames)) {
        values.push(...await new Promise<any[]>((done) => {
          const all = db.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => done(all.result);
        }));
      }
      db.close();
      return JSON.stringify(values);
    }, `keikaku-replica-${EDITOR}`);
    expect(replica).toContain(note);
    expect(replica).not.toContain('shimada');

    // Back to the editor: the edit is sent once, under the editor's name.
    await signOutFromHeader(second);
    await expectSignedOut(second, base);
    await signIn(second, EDITOR, base);
    await second.goto(progress);
    await hydrated(second);
    await expect(second.locator('.sync-indicator')).toContainText('同期済み', { timeout: 20_000 });
    const admin = await apiSession(base, 'komagane-admin');
    const arrived = (await pullEverything(admin)).filter((c) => c.note?.text === note).map((c) => c.note.author);
    expect(arrived).toEqual([EDITOR_NAME]);
    await admin.api.dispose();
    await shimada.api.dispose();
  });
});

/** A request context that sends a given session cookie, as a stolen or stale one would be. */
async function apiSessionWithCookie(base: string, cookie: string) {
  return request.newContext({ baseURL: base, extraHTTPHeaders: { Cookie: `keikaku_session=${cookie}` } });
}

/** Records a field note through the sync API, as another device of the session's user would. */
async function pushNote(session: ApiSession, plan: string, measure: string, text: string) {
  const client = `other-${Date.now()}`;
  const id = `${client}-1`;
  await pushChange(session, client, 1, plan, measure, {
    op: 'append_note', note: { id, date: '2026-12-01', text, author: session.login, retracted: false },
  });
}
