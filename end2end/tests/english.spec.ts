import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalOverflow, hydrated, readWithoutApp, signIn, unmarkedJapanese, watchErrors } from './helpers';

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
  const card = page.locator('.plan-card').filter({ has: page.getByRole('link', { name: 'Komagane DX Strategy' }) });
  await expect(card.getByRole('definition').first()).toHaveText('FY2022 (Reiwa 4) – FY2026 (Reiwa 8)');
  await expect(card.getByRole('link', { name: /^Glossary \(\d+ terms\)$/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeAttached();
  await expect(page.getByRole('link', { name: '日本語' })).toHaveAttribute('lang', 'ja');
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);

  await page.goto(PLAN);
  await readWithoutApp(page);
  await expect(page.getByRole('note')).toHaveText('Where the plan gives no English, its own text is shown in Japanese.');
  await expect(page.getByRole('heading', { level: 1 }).locator('[lang="en"]')).toHaveText('Komagane DX Strategy');
  await expect(page.getByRole('navigation', { name: 'Views of the plan' }).getByRole('link', { name: 'Overview' }))
    .toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'Structure of the plan' })).toBeVisible();
  await expect(page.locator('.plan-header__period')).toHaveText('Plan period: FY2022 (Reiwa 4) – FY2026 (Reiwa 8)');
  await expect(page.locator('meta[property="og:locale"]')).toHaveAttribute('content', 'en_US');
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
  await context.close();
});

// Every page type a citizen reads, in English: its main heading, and any Japanese left on it
// (the plan's own text, names, the data's column names) marked lang="ja".
const PAGE_TYPES: { path: string; heading: string | RegExp; also: string[] }[] = [
  { path: '/', heading: 'Municipal DX plans', also: ['Plan period'] },
  { path: PLAN, heading: /^Komagane DX Strategy/, also: ['Structure of the plan'] },
  { path: `${PLAN}/progress`, heading: 'Progress', also: ['State of the measures', 'KPI achievement', 'Not published'] },
  {
    path: `${PLAN}/measures/regional-06`,
    heading: '6 Health management and care prevention',
    also: ['KPIs (key performance indicators)', 'Schedule (roadmap)', 'Planned and actual', 'FY2024', 'Pilot'],
  },
  { path: `${PLAN}/roadmap`, heading: 'Roadmap', also: ['Showing 32 of 32 measures.', 'Measure or action', 'Established'] },
  { path: `${PLAN}/glossary`, heading: 'Glossary', also: ['Terms marked'] },
  { path: '/search?q=%E9%98%B2%E7%81%BD', heading: 'Search the plans', also: ['Results for “防災”'] },
  { path: `${PLAN}/data`, heading: 'Open data', also: ['Measures (32 rows)', 'Measures: CSV for Excel', 'Licence'] },
  { path: '/accessibility', heading: 'Accessibility policy', also: ['Results of the automated tests', 'Manual checks'] },
];

