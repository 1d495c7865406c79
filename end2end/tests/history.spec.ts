import { expect, test } from '@playwright/test';
import { expectAccessible, hydrated, signIn } from './helpers';

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>画面に文字として出る';

test('an edit is shown as inert text, listed in the history, and restorable', async ({ page, browser }, testInfo) => {
  // One measure per project: both projects share one server.
  const MEASURE = `/plans/komagane-dx-strategy/measures/${testInfo.project.name === 'phone' ? 'citizen-06' : 'citizen-07'}`;
  await signIn(page, 'komagane-admin');
  const session = await (await page.request.get('/api/v1/session')).json();
  const edit = await page.request.patch(`/api/v1${MEASURE}`, {
    headers: { 'X-CSRF-Token': session.csrf_token },
    data: { field: 'content', value: XSS },
  });
  expect(edit.status()).toBe(200);
  const original = (await edit.json()).entry.old_value;

  // The payload is stored and shown as text; no script runs.
  await page.goto(MEASURE);
  await hydrated(page);
  await expect(page.locator('#content')).toContainText('<script>window.__xss=1</script>画面に文字として出る');
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  await expect(page.locator('#content img')).toHaveCount(0);

  // History: one entry with old and new values; restore it.
  await page.getByRole('link', { name: 'この施策の変更履歴' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('変更履歴');
  await expect(page.locator('.history__entry')).toHaveCount(1);
  await expect(page.locator('.history__entry').first()).toContainText('取組の内容');
  await expect(page.locator('.history__entry').first()).toContainText('画面に文字として出る');
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  await expectAccessible(page);
  await page.locator('.history__entry').first().getByRole('button').click();
  await expect(page.locator('.history__entry')).toHaveCount(2);
  await expect(page.locator('.history__entry').first()).toContainText('を復元');
  await page.goto(MEASURE);
  await expect(page.locator('#content')).toContainText(original.slice(0, 20));

  // Outside the organization, the history is not shown.
  const visitor = await browser.newContext();
  const other = await visitor.newPage();
  const response = await other.goto(MEASURE + '/history');
  expect(response?.status()).toBe(403);
  await expect(other.getByRole('alert')).toContainText('職員・議員だけが閲覧できます');
  await expect(other.getByRole('link', { name: 'この施策の変更履歴' })).toHaveCount(0);
  await visitor.close();
});
