import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalOverflow, hydrated, openDevice, readyForOffline, signIn } from './helpers';

// The yearly round end to end, with two devices: an editor's tablet that goes offline, and an
// administrator online. Many syncs and page loads: more than the default 30 s.
test.describe.configure({ timeout: 180_000 });

const PLAN = 'komagane-dx-strategy';

/** Each project has its own round over its own measure (企画振興課 leads both), so the two
 * runs against the shared server never meet. */
function setup(projectName: string) {
  const phone = projectName === 'phone';
  return {
    roundId: phone ? 'e2e-phone' : 'e2e-tablet',
    measure: phone ? 'regional-04' : 'regional-12',
    year: 2024,
  };
}

/** Script errors of every page of the test (a hydration mismatch panics the app). */
const scriptErrors: string[] = [];

function device(browser: Browser, login: string | null) {
  return openDevice(browser, login, scriptErrors);
}

test.afterEach(() => {
  expect(scriptErrors.splice(0), 'no script errors').toEqual([]);
});

async function checkPage(page: Page) {
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);
}

test('a round from opening to publication: offline submission, return, resubmission, approval, lock and publication', async ({ browser }, testInfo) => {
  const { roundId, measure, year } = setup(testInfo.project.name);
  const results = `電子申請を${testInfo.project.name}で開始した実績`;
  const publicPath = `/plans/${PLAN}/measures/${measure}`;

  // A citizen's phone sees nothing of this year's results yet.
  const citizen = await device(browser, null);
  await citizen.page.goto(publicPath);
  await expect(citizen.page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(citizen.page.getByText(results)).toHaveCount(0);

  // The administrator opens the round for one measure.
  const admin = await device(browser, 'komagane-admin');
  await admin.page.goto(`/plans/${PLAN}/rounds`);
  await hydrated(admin.page);
  await checkPage(admin.page);
  await admin.page.getByLabel('年度', { exact: true }).selectOption(String(year));
  await admin.page.getByLabel('評価ID（英小文字・数字・ハイフン）').fill(roundId);
  await admin.page.getByLabel('名称（空欄なら年度と種類から）').fill(`令和6年度実績（${testInfo.project.name}）`);
  await admin.page.getByLabel('受付開始日').fill('2025-04-01');
  // A deadline before the opening is refused beside the field, and nothing typed is lost.
  await admin.page.getByLabel('締切日').fill('2025-03-01');
  await admin.page.locator('.scope-picker summary').click();
  await admin.page.locator(`#scope-${measure}`).check();
  await admin.page.getByRole('button', { name: '評価を開始する' }).click();
  await expect(admin.page.locator('.field__error')).toContainText('締切日は受付開始日より後');
  await expect(admin.page.getByLabel('評価ID（英小文字・数字・ハイフン）')).toHaveValue(roundId);
  await admin.page.getByLabel('締切日').fill('2025-05-31');
  await admin.page.getByRole('button', { name: '評価を開始する' }).click();
  await expect(admin.page.getByRole('link', { name: `令和6年度実績（${testInfo.project.name}）` })).toBeVisible();

  // The editor's tablet: the record shows in the round, and 要対応 counts it.
  const editor = await device(browser, 'komagane-editor');
  const progress = `/plans/${PLAN}/measures/${measure}/progress?year=${year}`;
  await editor.page.goto(progress);
  await hydrated(editor.page);
  await expect(editor.page.locator('.sync-indicator')).toContainText('同期済み');
  await readyForOffline(editor.page);
  const panel = editor.page.locator('.round-panel');
  await expect(panel).toContainText('未入力');
  await expect(editor.page.locator('.account__tasks')).toContainText('要対応');
  // With something waiting, the pages where signing in lands and the plan page hydrate cleanly.
  await editor.page.goto('/');
  await hydrated(editor.page);
  await expect(editor.page.locator('.tasks-notice')).toContainText('要対応');
  await editor.page.goto(`/plans/${PLAN}`);
  await hydrated(editor.page);
  await expect(editor.page.getByRole('link', { name: '評価（実績の報告・確認）' })).toBeVisible();
  await editor.page.goto(progress);
  await hydrated(editor.page);
  await expect(panel).toContainText('未入力');
  await checkPage(editor.page);

  // Offline: record the results and submit.
  await editor.context.setOffline(true);
  await editor.page.getByLabel('実績', { exact: true }).fill(results);
  await expect(panel).toContainText('入力中');
  await panel.getByRole('button', { name: 'この内容で提出する' }).click();
  await expect(panel).toContainText('提出済（未送信');
  await expect(editor.page.getByLabel('実績', { exact: true })).not.toBeEditable();
  await editor.context.setOffline(false);
  await expect(editor.page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 20_000 });
  await expect(panel).toContainText('提出済');
  await expect(panel).not.toContainText('未送信');

  // The administrator sees it on the dashboard and returns it with a comment.
  await admin.page.goto(`/rounds/${roundId}`);
  await hydrated(admin.page);
  await expect(admin.page.locator('.data-table').last()).toContainText('提出済');
  await checkPage(admin.page);
  await admin.page.goto(`/rounds/${roundId}/report`);
  await hydrated(admin.page);
  await expect(admin.page.getByText(results)).toBeVisible();
  await checkPage(admin.page);
  const comment = 'KPIの実績値も記入してください';
  await admin.page.getByLabel('差戻しの理由').fill(comment);
  await admin.page.getByRole('button', { name: '差し戻す' }).click();
  await expect(admin.page.locator('.report__measure')).toContainText('差戻し');

  // The tablet learns of the return, with the comment; the editor corrects and resubmits.
  await expect(panel).toContainText(comment, { timeout: 15_000 });
  await expect(editor.page.getByLabel('実績', { exact: true })).toBeEditable();
  await editor.page.getByLabel('実績', { exact: true }).fill(`${results}（KPIを追記）`);
  await panel.getByRole('button', { name: '修正して再提出する' }).click();
  await expect(editor.page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 20_000 });
  await expect(panel).toContainText('提出済');

  // The administrator evaluates and approves.
  await admin.page.reload();
  await hydrated(admin.page);
  await expect(admin.page.getByText(`${results}（KPIを追記）`)).toBeVisible();
  await admin.page.getByLabel('二次評価', { exact: true }).selectOption('B');
  await admin.page.getByLabel('二次評価の理由').fill('概ね計画どおり');
  await admin.page.getByRole('button', { name: '二次評価を保存' }).click();
  await expect(admin.page.locator('.report__evaluations')).toContainText('概ね計画どおり');
  await admin.page.getByRole('button', { name: '確認済にする' }).click();
  await expect(admin.page.locator('.report__measure')).toContainText('確認済');
  // Every step shows on the record, with who took it.
  await admin.page.locator('.report__steps summary').click();
  const steps = admin.page.locator('.report__steps');
  await expect(steps).toContainText(`komagane-admin：差戻し（${comment}）`);
  await expect(steps).toContainText('komagane-editor：提出');
  await expect(steps).toContainText('komagane-admin：確認済');
  await expect(panel).toContainText('確認済', { timeout: 15_000 });

  // A field note typed offline after approval reaches the server only after the lock.
  await editor.context.setOffline(true);
  const lateNote = `確定後に届いたメモ（${testInfo.project.name}）`;
  await editor.page.getByLabel('メモ', { exact: true }).fill(lateNote);
  await editor.page.getByRole('button', { name: 'メモを追加' }).click();
  await expect(editor.page.getByText(lateNote)).toBeVisible();
  await admin.page.goto(`/rounds/${roundId}`);
  await hydrated(admin.page);
  await admin.page.getByRole('button', { name: '締切' }).click();
  await expect(admin.page.locator('.facts')).toContainText('締切');
  await admin.page.getByRole('button', { name: '確定' }).click();
  await expect(admin.page.locator('.facts')).toContainText('確定');
  await editor.context.setOffline(false);
  await editor.page.goto('/sync');
  const refused = editor.page.locator('.conflict').filter({ hasText: '理由' });
  await expect(refused).toHaveCount(1, { timeout: 20_000 });
  await expect(refused).toContainText('令和6年度の評価は確定しています');
  await expect(refused).toContainText(lateNote);
  await checkPage(editor.page);

  // Still private until published; then the citizen's phone sees the results.
  await citizen.page.reload();
  await expect(citizen.page.getByText(`${results}（KPIを追記）`)).toHaveCount(0);
  await admin.page.getByRole('button', { name: '公表' }).click();
  await expect(admin.page.locator('.facts')).toContainText('公表');
  await citizen.page.reload();
  await expect(citizen.page.getByText(`${results}（KPIを追記）`)).toBeVisible();

  // Offline, the editor's tablet still opens the report, from what it holds.
  await editor.context.setOffline(true);
  await editor.page.goto(`/rounds/${roundId}/report`);
  await expect(editor.page.getByRole('heading', { level: 1 })).toContainText('評価結果報告書');
  await expect(editor.page.getByText(`${results}（KPIを追記）`)).toBeVisible();
  await checkPage(editor.page);
  await editor.context.setOffline(false);

  for (const d of [citizen, admin, editor]) await d.context.close();
});

