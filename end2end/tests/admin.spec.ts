import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalOverflow, holdTheApp, hydrated, signIn, watchPolicyViolations } from './helpers';

test('an administrator manages departments and users; refused input stays typed', async ({ page }, testInfo) => {
  const suffix = testInfo.project.name; // both projects share one server
  const violations = await watchPolicyViolations(page);
  await signIn(page, 'komagane-admin');
  await page.getByRole('link', { name: '管理' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('組織の管理：駒ヶ根市');
  await hydrated(page);
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);

  // A department is added and listed; one in use offers no delete button.
  const department = `e2e検証課-${suffix}`;
  await page.getByLabel('部署名').fill(department);
  await page.getByLabel('英語名（任意）').fill(`E2E Test Division ${suffix}`);
  await page.getByRole('button', { name: '追加する' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${department} を追加しました。` })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(department) })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(department) }).getByRole('cell').first()).toHaveText(`E2E Test Division ${suffix}`);
  await expect(page.getByLabel('英語名（任意）')).toHaveValue('');
  await expect(page.getByRole('button', { name: '市民課を削除' })).toHaveCount(0);

  // A too-short password is refused with its reason; the login and name stay as typed.
  const login = `e2e-user-${suffix}`;
  await page.getByLabel('ログインID').fill(login);
  await page.getByLabel('氏名').fill('検証 太郎');
  await page.getByLabel('役割').selectOption('editor');
  await page.getByLabel('部署（職員は必須）').selectOption(department);
  await page.getByLabel('初期パスワード（12文字以上）').fill('short-pass');
  // Bypass the browser's own minlength check to exercise the server's rule.
  await page.getByLabel('初期パスワード（12文字以上）').evaluate((input) => input.removeAttribute('minlength'));
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByLabel('ログインID')).toHaveValue(login);
  await expect(page.getByLabel('氏名')).toHaveValue('検証 太郎');

  await page.getByLabel('初期パスワード（12文字以上）').fill('a long enough passphrase');
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${login} を登録しました。` })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(login) });
  await expect(row).toContainText('有効');
  // The department is now in use.
  await expect(page.getByRole('button', { name: `${department}を削除` })).toHaveCount(0);

  // Disable the new user by keyboard.
  await page.getByRole('button', { name: `${login}を無効にする` }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('row', { name: new RegExp(login) })).toContainText('無効');
  expect(violations).toEqual([]);
});

test('an administrator edits measure text; a refused field keeps its text and the rest is saved', async ({ page }, testInfo) => {
  const measure = `/plans/komagane-dx-strategy/measures/${testInfo.project.name === 'phone' ? 'internal-01' : 'internal-02'}`;
  await signIn(page, 'komagane-admin');
  await page.goto(measure);
  await page.getByRole('link', { name: 'この施策を編集する' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('施策の編集');
  await hydrated(page);
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);

  const summary = `e2eで書き換えた概要（${testInfo.project.name}）`;
  await page.getByLabel('概要').fill(summary);
  await page.getByLabel('施策名（必須）').fill('   ');
  await expect(page.getByText('未保存：2項目')).toBeVisible();
  await page.getByRole('button', { name: '本文を保存する' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '1項目を保存できませんでした（1項目は保存済み）' })).toBeVisible();
  await expect(page.getByLabel('施策名（必須）')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('施策名（必須）')).toHaveValue('   ');
  await expect(page.getByText('未保存：1項目')).toBeVisible();
  await expectAccessible(page);

  // Departments: DX戦略室 becomes related; choosing a lead department as related moves it.
  await page.getByRole('group', { name: '関係部署' }).getByLabel('DX戦略室').check();
  await page.getByRole('group', { name: '関係部署' }).getByLabel('総務課').check();
  await expect(page.getByRole('group', { name: '主担当部署' }).getByLabel('総務課')).not.toBeChecked();
  await page.getByRole('group', { name: '主担当部署' }).getByLabel('総務課').check();
  await expect(page.getByRole('group', { name: '関係部署' }).getByLabel('総務課')).not.toBeChecked();
  await page.getByRole('button', { name: '担当部署を保存する' }).click();
  await expect(page.getByRole('status').filter({ hasText: '担当部署を保存しました。' })).toBeVisible();

  await page.goto(measure);
  await expect(page.locator('main')).toContainText(summary);
  await expect(page.locator('main')).toContainText('DX戦略室');
  await page.goto(`${measure}/history`);
  await expect(page.locator('.history__entry')).toHaveCount(2);
  await expect(page.locator('.history__entry').first()).toContainText('担当部署');
});

