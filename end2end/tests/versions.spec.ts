import { Browser, expect, Page, test } from '@playwright/test';
import { apiSession, DEMO_PASSWORD, expectAccessible, expectNoHorizontalOverflow, hydrated, openDevice, readyForOffline, signIn } from './helpers';
import { ownServerForEachTest } from './own-server';

// A revision (改定) from start to publication with three people: the organization's
// administrator prepares it, a council member reads the draft and compares it, the public sees
// nothing of it until it is published. Each project revises a plan of its own, so the two runs
// against the shared server never meet.
test.describe.configure({ timeout: 150_000 });

function setup(projectName: string) {
  return projectName === 'phone'
    ? { plan: 'matsue-digital-city-hall', org: 'matsue', admin: 'matsue-admin', chapter: 'what-is-dx' }
    : { plan: 'kamigori-dx-plan', org: 'kamigori', admin: 'kamigori-admin', chapter: 'ch1-1' };
}

const scriptErrors: string[] = [];

function device(browser: Browser, login: string | null, javaScriptEnabled = true) {
  return openDevice(browser, login, scriptErrors, javaScriptEnabled);
}

test.afterEach(() => {
  expect(scriptErrors.splice(0), 'no script errors').toEqual([]);
});

async function checkPage(page: Page) {
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
}

