import { expect, Page, test } from '@playwright/test';
import { hydrated, readWithoutApp, signIn } from './helpers';

const ROADMAP = '/plans/komagane-dx-strategy/roadmap';

async function yearHeaders(page: Page) {
  return page.locator('.roadmap-table thead th').allTextContents();
}

// A visitor reads the roadmap without the app, with JavaScript on or off; a signed-in user in it.
for (const reader of ['a visitor', 'a visitor without JavaScript', 'a signed-in user in the app'] as const) {
  test(`roadmap filters work for ${reader}`, async ({ browser }) => {
    const js = reader !== 'a visitor without JavaScript';
    const context = await browser.newContext({ javaScriptEnabled: js });
    const page = await context.newPage();
    if (reader === 'a signed-in user in the app') await signIn(page, 'komagane-editor');
    await page.goto(ROADMAP);
    if (reader === 'a visitor') await readWithoutApp(page);
    if (reader === 'a signed-in user in the app') await hydrated(page);
    await expect(page.getByRole('status')).toContainText('32件の施策のうち32件を表示');
    expect((await yearHeaders(page)).length).toBe(6); // item column + 令和4–8年度

    // Department: 税務課 leads or takes part in a subset of measures.
    await page.getByLabel('担当課・関係課').selectOption('税務課');
    await page.getByRole('button', { name: '絞り込む' }).click();
    await expect(page).toHaveURL(/department=/);
    // 9 of Komagane's measures name 税務課 as lead or related department.
    await expect(page.getByRole('status')).toContainText('32件の施策のうち9件を表示');
    await expect(page.locator('.roadmap-table__measure')).toHaveCount(9);
    await expect(page.getByRole('link', { name: /口座振替依頼書の電子化/ })).toBeVisible();
    await expect(page.getByRole('link', { name: /少子化対策/ })).toHaveCount(0);

    // Fiscal year: a single column.
    await page.getByLabel('年度').selectOption('2024');
    await page.getByRole('button', { name: '絞り込む' }).click();
    await expect(page).toHaveURL(/year=2024/);
    await expect(page.locator('.roadmap-table thead th')).toHaveCount(2);
    expect((await yearHeaders(page))[1]).toContain('令和6年度');

    // Structure node: only 地域DX measures.
    await page.getByRole('link', { name: '条件を解除' }).click();
    await expect(page.getByRole('status')).toContainText('32件の施策のうち32件を表示');
    const nodeSelect = page.getByLabel('区分');
    const regional = await nodeSelect.locator('option', { hasText: '地域' }).first().getAttribute('value');
    await nodeSelect.selectOption(regional!);
    await page.getByRole('button', { name: '絞り込む' }).click();
    await expect(page.getByRole('status')).toContainText('32件の施策のうち14件を表示');
    await expect(page.getByRole('link', { name: /少子化対策/ })).toBeVisible();
    await context.close();
  });
}

test('roadmap shows stages as text and keeps headers in view', async ({ page }) => {
  await page.goto(ROADMAP);
  const row = page.locator('.roadmap-table__action', { hasText: '新しい子育て支援アプリの導入' });
  await expect(row.locator('td').nth(0)).toHaveText(/試験導入/);
  await expect(row.locator('td').nth(1)).toHaveText(/本番導入/);
  await expect(row.locator('td').nth(2)).toHaveText(/定着化/);
  const sticky = await page.locator('.roadmap-table thead th').first().evaluate((el) => getComputedStyle(el).position);
  expect(sticky).toBe('sticky');
  const stickyColumn = await page.locator('.roadmap-table tbody th.roadmap-table__item').first().evaluate((el) => getComputedStyle(el).position);
  expect(stickyColumn).toBe('sticky');
});

test('a filter value that names nothing is reported, not silently ignored', async ({ page }) => {
  await page.goto(ROADMAP + '?year=abc&department=' + encodeURIComponent('架空課'));
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('年度「abc」を読み取れません');
  await expect(alert).toContainText('「架空課」はこの計画の担当課・関係課にありません');
  await expect(page.getByRole('status')).toContainText('32件の施策のうち32件を表示');
});

test('the roadmap table is keyboard-scrollable and the filters are keyboard-usable', async ({ page }) => {
  await page.goto(ROADMAP);
  await readWithoutApp(page);
  await page.getByLabel('年度').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab'); // to the submit button
  await expect(page.getByRole('button', { name: '絞り込む' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/year=/);
  const region = page.getByRole('region', { name: '工程表' });
  // The URL changes before the filtered table replaces the old one; a region focused before
  // that is gone with it. The filtered table has one year column beside the item column.
  await expect(region.locator('thead th')).toHaveCount(2);
  await region.focus();
  await expect(region).toBeFocused();
});