test('editors and the public cannot open the administrators\' pages', async ({ page }) => {
  expect((await page.goto('/admin'))?.status()).toBe(401);
  await expect(page.getByRole('link', { name: 'ログインする' })).toBeVisible();
  await expectAccessible(page);
  await signIn(page, 'komagane-editor');
  expect((await page.goto('/admin'))?.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('管理者だけ');
  expect((await page.goto('/plans/komagane-dx-strategy/measures/citizen-01/edit'))?.status()).toBe(403);
  await page.goto('/plans/komagane-dx-strategy/measures/citizen-01');
  await expect(page.getByRole('link', { name: 'この施策を編集する' })).toHaveCount(0);
});

test('what is typed into the forms before the app has loaded is kept and used', async ({ browser }, testInfo) => {
  // No service worker, so the build files come over the network, where the test can hold them.
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: 'ja-JP', serviceWorkers: 'block' });
  const page = await context.newPage();
  await signIn(page, 'komagane-admin');
  const releaseBuild = await holdTheApp(page);
  await page.goto('/admin', { waitUntil: 'domcontentloaded' });
  const department = `早く入力した課-${testInfo.project.name}`;
  await page.getByLabel('部署名').fill(department);
  await page.getByLabel('ログインID').fill('typed-before-hydration');
  await page.getByLabel('氏名').fill('先に 入力');
  await page.getByLabel('役割').selectOption('council_member');
  releaseBuild();
  await hydrated(page);
  await expect(page.getByLabel('部署名')).toHaveValue(department);
  await expect(page.getByLabel('ログインID')).toHaveValue('typed-before-hydration');
  await expect(page.getByLabel('氏名')).toHaveValue('先に 入力');
  await expect(page.getByLabel('役割')).toHaveValue('council_member');
  await page.getByRole('button', { name: '追加する' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${department} を追加しました。` })).toBeVisible();
  await context.close();
});

test('measure text typed before the app has loaded is kept, and the page shows the stored text', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: 'ja-JP', serviceWorkers: 'block' });
  const page = await context.newPage();
  await signIn(page, 'komagane-admin');
  const releaseBuild = await holdTheApp(page);
  const measure = `/plans/komagane-dx-strategy/measures/${testInfo.project.name === 'phone' ? 'internal-03' : 'internal-04'}`;
  await page.goto(`${measure}/edit`, { waitUntil: 'domcontentloaded' });
  // Without the app, the server-rendered fields hold the stored text.
  const title = page.getByLabel('施策名（必須）');
  const stored = await title.inputValue();
  expect(stored.trim()).not.toBe('');
  const summary = `アプリの読み込み前に書いた概要（${testInfo.project.name}）`;
  await page.getByLabel('概要').fill(summary);
  releaseBuild();
  await hydrated(page);
  await expect(page.getByLabel('概要')).toHaveValue(summary);
  await expect(title).toHaveValue(stored);
  await expect(page.getByText('未保存：1項目')).toBeVisible();
  await page.getByRole('button', { name: '本文を保存する' }).click();
  await expect(page.getByRole('status').filter({ hasText: '1項目を保存しました。' })).toBeVisible();
  await page.goto(measure);
  await expect(page.locator('main')).toContainText(summary);
  await context.close();
});
