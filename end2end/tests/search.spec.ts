import { expect, test } from '@playwright/test';
import { readWithoutApp } from './helpers';

test('search finds the two-character word 防災 and links to where it was found', async ({ page }) => {
  await page.goto('/');
  await readWithoutApp(page);
  const box = page.getByRole('searchbox', { name: '計画を検索' });
  await box.fill('防災');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.getByRole('heading', { name: '「防災」の検索結果' })).toBeVisible();
  await expect(page.locator('.search-hit mark').first()).toHaveText('防災');
  const hit = page.locator('.search-hit', { hasText: '防災・減災' }).first();
  await hit.getByRole('link').click();
  await expect(page).toHaveURL(/\/plans\/komagane-dx-strategy\/(measures\/regional-13|#)/);
});

test('search finds a measure by its name, measure first', async ({ page }) => {
  await page.goto('/search?q=' + encodeURIComponent('口座振替依頼書の電子化'));
  const first = page.locator('.search-hit').first();
  await expect(first.getByRole('link')).toHaveAttribute('href', '/plans/komagane-dx-strategy/measures/citizen-04');
  await first.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/口座振替依頼書の電子化/);
});

test('search works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/search');
  await page.getByLabel('検索する語句').fill('テレワーク');
  await page.getByRole('button', { name: '検索' }).last().click();
  await expect(page.getByRole('heading', { name: '「テレワーク」の検索結果' })).toBeVisible();
  await expect(page.locator('.search-hit').first()).toBeVisible();
  await context.close();
});

test('an empty result says so', async ({ page }) => {
  await page.goto('/search?q=' + encodeURIComponent('存在しない語句ですよ'));
  await expect(page.getByRole('status')).toContainText('見つかりませんでした');
});
