import { expect, Page, test } from '@playwright/test';
import { ApiSession, apiSession, expectAccessible, expectNoHorizontalOverflow, openDevice, pushChange, readWithoutApp } from './helpers';
import { ownServerForFile } from './own-server';

// What a citizen reads of how the plan is going, on a phone, with JavaScript and without: the
// progress overview built from a published round. The file's server publishes one round first.
test.describe.configure({ mode: 'serial', timeout: 90_000 });
const ownServer = ownServerForFile({ phone: 3977, tablet: 3978 });

const PLAN = 'komagane-dx-strategy';
const ROUND = 'e2e-citizens';
/** 健康管理・介護予防: its first KPI is +2.5 points on 52.5% (平成28年度). */
const ON_TRACK = 'regional-06';
const DELAYED = 'internal-02';

async function push(admin: ApiSession, counter: number, measure: string, change: object) {
  await pushChange(admin, 'e2e-citizens-tablet', counter, PLAN, measure, change);
}

const set = (field: string, value: object, empty: object) => ({
  op: 'set', field, value, base_version: 0, base_value: empty,
});

async function post(admin: ApiSession, path: string, data: object, status = 200) {
  const answer = await admin.api.post(path, { headers: { 'X-CSRF-Token': admin.csrf }, data });
  expect(answer.status(), `${path}: ${await answer.text()}`).toBe(status);
}

/** The year-end round of 令和6年度 for two measures, reported, approved and published. */
async function publishRound(base: string) {
  const admin = await apiSession(base, 'komagane-admin');
  await post(admin, `/api/v1/plans/${PLAN}/rounds`, {
    id: ROUND, fiscal_year: 2024, kind: 'year_end', title: '令和6年度実績',
    opens_on: '2025-04-01', deadline: '2025-05-31', scope: [`measure:${ON_TRACK}`, `measure:${DELAYED}`],
  }, 201);
  let counter = 0;
  await push(admin, ++counter, ON_TRACK, set('status', { status: 'on_track' }, { status: null }));
  await push(admin, ++counter, ON_TRACK, set('stage', { stage: 'trial' }, { stage: null }));
  await push(admin, ++counter, ON_TRACK, set('grade', { grade: 'B' }, { grade: null }));
  await push(admin, ++counter, ON_TRACK, {
    op: 'append_kpi_reading',
    reading: { id: `e2e-citizens-tablet-${counter}`, kpi_id: 'kpi-1', value: '54', as_of: '2025-03-31' },
  });
  await push(admin, ++counter, DELAYED, set('status', { status: 'delayed' }, { status: null }));
  await push(admin, ++counter, DELAYED, set('stage', { stage: 'trial' }, { stage: null }));
  for (const measure of [ON_TRACK, DELAYED]) {
    await push(admin, ++counter, measure, { op: 'submit', round_id: ROUND, seen: 0 });
    await post(admin, `/api/v1/rounds/${ROUND}/records/measure/${measure}/steps`, { action: 'approve' });
  }
  for (const action of ['close', 'finalize', 'publish']) {
    await post(admin, `/api/v1/rounds/${ROUND}/steps`, { action });
  }
  await admin.api.dispose();
}

test.beforeAll(async () => {
  await publishRound(ownServer().url);
});

/** What both the plain page and the app show; axe and the layout check need the page's
 * JavaScript to run, so they run where it is on (the markup is the same). */
async function checkOverview(page: Page, js: boolean) {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('進み具合');
  await expect(page.locator('.progress-overview__as-of')).toHaveText(
    'データの時点：令和6年度（2024年度）までの公表分。指標の最新値は2025-03-31時点。',
  );
  // 32 measures: one on track, one delayed, the rest not published.
  await expect(page.locator('.progress-overview__summary')).toContainText(
    '施策32件のうち2件の状況が公表されています（令和6年度（2024年度）まで）。順調 1件、遅れ 1件、未公表 30件。',
  );
  // The standing chart: SVG with its caption and sentence as its name, and a table.
  const standings = page.getByRole('figure', { name: '柱ごとの施策の状況' });
  await expect(standings.getByRole('img')).toHaveAccessibleName(/柱ごとの施策の状況 全体では順調 1件、遅れ 1件、未公表 30件/);
  const table = standings.getByRole('table');
  await expect(table.locator('tbody tr')).not.toHaveCount(0);
  // Every pillar's row adds up; the columns total 32.
  const totals = await table.locator('tbody tr td:last-child').allTextContents();
  expect(totals.map(Number).reduce((a, b) => a + b, 0)).toBe(32);

  // The measure's row: state, year, stage and evaluation, linked to the measure.
  const measures = page.getByRole('region', { name: '施策ごとの状況と評価' });
  const row = measures.getByRole('row').filter({ has: page.getByRole('link', { name: /健康管理・介護予防/ }) });
  await expect(row).toContainText('順調');
  await expect(row).toContainText('試験導入');
  await expect(row).toContainText('B（令和6年度（2024年度））');

  // The KPI of points on a dated baseline: 54% is 60% of the way from 52.5% to 55%.
  const kpi = page.getByRole('row').filter({ hasText: '「関心がある」の割合' });
  await expect(kpi).toContainText('52.5%（平成28年度（2016年度））');
  await expect(kpi).toContainText('54%（2025-03-31時点）');
  await expect(kpi).toContainText('+2.5ポイント（55%）');
  await expect(kpi).toContainText('60%');
  await expect(kpi).toContainText('（最新値 54 − 基準値 52.5）÷（目標値 55 − 基準値 52.5）');
  // The chart draws the rate; a KPI without a published reading says so instead of a bar.
  const kpiChart = page.getByRole('figure', { name: '指標ごとの達成率' });
  await expect(kpiChart.locator('.chart__bar--achievement')).toHaveCount(1);
  await expect(kpiChart.locator('.chart__value--missing')).toHaveText('ほか36件は最新値が未公表のため、達成率を示していません。');
  await expect(kpiChart.locator('.chart__summary')).toHaveText(
    '数値目標のある指標37件のうち、達成率を示せるのは1件で、そのうち目標に達したのは0件です。36件は最新値が公表されていません。',
  );

  if (js) {
    await expectAccessible(page);
    await expectNoHorizontalOverflow(page);
  }
}