test('a revision is prepared, read as a draft by council members, compared and published', async ({ browser }, testInfo) => {
  const { plan, org, admin, chapter } = setup(testInfo.project.name);
  const added = `（${testInfo.project.name}の改定で追記した一文）`;
  const base = testInfo.project.use.baseURL!;

  // A council member of the organization, added by its administrator.
  const session = await apiSession(base, admin);
  const council = `${org}-council-e2e`;
  const created = await session.api.post(`/api/v1/organizations/${org}/users`, {
    headers: { 'X-CSRF-Token': session.csrf },
    data: { login: council, display_name: '議員（試験）', role: 'council_member', password: DEMO_PASSWORD },
  });
  expect(created.status(), await created.text()).toBe(201);

  // The administrator starts the draft from the current version and names it; a bad date is
  // refused beside its field and what was typed stays.
  const adminDevice = await device(browser, admin);
  const a = adminDevice.page;
  await a.goto(`/plans/${plan}/revision`);
  await hydrated(a);
  await checkPage(a);
  await a.locator('#start-label').fill('令和8年3月改定');
  await a.locator('#start-issued').fill('2026-13');
  await a.getByRole('button', { name: '改定案を作る' }).click();
  await expect(a.locator('#start-issued-error')).toContainText('2024-03');
  await expect(a.locator('#start-label')).toHaveValue('令和8年3月改定');
  await a.locator('#start-issued').fill('2026-03');
  await a.getByRole('button', { name: '改定案を作る' }).click();
  await expect(a.getByRole('heading', { name: '第2版（令和8年3月改定）　改定案' })).toBeVisible();
  await expect(a.locator('.diff-summary')).toContainText('変更はありません');
  await checkPage(a);

  // It edits a chapter's text in the draft.
  await a.locator('#revision-item').selectOption(`chapter:${chapter}`);
  const body = a.locator('#revision-field-body');
  const before = await body.inputValue();
  await body.fill(`${before}${added}`);
  await a.getByRole('button', { name: '改定案に保存する' }).click();
  await expect(a.getByRole('status').filter({ hasText: '1項目を改定案に保存しました。' })).toBeVisible();
  await a.reload();
  await hydrated(a);
  await expect(a.locator('.diff-summary')).toContainText('本文の変更 1件');
  await checkPage(a);

  // The structure: a node moved down, one added; a bad id is refused beside its field.
  await a.locator('.structure-editor__node').first().getByRole('button', { name: /^下へ：/ }).click();
  await expect(a.locator('.diff-summary')).toContainText('体系の項目の移動 1件');
  await a.locator('#node-id').fill('Bad Id');
  await a.locator('#node-title').fill('改定で加えた柱');
  await a.getByRole('button', { name: '項目を追加する' }).click();
  await expect(a.locator('#node-id-error')).toContainText('英小文字');
  await expect(a.locator('#node-title')).toHaveValue('改定で加えた柱');
  await a.locator('#node-id').fill('e2e-added');
  await a.getByRole('button', { name: '項目を追加する' }).click();
  await expect(a.locator('.diff-summary')).toContainText('体系の項目の追加 1件');
  // A glossary entry: a missing definition is refused beside its field, then it is added.
  await a.locator('#term-id').fill('e2e-term');
  await a.locator('#term-term').fill('素案');
  await a.getByRole('button', { name: '用語を保存する' }).click();
  await expect(a.locator('#term-definition-error')).toContainText('入力してください');
  await a.locator('#term-definition').fill('議会に示す改定案。');
  await a.getByRole('button', { name: '用語を保存する' }).click();
  await expect(a.locator('.diff-summary')).toContainText('用語の追加 1件');
  // A milestone: a year that is no number is refused beside it, then the milestone is added.
  await a.locator('#milestone-year').fill('令和8');
  await a.locator('#milestone-text').fill('改定版の運用開始');
  await a.getByRole('button', { name: 'マイルストーンを保存する' }).click();
  await expect(a.locator('#milestone-year-error')).toContainText('西暦');
  await a.locator('#milestone-year').fill('2026');
  await a.getByRole('button', { name: 'マイルストーンを保存する' }).click();
  await expect(a.locator('.diff-summary')).toContainText('マイルストーンの追加 1件');
  await checkPage(a);

  // The public: the draft does not exist, and the plan reads as before.
  const citizen = await device(browser, null);
  const c = citizen.page;
  const missing = await c.goto(`/plans/${plan}/v/2`);
  expect(missing?.status()).toBe(404);
  await c.goto(`/plans/${plan}/versions`);
  await expect(c.locator('.versions-table tbody tr')).toHaveCount(1);
  await c.goto(`/plans/${plan}/document`);
  await expect(c.locator('#doc')).not.toContainText(added);

  // The council member reads the draft and what it changes.
  const member = await device(browser, council);
  const m = member.page;
  await m.goto(`/plans/${plan}/versions`);
  await hydrated(m);
  await expect(m.locator('.versions-table tbody tr')).toHaveCount(2);
  await expect(m.locator('.versions-table')).toContainText('改定案（素案）');
  await checkPage(m);
  await m.getByRole('link', { name: '前の版との違い' }).click();
  await expect(m.getByRole('heading', { level: 1 })).toHaveText('第1版と第2版の比較');
  await expect(m.locator('.diff-summary')).toContainText('本文の変更 1件');
  // The insertion is marked in words as well as by an underline.
  const inserted = m.locator('ins.diff-ins').filter({ hasText: added });
  await expect(inserted).toHaveCount(1);
  await expect(inserted.locator('.diff-mark').first()).toHaveText('［追加：');
  await checkPage(m);
  await m.goto(`/plans/${plan}/v/2`);
  await hydrated(m);
  await expect(m.locator('.version-bar__notice')).toHaveText('これは公開前の改定案（素案）です。');
  await expect(m.locator(`[data-anchor="chapter/${chapter}/body"]`)).toContainText(added);
  await checkPage(m);

  // Publishing makes it the current version; the first stays readable at its own address.
  await a.getByRole('button', { name: 'この改定案を公開する' }).click();
  await a.getByRole('button', { name: '公開する', exact: true }).click();
  await expect(a).toHaveURL(new RegExp(`/plans/${plan}/versions$`));
  await expect(a.locator('.versions-table')).toContainText('現行版');
  await c.goto(`/plans/${plan}/document`);
  await expect(c.locator(`[data-anchor="chapter/${chapter}/body"]`)).toContainText(added);
  await c.goto(`/plans/${plan}/v/1`);
  await expect(c.locator('.version-bar__notice')).toContainText('以前の版');
  await expect(c.locator('#doc')).not.toContainText(added);
  // Everyone's history links each step to the version it made (members see the steps).
  await m.goto(`/plans/${plan}/versions`);
  await expect(m.getByRole('cell', { name: '公開して現行版に' })).toBeVisible();

  // Comparing works without JavaScript: a plain form.
  const plain = await device(browser, null, false);
  await plain.page.goto(`/plans/${plan}/compare?from=2&to=2`);
  await expect(plain.page.locator('.diff-summary')).toContainText('変更はありません');
  await plain.page.locator('#compare-from').selectOption('1');
  await plain.page.getByRole('button', { name: '違いを見る' }).click();
  await expect(plain.page.locator('.diff-summary')).toContainText('本文の変更 1件');

  for (const d of [adminDevice, citizen, member, plain]) await d.context.close();
});