test('an editor sees what waits for their department on its own page', async ({ browser }) => {
  const editor = await device(browser, 'komagane-editor');
  await editor.page.goto('/tasks');
  await hydrated(editor.page);
  await expect(editor.page.getByRole('heading', { name: '要対応' })).toBeVisible();
  await checkPage(editor.page);
  await editor.context.close();
});

test('the report prints on A4 with the plan and round atop every page, page numbers and no review forms', async ({ browser }, testInfo) => {
  // The round the loop above published.
  const { roundId } = setup(testInfo.project.name);
  const admin = await device(browser, 'komagane-admin');
  await admin.page.goto(`/rounds/${roundId}/report`);
  await hydrated(admin.page);
  await expect(admin.page.getByRole('button', { name: 'この記録を再開する' })).toBeVisible();
  const pdf = await admin.page.pdf({ format: 'A4' });
  const file = join(mkdtempSync(join(tmpdir(), 'keikaku-print-')), 'report.pdf');
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  const pages = text.split('\f').filter((p) => p.trim().length > 0);
  expect(pages.length).toBeGreaterThan(1);
  // pdftotext spaces text as it sees fit: compare without white space.
  pages.map((page) => page.replace(/\s/g, '')).forEach((page, i) => {
    expect(page).toContain(`こまがねDX戦略令和6年度実績（${testInfo.project.name}）`);
    expect(page).toContain(`${i + 1}/${pages.length}`);
  });
  expect(text).not.toContain('この記録を再開する');
  await admin.context.close();
});