test('every page type a citizen reads is in English, the Japanese left on it marked as such', async ({ browser }) => {
  const context = await browser.newContext({ ...test.info().project.use, locale: 'en-US' });
  const page = await context.newPage();
  for (const { path, heading, also } of PAGE_TYPES) {
    await page.goto(path);
    await readWithoutApp(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    for (const text of also) {
      await expect(page.getByText(text, { exact: false }).first(), `${path}: ${text}`).toBeAttached();
    }
    expect(await unmarkedJapanese(page), `${path}: Japanese not marked lang="ja"`).toEqual([]);
    await expectAccessible(page);
    await expectNoHorizontalOverflow(page);
  }
  await context.close();
});

test('the English a plan file gives is shown on English pages, its Japanese everywhere else', async ({ browser }) => {
  const context = await browser.newContext({ ...test.info().project.use, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${PLAN}/measures/regional-06`);
  await readWithoutApp(page);
  await expect(page.getByRole('heading', { level: 1 }).locator('[lang="en"]')).toHaveText('6 Health management and care prevention');
  // A field given in English reads in English; one without stays Japanese, marked so.
  const targetState = page.locator('#target-state');
  await expect(targetState.locator('[lang="en"]')).toContainText('People know their own state of health');
  await expect(page.locator('#current-issues [lang="ja"]').first()).toBeVisible();
  await expect(page.locator('#kpis').getByText('Share answering “interested”')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('note')).toHaveText('Where the plan gives no English, its own text is shown in Japanese.');
  // The structure the measure sits in: the policy's English title.
  await expect(page.locator('.placements')).toContainText('New digital services that solve local issues');
  // Its lead department, which the organization names in English, and its roadmap cells.
  await expect(page.locator('#departments').getByText('Community Health Division', { exact: true })).toHaveAttribute('lang', 'en');
  const schedule = page.locator('#schedule');
  await expect(schedule.locator('.cell__line', { hasText: 'Establish and improve' }).first()).toHaveAttribute('lang', 'en');
  await expect(schedule.locator('.cell__line', { hasText: 'Rollout' }).first()).toHaveAttribute('lang', 'en');
  await expect(schedule.locator('.cell__line[lang="ja"]')).toHaveCount(0);
  expect(await unmarkedJapanese(page)).toEqual([]);
  // The roadmap: a department asked for by its Japanese name (a link from the Japanese page)
  // is chosen under its English name; cells without English stay Japanese, marked so.
  await page.goto(`${PLAN}/roadmap?department=${encodeURIComponent('地域保健課')}`);
  await readWithoutApp(page);
  await expect(page.locator('#filter-department')).toHaveValue('Community Health Division');
  await expect(page.locator('.notice--error')).toHaveCount(0);
  await expect(page.getByRole('status')).toContainText('Showing 5 of 32 measures.');
  const measureRow = page.locator('.roadmap-table__measure', { has: page.getByRole('link', { name: '6 Health management and care prevention' }) });
  await expect(measureRow.locator('.roadmap-table__dept').getByText('Community Health Division', { exact: true })).toHaveAttribute('lang', 'en');
  const actionRow = page.locator('.roadmap-table__action', { has: page.locator('a[href$="#action-regional-06-1"]') });
  await expect(actionRow.locator('td').nth(0).locator('.cell__line')).toHaveText('Study');
  await expect(actionRow.locator('td').nth(0).locator('.cell__line')).toHaveAttribute('lang', 'en');
  await expect(actionRow.locator('td').nth(3).locator('.cell__line')).toHaveText('Establish and improve');
  await expect(actionRow.locator('td').nth(3).locator('.stage')).toHaveText('Established');
  await expect(page.locator('.roadmap-table .cell__line[lang="ja"]').first()).toBeAttached();
  expect(await unmarkedJapanese(page)).toEqual([]);
  // A chapter's title and a milestone given in English; the chapter's number stays as printed.
  await page.goto(PLAN);
  await expect(page.locator('#chapter-ch1 h3 [lang="en"]')).toHaveText('Introduction');
  await expect(page.locator('#chapter-ch1 h3 [lang="ja"]')).toHaveText('第1章');
  const milestones = page.locator('#milestones');
  await expect(milestones.getByText('Council papers go paperless')).toHaveAttribute('lang', 'en');
  await expect(milestones.getByRole('cell', { name: 'Internal operations' })).toHaveAttribute('lang', 'en');
  expect(await unmarkedJapanese(page)).toEqual([]);
  // Another plan without English: the note says all of its text is Japanese.
  await page.goto('/plans/shimada-dx-plan');
  await expect(page.getByRole('note')).toHaveText("The plan's own text is shown in Japanese.");
  await context.close();

  // In Japanese, the plan's own Japanese.
  const japanese = await browser.newContext({ ...test.info().project.use, locale: 'ja-JP' });
  const jaPage = await japanese.newPage();
  await jaPage.goto(`${PLAN}/measures/regional-06`);
  await expect(jaPage.getByRole('heading', { level: 1 })).toHaveText('6 健康管理・介護予防');
  await expect(jaPage.getByRole('note')).toHaveCount(0);
  await expect(jaPage.locator('#departments')).toContainText('地域保健課');
  await expect(jaPage.locator('#schedule')).toContainText('定着・改善');
  await expect(jaPage.locator('#schedule')).not.toContainText('Establish and improve');
  // A department named in English (the language switch keeps the query) is chosen in Japanese.
  await jaPage.goto(`${PLAN}/roadmap?department=${encodeURIComponent('Community Health Division')}`);
  await expect(jaPage.locator('#filter-department')).toHaveValue('地域保健課');
  await expect(jaPage.getByRole('status')).toContainText('32件の施策のうち5件を表示');
  await jaPage.goto(PLAN);
  await expect(jaPage.locator('#chapter-ch1 h3')).toHaveText('第1章 はじめに');
  await expect(jaPage.locator('#milestones')).toContainText('議会配布資料のペーパーレス開始');
  await japanese.close();
});

test('the sign-in page and its errors read in English', async ({ browser }) => {
  const context = await browser.newContext({ ...test.info().project.use, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await page.getByLabel('Login ID').fill('nobody');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The login ID or the password is wrong.');
  // What was typed is kept.
  await expect(page.getByLabel('Login ID')).toHaveValue('nobody');
  expect(await unmarkedJapanese(page)).toEqual([]);
  await expectAccessible(page);
  await context.close();
});

test('the glossary and search read in English, the terms and hits marked as Japanese', async ({ browser }) => {
  const context = await browser.newContext({ ...test.info().project.use, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${PLAN}/glossary`);
  await readWithoutApp(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Glossary');
  await expect(page.getByText(/^\d+ terms\. Terms marked/)).toBeVisible();
  await expect(page.locator('dl.glossary dd').first()).toHaveAttribute('lang', 'ja');
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
