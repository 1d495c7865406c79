import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalOverflow, hydrated, readWithoutApp, signIn, watchErrors } from './helpers';

// The interface in English: Accept-Language decides the first visit, the switch (a plain link)
// is remembered, fiscal years read "FY2024 (Reiwa 6)", and the plan's own text stays Japanese,
// marked as such, with a note saying so.
const PLAN = '/plans/komagane-dx-strategy';

test('a browser asking for English gets the home page and the plan overview in English', async ({ browser }) => {
  const context = await browser.newContext({ ...test.info().project.use, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Municipal DX plans');
  await readWithoutApp(page);
  const card = page.locator('.plan-card').filter({ has: page.getByRole('link', { name: 'こまがねDX戦略' }) });
  await expect(card.getByRole('definition').first()).toHaveText('FY2022 (Reiwa 4) – FY2026 (Reiwa 8)');
  await expect(card.getByRole('link', { name: /^Glossary \(\d+ terms\)$/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeAttached();
  await expect(page.getByRole('link', { name: '日本語' })).toHaveAttribute('lang', 'ja');
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);

  await page.goto(PLAN);
  await readWithoutApp(page);
  await expect(page.getByRole('note')).toHaveText("The plan's own text is shown in Japanese.");
  await expect(page.getByRole('heading', { level: 1 }).locator('[lang="ja"]')).toHaveText('こまがねDX戦略');
  await expect(page.getByRole('navigation', { name: 'Views of the plan' }).getByRole('link', { name: 'Overview' }))
    .toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'Structure of the plan' })).toBeVisible();
  await expect(page.locator('.plan-header__period')).toHaveText('Plan period: FY2022 (Reiwa 4) – FY2026 (Reiwa 8)');
  await expect(page.locator('meta[property="og:locale"]')).toHaveAttribute('content', 'en_US');
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
  await context.close();
});

test('the glossary and search read in English, the terms and hits marked as Japanese', async ({ browser }) => {
  const context = await browser.newContext({ ...test.info().project.use, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${PLAN}/glossary`);
  await readWithoutApp(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Glossary');
  await expect(page.getByText(/^\d+ terms\. Terms marked/)).toBeVisible();
  await expect(page.locator('dl.glossary')).toHaveAttribute('lang', 'ja');
  await expect(page.getByRole('note')).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);

  await page.getByRole('searchbox', { name: 'Search the plans' }).fill('防災');
  await page.getByRole('button', { name: 'Search', exact: true }).first().click();
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.getByRole('heading', { name: 'Results for “防災”' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText(/^\d+ found\.$/);
  await expect(page.locator('ol.search-results')).toHaveAttribute('lang', 'ja');
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
  await context.close();
});

test('the language switch works without JavaScript and is remembered', async ({ browser }) => {
  const context = await browser.newContext({ ...test.info().project.use, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${PLAN}/glossary`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await page.getByRole('link', { name: 'English' }).click();
  // Back on the same page, in English.
  await expect(page).toHaveURL(new RegExp(`${PLAN}/glossary$`));
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  // Remembered on the next page, whatever the browser asks for.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Municipal DX plans');
  await page.getByRole('link', { name: '日本語' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('自治体DX計画');
  await context.close();
});

test('a signed-in user switches to English and the app hydrates the English page without errors', async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, 'komagane-editor');
  await page.goto(PLAN);
  await hydrated(page);
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await hydrated(page);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  // The app's own navigation keeps the language.
  await page.getByRole('link', { name: 'Plans', exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Municipal DX plans');
  await expectAccessible(page);
  expect(errors).toEqual([]);
  // Back to Japanese for the other tests of this account.
  await page.getByRole('link', { name: '日本語' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
});
