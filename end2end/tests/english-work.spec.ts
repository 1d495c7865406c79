import { Browser, expect, Page, test } from '@playwright/test';
import { ApiSession, apiSession, DEMO_PASSWORD, expectAccessible, expectNoHorizontalOverflow, hydrated, pushChange, unmarkedJapanese } from './helpers';
import { ownServerForFile } from './own-server';

// The pages council members and staff work on, in English: the document reader, versions and
// their comparison, the revision editor, the rounds, progress recording, the task list and the
// administration. Each is read signed in, after the app has hydrated, with every Japanese text
// left on it (the plan's words, names) marked lang="ja". The file's server gets a published
// revision, a draft of the next one and an open round first.
test.describe.configure({ mode: 'serial', timeout: 180_000 });
const ownServer = ownServerForFile({ phone: 3997, tablet: 3998 });

const PLAN = 'komagane-dx-strategy';
const ROUND = 'e2e-english';
const MEASURE = 'regional-06';

async function call(session: ApiSession, method: 'post' | 'patch' | 'put', path: string, data: object, status = 200) {
  const answer = await session.api[method](path, { headers: { 'X-CSRF-Token': session.csrf }, data });
  expect(answer.status(), `${path}: ${await answer.text()}`).toBe(status);
}

/** Version 2 published with a changed title, version 3 in draft, a round open for a measure
 * with a record submitted to it. */
async function prepare(base: string) {
  const admin = await apiSession(base, 'komagane-admin');
  await call(admin, 'post', `/api/v1/plans/${PLAN}/revision`, { label: '令和7年3月改定', issued: '2025-03' }, 201);
  await call(admin, 'patch', `/api/v1/plans/${PLAN}/revision`, {
    op: 'set_measure_field', measure: 'citizen-01', field: 'title', value: '行政手続きのオンライン化（改定）',
  });
  await call(admin, 'post', `/api/v1/plans/${PLAN}/revision/publish`, {});
  await call(admin, 'post', `/api/v1/plans/${PLAN}/revision`, { label: '令和8年3月改定', issued: '2026-03' }, 201);
  await call(admin, 'patch', `/api/v1/plans/${PLAN}/revision`, {
    op: 'set_measure_field', measure: 'citizen-02', field: 'target_state', value: '誰もが迷わず手続きできる。',
  });

  await call(admin, 'post', `/api/v1/plans/${PLAN}/rounds`, {
    id: ROUND, fiscal_year: 2024, kind: 'year_end', title: '令和6年度実績',
    opens_on: '2025-04-01', deadline: '2099-05-31', scope: [`measure:${MEASURE}`],
  }, 201);
  const push = (counter: number, change: object) => pushChange(admin, 'e2e-english-tablet', counter, PLAN, MEASURE, change);
  await push(1, { op: 'set', field: 'status', value: { status: 'on_track' }, base_version: 0, base_value: { status: null } });
  await push(2, { op: 'set', field: 'results', value: { text: '実証を2地区で始めた。' }, base_version: 0, base_value: { text: '' } });
  await push(3, { op: 'submit', round_id: ROUND, seen: 0 });
  await admin.api.dispose();
}

test.beforeAll(async () => {
  await prepare(ownServer().url);
});

async function englishDevice(browser: Browser, login: string) {
  const context = await browser.newContext({ ...test.info().project.use, locale: 'en-US' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /hydrat|panicked/i.test(message.text())) errors.push(message.text());
  });
  const base = ownServer().url;
  await page.goto(`${base}/login`);
  await page.getByLabel('Login ID').fill(login);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.account__name')).toBeVisible();
  return { context, page, errors, base };
}

/** The page in English, hydrated, its heading as given, everything Japanese on it marked. */
async function checkEnglish(page: Page, base: string, path: string, heading: string | RegExp, also: string[] = []) {
  await page.goto(`${base}${path}`);
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 }), path).toHaveText(heading);
  for (const text of also) {
    await expect(page.getByText(text, { exact: false }).first(), `${path}: ${text}`).toBeAttached();
  }
  expect(await unmarkedJapanese(page), `${path}: Japanese not marked lang="ja"`).toEqual([]);
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
}

test('a council member reads the document, its versions and their differences in English', async ({ browser }) => {
  const { context, page, errors, base } = await englishDevice(browser, 'komagane-council');
  await checkEnglish(page, base, `/plans/${PLAN}/document`, /Komagane DX Strategy/, ['Contents']);
  await checkEnglish(page, base, `/plans/${PLAN}/v/3`, /Komagane DX Strategy/, ['Draft revision']);
  await checkEnglish(page, base, `/plans/${PLAN}/versions`, 'Versions', ['Version 2', 'Current', 'Superseded']);
  await checkEnglish(page, base, `/plans/${PLAN}/compare?from=1&to=2`, /Version 1/, ['Version 2']);
  await checkEnglish(page, base, `/plans/${PLAN}/compare?from=2&to=3`, /Version 2/, ['Version 3']);
  expect(errors).toEqual([]);
  await context.close();
});

test('an administrator revises the plan, runs the round and the organization in English', async ({ browser }) => {
  const { context, page, errors, base } = await englishDevice(browser, 'komagane-admin');
  await checkEnglish(page, base, `/plans/${PLAN}/revision`, 'Prepare and publish a draft revision', ['Version 3']);
  await checkEnglish(page, base, `/plans/${PLAN}/rounds`, /Rounds|Evaluation/);
  await checkEnglish(page, base, `/rounds/${ROUND}`, /.+/);
  await checkEnglish(page, base, `/rounds/${ROUND}/report`, /.+/);
  await checkEnglish(page, base, `/plans/${PLAN}/measures/${MEASURE}/history`, /.+/);
  await checkEnglish(page, base, `/plans/${PLAN}/measures/${MEASURE}/edit`, /.+/);
  await checkEnglish(page, base, '/admin', /.+/);
  // The server says why it refuses in English too; what was typed stays.
  await page.getByLabel('Department name').fill('市民課');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'A department with this name already exists.' }).first()).toBeVisible();
  await expect(page.getByLabel('Department name')).toHaveValue('市民課');
  expect(await unmarkedJapanese(page), 'after the refusal').toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

test('staff record progress, see their tasks and the sync state in English', async ({ browser }) => {
  const { context, page, errors, base } = await englishDevice(browser, 'komagane-editor');
  await checkEnglish(page, base, '/tasks', /.+/);
  await checkEnglish(page, base, `/plans/${PLAN}/measures/${MEASURE}/progress`, /.+/);
  await checkEnglish(page, base, '/sync', /.+/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  expect(await unmarkedJapanese(page), 'after signing out').toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});