test('a citizen reads how the plan is going without JavaScript', async ({ browser }) => {
  const errors: string[] = [];
  const { context, page } = await openDevice(browser, null, errors, false);
  await page.goto(`${ownServer().url}/plans/${PLAN}/progress`);
  await checkOverview(page, false);
  await context.close();
});

test('a citizen finds the overview from the plan and reads it with JavaScript on, without the app', async ({ browser }) => {
  const errors: string[] = [];
  const { context, page } = await openDevice(browser, null, errors);
  await page.goto(`${ownServer().url}/plans/${PLAN}`);
  await readWithoutApp(page);
  await page.getByRole('navigation', { name: '計画の表示切替' }).getByRole('link', { name: '進み具合' }).click();
  await expect(page).toHaveURL(/\/progress$/);
  await checkOverview(page, true);
  // Plans without measures have no such tab.
  await page.goto(`${ownServer().url}/plans/matsue-digital-city-hall`);
  await readWithoutApp(page);
  await expect(page.getByRole('link', { name: '進み具合' })).toHaveCount(0);
  expect(errors).toEqual([]);
  await context.close();
});

test('a citizen takes the data: files for Excel and machines, and what each column means', async ({ browser }) => {
  const errors: string[] = [];
  const { context, page } = await openDevice(browser, null, errors, false);
  const base = ownServer().url;
  await page.goto(`${base}/plans/${PLAN}`);
  await page.getByRole('navigation', { name: '計画の表示切替' }).getByRole('link', { name: 'オープンデータ' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('オープンデータ');
  await expect(page.getByRole('link', { name: /CC BY 4.0/ })).toHaveAttribute('rel', 'license');
  await expect(page.locator('.facts')).toContainText('202151');
  await expect(page.getByRole('heading', { name: '施策（32件）' })).toBeVisible();
  // The published round's two records, and nothing unpublished.
  await expect(page.getByRole('heading', { name: '進捗と評価（公表分）（2件）' })).toBeVisible();

  // The dictionary opens without JavaScript and names every column of the file.
  const kpis = page.getByRole('region', { name: /^指標（KPI）（\d+件）$/ });
  await kpis.locator('summary').click();
  const dictionary = kpis.getByRole('table');
  await expect(dictionary.getByRole('row', { name: /目標水準 target_level/ })).toBeVisible();

  // The Excel file: a BOM, CRLF, the same headings as the dictionary.
  const href = await kpis.getByRole('link', { name: '指標（KPI）のCSV（Excel用）' }).getAttribute('href');
  const answer = await page.request.get(`${base}${href}`);
  expect(answer.headers()['content-type']).toBe('text/csv; charset=utf-8');
  const bytes = await answer.body();
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const header = bytes.subarray(3).toString('utf8').split('\r\n')[0].split(',');
  const headings = await dictionary.locator('tbody th').allTextContents();
  expect(header).toEqual(headings);
  await context.close();

  const app = await openDevice(browser, null, errors);
  await app.page.goto(`${base}/plans/${PLAN}/data`);
  await readWithoutApp(app.page);
  await app.page.locator('summary', { hasText: 'データ項目の定義' }).first().click();
  await expectAccessible(app.page);
  await expectNoHorizontalOverflow(app.page);
  expect(errors).toEqual([]);
  await app.context.close();
});

test('the home page says how each plan is going and what it last made public', async ({ browser }) => {
  const errors: string[] = [];
  const { context, page } = await openDevice(browser, null, errors, false);
  await page.goto(`${ownServer().url}/`);
  const card = page.locator('.plan-card').filter({ has: page.getByRole('link', { name: 'こまがねDX戦略' }) });
  await expect(card).toContainText('進み具合順調 1件、遅れ 1件、未公表 30件（令和6年度（2024年度）まで公表）');
  await expect(card).toContainText(/最近の更新令和6年度実績を公表（\d{4}-\d{2}-\d{2}）/);
  await expect(card.getByRole('link', { name: '進み具合' })).toHaveAttribute('href', `/plans/${PLAN}/progress`);
  // A plan with nothing published yet says when it was made public.
  await expect(page.locator('.plan-card').first()).toBeVisible();
  await expect(page.getByText(/施策10件の状況は未公表/)).toBeVisible();
  await expect(page.getByText(/最近の更新計画を公開/).first()).toBeVisible();
  await context.close();
});

test('the accessibility policy states the level, the tests and what is left to check by hand', async ({ browser }) => {
  const errors: string[] = [];
  for (const js of [false, true]) {
    const { context, page } = await openDevice(browser, null, errors, js);
    await page.goto(`${ownServer().url}/`);
    if (js) await readWithoutApp(page);
    await page.getByRole('contentinfo').getByRole('link', { name: 'アクセシビリティ方針' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('アクセシビリティ方針');
    await expect(page.locator('.facts')).toContainText('JIS X 8341-3:2016 適合レベルAA（準拠）');
    await expect(page.getByRole('row', { name: /進み具合 citizens.spec.ts/ })).toContainText('違反なし');
    await expect(page.getByRole('row', { name: /読み上げで名前が伝わる/ })).toContainText('未実施');
    if (js) {
      await expectAccessible(page);
      await expectNoHorizontalOverflow(page);
    }
    await context.close();
  }
  expect(errors).toEqual([]);
});

test('work the roadmap draws on with arrows shows in every year it continues', async ({ browser }) => {
  const errors: string[] = [];
  const { context, page } = await openDevice(browser, null, errors, false);
  await page.goto(`${ownServer().url}/plans/${PLAN}/roadmap`);
  // internal-05: 「調査 導入計画」 in 2022, continuing through 2023 and 2024.
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: /テレワーク環境整備/ }) });
  await expect(row.getByText('→ 前年度から継続')).toHaveCount(2);
  await context.close();
});