test('the document view: contents, text size and the reading position stay on this device', async ({ page }, testInfo) => {
  page.on('pageerror', (error) => scriptErrors.push(error.message));
  const path = '/plans/komagane-dx-strategy/document';
  await page.goto(path);
  await hydrated(page);
  await expect(page.locator('h1.doc__title')).toContainText('こまがねDX戦略');
  // Every passage holds exactly its text, for notes to anchor to.
  await expect(page.locator('[data-anchor="measure/citizen-01/direction"]')).toHaveText(/^国の「マイナポータルびったりサービス/);
  await checkPage(page);

  // A larger text, by keyboard, remembered after a reload.
  const larger = page.getByRole('button', { name: '特大' });
  await larger.focus();
  await page.keyboard.press('Enter');
  await expect(larger).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-text-size', '3');
  await expectNoHorizontalOverflow(page);

  // The contents: a side panel on a tablet, a drawer on a phone.
  const phone = testInfo.project.name === 'phone';
  const contents = phone ? page.locator('.doc-toc--drawer') : page.locator('.doc-toc--side');
  if (phone) await page.getByText('目次を開く').click();
  await contents.getByRole('link', { name: /少子化対策/ }).click();
  await expect(page.locator('#doc-measure-regional-01')).toBeInViewport();

  // The reading position: open the document again, without a fragment, where it was left.
  await page.mouse.wheel(0, 50);
  await page.waitForTimeout(600);
  await page.goto(path);
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('data-text-size', '3');
  await expect(page.getByRole('status').filter({ hasText: '前回読んでいた箇所から表示しています' })).toBeVisible();
  await expect(page.locator('#doc-measure-regional-01')).toBeInViewport();
  await checkPage(page);
  // Back to the normal size for the other tests of this browser.
  await page.getByRole('button', { name: '標準' }).click();
});

test('an official points the council to a measure: members see it within 2 seconds, and nobody is moved', async ({ browser }) => {
  const plan = 'komagane-dx-strategy';
  const official = await device(browser, 'komagane-admin');
  const member = await device(browser, 'komagane-council');
  const o = official.page;
  const m = member.page;
  await m.goto(`/plans/${plan}/document`);
  await hydrated(m);
  // Once the page has settled (its reading controls shown), read where a part sits on screen.
  await expect(m.locator('.reading-controls')).toBeVisible();
  await m.locator('#doc-measure-citizen-02').scrollIntoViewIfNeeded();
  const reference = m.locator('#doc-measure-citizen-02');
  const before = (await reference.boundingBox())!.y;

  await o.goto(`/plans/${plan}/document`);
  await hydrated(o);
  await o.getByLabel('説明者として箇所を案内する').check();
  await checkPage(o);
  const sent = Date.now();
  await o.getByRole('button', { name: 'この箇所を案内する：施策⑤ オンライン税金納付通知、状況照会改善' }).click();
  await expect(o.locator('.presenter__current')).toContainText('案内中：施策⑤');

  const banner = m.locator('.presenting-banner');
  await expect(banner).toContainText('説明中：施策⑤ オンライン税金納付通知、状況照会改善', { timeout: 2_000 });
  expect(Date.now() - sent).toBeLessThan(2_000 + 1_000);
  // The member's page stays where it was until they choose to go.
  expect(Math.abs((await reference.boundingBox())!.y - before)).toBeLessThan(1);
  await checkPage(m);
  await banner.getByRole('link', { name: 'この箇所へ移動' }).click();
  await expect(m.locator('#doc-measure-citizen-05')).toBeInViewport();

  // The official stops; the banner goes.
  await o.getByRole('button', { name: '案内を終える' }).click();
  await expect(banner).toBeEmpty({ timeout: 2_000 });

  // The public has no banner and no presenter controls.
  const citizen = await device(browser, null);
  await citizen.page.goto(`/plans/${plan}/document`);
  await hydrated(citizen.page);
  await expect(citizen.page.locator('.presenting-banner, .presenter')).toHaveCount(0);
  for (const d of [official, member, citizen]) await d.context.close();
});

