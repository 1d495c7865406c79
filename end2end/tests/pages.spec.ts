import { expect, test } from '@playwright/test';
import { PAGE_TYPES, expectAccessible, expectNoHorizontalOverflow, hydrated, readWithoutApp, signIn, watchErrors, watchPolicyViolations } from './helpers';

for (const pageType of PAGE_TYPES) {
  const loads = pageType.readsWithoutApp ? 'reads without the app' : 'hydrates';
  test(`${pageType.name} renders, ${loads}, fits the screen and passes axe`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const violations = await watchPolicyViolations(page);
    const response = await page.goto(pageType.path);
    expect(response?.status()).toBe(pageType.name === 'not found' ? 404 : 200);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(pageType.heading);
    if (pageType.readsWithoutApp) await readWithoutApp(page);
    else await hydrated(page);
    await expectNoHorizontalOverflow(page);
    await expectAccessible(page);
    expect(errors).toEqual([]);
    expect(violations, 'the script policy blocks nothing the app needs').toEqual([]);
  });
}

test('signed in, every page a visitor reads without the app hydrates the app, without errors', async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, 'komagane-editor');
  for (const pageType of PAGE_TYPES.filter((p) => p.readsWithoutApp)) {
    await page.goto(pageType.path);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(pageType.heading);
    await hydrated(page);
    await expect(page.locator('html[data-app]'), pageType.name).toHaveCount(0);
  }
  // The 404 page answers with its status, which the console reports.
  expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
});

test('the home page lists all five plans grouped by municipality', async ({ page }) => {
  await page.goto('/');
  for (const name of ['駒ヶ根市', '島田市', '恵那市', '上郡町', '松江市']) {
    await expect(page.getByRole('heading', { level: 2, name: new RegExp(name) })).toBeVisible();
  }
  await expect(page.getByRole('link', { name: 'こまがねDX戦略' })).toBeVisible();
  await expect(page.locator('.plan-card')).toHaveCount(5);
});

test('overview shows the structure tree with links to measures and marks reprints', async ({ page }) => {
  await page.goto('/plans/shimada-dx-plan');
  await expect(page.getByText('誰もがデジタル技術を活用し、安心して快適に暮らせる新しい社会').first()).toBeVisible();
  const reprints = page.locator('#structure .badge--reprint');
  await expect(reprints).toHaveCount(3);
  await page.getByRole('link', { name: /産業DXの支援/ }).click();
  await expect(page).toHaveURL(/\/plans\/shimada-dx-plan\/measures\//);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/産業DXの支援/);
});

test('measure page shows every field, KPIs, departments, references and schedule', async ({ page }) => {
  await page.goto('/plans/komagane-dx-strategy/measures/citizen-01');
  for (const heading of ['目指す姿', '現状と課題', '取組の方向', '取組の内容', 'KPI（重要業績評価指標）', '担当課・関係課', '関連する総合計画の施策番号', 'スケジュール（工程表）']) {
    await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible();
  }
  await expect(page.locator('#kpis')).toContainText('手続きの多い課での待ち時間');
  await expect(page.locator('#departments')).toContainText('税務課');
  await expect(page.locator('#general-plan')).toContainText('共通基盤');
  await expect(page.locator('#schedule')).toContainText('子育て・福祉の申請を優先して電子化');
  await expect(page.locator('#schedule thead')).toContainText('令和4年度');
  await expect(page.locator('#schedule thead')).toContainText('2022年度');
});

test('a marked glossary term links to its entry', async ({ page }) => {
  await page.goto('/plans/komagane-dx-strategy/measures/citizen-01');
  await readWithoutApp(page);
  const term = page.locator('#direction a.term').first();
  await expect(term).toBeVisible();
  const name = (await term.textContent())!;
  await term.click();
  await expect(page).toHaveURL(/\/glossary#term-/);
  const id = new URL(page.url()).hash.slice(1);
  const entry = page.locator(`[id="${id}"]`);
  await expect(entry).toBeInViewport();
  await expect(entry.locator('dt')).toContainText(name.replace(/\s/g, '').slice(0, 4));
});

test('keyboard: the skip link moves focus to the main content', async ({ page }) => {
  await page.goto('/plans/komagane-dx-strategy');
  await readWithoutApp(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: '本文へスキップ' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  await page.keyboard.press('Tab');
  const focusedInMain = await page.evaluate(() => !!document.activeElement?.closest('main'));
  expect(focusedInMain).toBe(true);
});