test("a citizen's visit makes no request that is bound to fail", async ({ browser }) => {
  const errors: string[] = [];
  const { context, page } = await openDevice(browser, null, errors);
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') failed.push(`console: ${message.text()}`);
  });
  const base = ownServer().url;
  for (const path of ['/', `/plans/${PLAN}`, `/plans/${PLAN}/progress`, `/plans/${PLAN}/measures/${ON_TRACK}`,
    `/plans/${PLAN}/roadmap`, `/plans/${PLAN}/glossary`, `/plans/${PLAN}/data`, '/search?q=防災']) {
    await page.goto(`${base}${path}`);
    // No app loads: nobody is signed in on this device.
    await readWithoutApp(page);
    await expect(page.locator('.site-header .account__login')).toBeVisible();
  }
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

test("a citizen reads a measure's years at a glance and its KPI against the target", async ({ browser }) => {
  const errors: string[] = [];
  for (const js of [false, true]) {
    const { context, page } = await openDevice(browser, null, errors, js);
    const base = ownServer().url;
    // Planned stages by year beside the one published: a circle for 2024, 「実績なし」 elsewhere.
    await page.goto(`${base}/plans/${PLAN}/measures/${DELAYED}`);
    if (js) await readWithoutApp(page);
    const years = page.getByRole('figure', { name: '年度ごとの段階（計画と実績）' });
    await expect(years.getByRole('img')).toHaveAccessibleName(/年度ごとの段階（計画と実績） 5年度分の計画のうち1年度分の実績/);
    await expect(years.locator('circle.chart__mark--actual')).toHaveCount(2); // the 2024 point and the legend's
    await expect(years.getByText('未公表')).toHaveCount(4);

    // The KPI of points: baseline 52.5 (2016), 54 published for 2024, the target line at 55.
    await page.goto(`${base}/plans/${PLAN}/measures/${ON_TRACK}`);
    if (js) await readWithoutApp(page);
    const trend = page.getByRole('figure', { name: /「関心がある」の割合の推移/ });
    await expect(trend.locator('.chart__summary')).toHaveText(
      '基準値 52.5%（平成28年度（2016年度）） → 最新値 54%（2025-03-31時点） → 目標値 +2.5ポイント（55%）。達成率60%。',
    );
    await expect(trend.getByRole('img')).toContainText('目標 55%');
    await expect(trend.getByRole('row', { name: /実績 令和6年度（2024年度） 54%（2025-03-31時点）/ })).toBeVisible();
    if (js) {
      await expectAccessible(page);
      await expectNoHorizontalOverflow(page);
    }
    await context.close();
  }
  expect(errors).toEqual([]);
});