test.describe('actions and KPIs', () => {
  // The Komagane plan has measures with actions and KPIs; it is revised on a server of its own.
  const ownServer = ownServerForEachTest({ phone: 3967, tablet: 3968 });

  test('an administrator edits the draft\'s actions and KPIs; refused input stays typed', async ({ page }) => {
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    const base = ownServer().url;
    const plan = 'komagane-dx-strategy';
    const admin = await apiSession(base, 'komagane-admin');
    expect((await admin.api.post(`/api/v1/plans/${plan}/revision`, { headers: { 'X-CSRF-Token': admin.csrf }, data: { label: '令和8年3月改定' } })).status()).toBe(201);
    await signIn(page, 'komagane-admin', base);
    await page.goto(`${base}/plans/${plan}/revision`);
    await hydrated(page);
    await page.locator('#lists-measure').selectOption('regional-01');
    // An action's title changed (its roadmap cells stay), and one added.
    await page.locator('#action-choice').selectOption({ index: 1 });
    await expect(page.locator('#action-id')).toHaveAttribute('readonly', '');
    await page.locator('#action-title').fill('改定で書き改めた取組');
    await page.getByRole('button', { name: '取組を保存する' }).click();
    await expect(page.locator('.diff-summary')).toContainText('取組の変更 1件');
    await page.locator('#lists-measure').selectOption('regional-01');
    await page.locator('#action-id').fill('regional-01-e2e');
    await page.locator('#action-title').fill('改定で加えた取組');
    await page.getByRole('button', { name: '取組を保存する' }).click();
    await expect(page.locator('.diff-summary')).toContainText('取組の追加 1件');
    // A KPI: a target that is no number is refused beside it, and what was typed stays.
    await page.locator('#lists-measure').selectOption('regional-01');
    await page.locator('#kpi-text').fill('改定で加えた指標：30件（令和8年度）');
    await page.locator('#kpi-label').fill('改定で加えた指標');
    await page.locator('#kpi-target').fill('三十');
    await page.getByRole('button', { name: 'KPIを保存する' }).click();
    await expect(page.locator('#kpi-target-error')).toContainText('数値');
    await expect(page.locator('#kpi-label')).toHaveValue('改定で加えた指標');
    await page.locator('#kpi-target').fill('30');
    await page.locator('#kpi-target-year').fill('2026');
    await page.getByRole('button', { name: 'KPIを保存する' }).click();
    await expect(page.locator('.diff-summary')).toContainText('KPIの追加 1件');
    await checkPage(page);
    // The draft holds them; the current version does not.
    const draft = await (await admin.api.get(`/api/v1/plans/${plan}/versions/2`)).json();
    const measure = draft.plan.measures.find((m: any) => m.id === 'regional-01');
    expect(measure.actions.map((a: any) => a.id)).toContain('regional-01-e2e');
    // The retitled action kept its roadmap cells, which the form does not show.
    expect(measure.actions[0]).toMatchObject({ id: 'regional-01-1', title: '改定で書き改めた取組' });
    expect(measure.actions[0].schedule.length).toBeGreaterThan(0);
    expect(measure.kpis.at(-1)).toMatchObject({ label: '改定で加えた指標', target: { value: 30, year: 2026 } });
    const current = await (await admin.api.get(`/api/v1/plans/${plan}/versions/1`)).json();
    expect(current.plan.measures.find((m: any) => m.id === 'regional-01').actions.map((a: any) => a.id)).not.toContain('regional-01-e2e');
  });
});

test.describe('offline', () => {
  // A sign-in, a server of its own stopped mid-test, and reloads from the app shell.
  test.describe.configure({ timeout: 120_000 });
  const ownServer = ownServerForEachTest({ phone: 3947, tablet: 3948 });

  test('a council member reads the draft revision and the document offline; signing out leaves none of it', async ({ page }) => {
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    const server = ownServer();
    const base = server.url;
    const plan = 'komagane-dx-strategy';
    const revised = '行政手続きのデジタル化（改定案）';
    // The administrator prepares a draft revision (素案) for the council to read.
    const admin = await apiSession(base, 'komagane-admin');
    const headers = { 'X-CSRF-Token': admin.csrf };
    expect((await admin.api.post(`/api/v1/plans/${plan}/revision`, { headers, data: { label: '令和8年3月改定' } })).status()).toBe(201);
    const edit = { op: 'set_measure_field', measure: 'citizen-01', field: 'title', value: revised };
    expect((await admin.api.patch(`/api/v1/plans/${plan}/revision`, { headers, data: edit })).status()).toBe(200);

    await signIn(page, 'komagane-council', base);
    await page.goto(`${base}/plans/${plan}/v/2`);
    await hydrated(page);
    await readyForOffline(page);
    const keptVersions = (database: string) => page.evaluate(async (name) => {
      if (!(await indexedDB.databases()).some((d) => d.name === name)) return [];
      const db: IDBDatabase = await new Promise((done, fail) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => done(open.result);
        open.onerror = () => fail(open.error);
      });
      if (!db.objectStoreNames.contains('versions')) { db.close(); return []; }
      const keys = await new Promise<IDBValidKey[]>((done) => {
        const all = db.transaction('versions').objectStore('versions').getAllKeys();
        all.onsuccess = () => done(all.result);
      });
      db.close();
      return keys.map(String);
    }, database);
    // The draft's document is kept once read, for its reader only.
    await expect.poll(() => keptVersions('keikaku-plans-komagane-council'), { timeout: 15_000 }).toContain(`${plan}/2`);

    await server.stop();
    await page.goto(`${base}/plans/${plan}/v/2`);
    await hydrated(page);
    await expect(page.locator('.offline-banner')).toBeVisible();
    await expect(page.locator('.version-bar__notice')).toHaveText('これは公開前の改定案（素案）です。');
    await expect(page.locator('[data-anchor="measure/citizen-01/title"]')).toHaveText(revised);
    // Reading on: the position is remembered on the device.
    await page.locator('#doc-measure-citizen-05').scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 40);
    await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('keikaku.reading.position.')).length)).toBeGreaterThan(0);
    await page.goto(`${base}/plans/${plan}/document`);
    await hydrated(page);
    await expect(page.locator('h1.doc__title')).toContainText('こまがねDX戦略');
    await expect(page.locator('[data-anchor="measure/citizen-01/title"]')).toHaveText('行政手続きのオンライン化');

    // Signing out, offline: the draft is readable no more, and kept nowhere.
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await expect(page).toHaveURL(`${base}/`, { timeout: 20_000 });
    await page.goto(`${base}/plans/${plan}/v/2`);
    await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
    await expect(page.getByText(revised)).toHaveCount(0);
    // Nor where they were reading.
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('keikaku.reading.position.')))).toEqual([]);
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(databases).not.toContain('keikaku-plans-komagane-council');
    expect(await keptVersions('keikaku-plans-public')).not.toContain(`${plan}/2`);
  });
});
