import { readFileSync } from 'node:fs';
import { expect, Page, test } from '@playwright/test';
import { apiSession, expectAccessible, expectNoHorizontalOverflow, hydrated, readyForOffline, signIn } from './helpers';
import { ownServerForEachTest } from './own-server';

// A council member's notes on the plan's document: a bookmark and highlights made by keyboard
// and by selecting text, synced to their other tablet and to nobody else, searchable, and kept
// through a revision that deletes the highlighted text (listed as changed, with the comparison).
// Each test has a server of its own: the revision changes the plan.
test.describe.configure({ timeout: 150_000 });
const ownServer = ownServerForEachTest({ phone: 3957, tablet: 3958 });

const PLAN = 'komagane-dx-strategy';
const MEASURE = 'internal-02';

const highlighted = (page: Page) =>
  page.evaluate(() => (CSS as any).highlights?.get('keikaku-notes')?.size ?? 0);

/** Chooses, in a part's note form, the passage whose field is `field`. */
async function choosePassage(part: ReturnType<Page['locator']>, field: string) {
  const select = part.getByLabel('本文', { exact: true });
  const value = await select.locator('option', { hasText: `${field}：` }).getAttribute('value');
  await select.selectOption(value!);
}

async function openDocument(page: Page, base: string) {
  await page.goto(`${base}/plans/${PLAN}/document`);
  await hydrated(page);
  await expect(page.locator('.notes-panel > summary')).toBeVisible({ timeout: 20_000 });
}

test('a council member marks up the document on one tablet and finds it all on the other', async ({ page, browser }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const base = ownServer().url;
  await signIn(page, 'komagane-council', base);
  await openDocument(page, base);
  await expect(page.locator('.notes-panel > summary')).toHaveText('自分のメモ・付箋（0件）');
  const part = page.locator(`#doc-measure-${MEASURE}`);

  // A bookmark on the measure, by keyboard: the button, the kind, the label, Enter.
  const add = part.getByRole('button', { name: /^メモ・付箋を追加：/ });
  await add.focus();
  await page.keyboard.press('Enter');
  await part.getByRole('radio', { name: '付箋' }).check();
  // Empty is refused beside the field, and nothing is kept.
  await part.getByRole('button', { name: '保存', exact: true }).click();
  await expect(part.locator('.field__error').last()).toHaveText('メモの内容を入力してください。');
  await part.getByLabel('付箋の見出し（40文字まで）').fill('委員会で質問する');
  await part.getByLabel('付箋の見出し（40文字まで）').press('Enter');
  await expect(part.locator('.part-notes__item')).toHaveCount(1);
  await expect(part.locator('.part-notes__item')).toContainText('委員会で質問する');

  // A highlight of a phrase typed from the text (the keyboard's way to highlight).
  const summary = await page.locator(`[data-anchor="measure/${MEASURE}/target_state"]`).textContent();
  const phrase = summary!.trim().slice(0, 8);
  await add.click();
  await part.getByRole('radio', { name: '本文の語句をハイライト' }).check();
  await choosePassage(part, '目指す姿');
  await part.getByLabel('ハイライトする語句（本文のとおりに）').fill('本文にない語句');
  await part.getByRole('button', { name: '保存', exact: true }).click();
  await expect(part.locator('.field__error').first()).toContainText('見つかりません');
  await expect(part.getByLabel('ハイライトする語句（本文のとおりに）')).toHaveValue('本文にない語句');
  await part.getByLabel('ハイライトする語句（本文のとおりに）').fill(phrase);
  await part.getByLabel('メモ（任意）').fill('削除されそうな記述');
  await part.getByRole('button', { name: '保存', exact: true }).click();
  await expect(part.locator('.part-notes__item')).toHaveCount(2);
  await expect.poll(() => highlighted(page)).toBe(1);

  // A highlight of selected text, with a note: the selection brings up the bar.
  const other = page.locator('[data-anchor="measure/citizen-01/direction"]');
  const quote = await other.evaluate((element) => {
    const text = element.firstChild?.nodeType === Node.TEXT_NODE ? element.firstChild : element.querySelector('p')?.firstChild ?? element.firstChild!;
    const range = document.createRange();
    range.setStart(text!, 0);
    range.setEnd(text!, Math.min(6, text!.textContent!.length));
    const selection = getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
    return range.toString();
  });
  const bar = page.getByRole('region', { name: '選択した箇所' });
  await expect(bar).toContainText(quote);
  await bar.getByRole('button', { name: 'メモを付けてハイライト' }).click();
  await bar.getByLabel('メモ').fill('数字の根拠を確認');
  await bar.getByRole('button', { name: 'メモを付けて保存' }).click();
  await expect(bar).toBeHidden();
  await expect.poll(() => highlighted(page)).toBe(2);
  await expect(page.locator('.notes-panel > summary')).toHaveText('自分のメモ・付箋（3件）');
  await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });

  // The list, searched: notes and the plan's text.
  await page.locator('.notes-panel > summary').click();
  await page.getByLabel('メモと本文を検索').fill('根拠');
  await expect(page.locator('.notes-panel__list').first().locator('li')).toHaveCount(1);
  await expect(page.locator('.notes-panel__list').first()).toContainText('数字の根拠を確認');
  await page.getByLabel('メモと本文を検索').fill(phrase);
  await expect(page.getByRole('heading', { name: /^本文の検索結果/ })).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalOverflow(page);

  // Exported as CSV (with a byte-order mark, for Excel) and as text, made in the browser.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSVで書き出す' }).click()]);
  expect(csv.suggestedFilename()).toBe('komagane-dx-strategy-memo.csv');
  const csvText = readFileSync((await csv.path())!, 'utf8');
  expect(csvText.startsWith('\uFEFF種類,版,箇所,引用,メモ,日時')).toBe(true);
  expect(csvText).toContain('数字の根拠を確認');
  const [text] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'テキストで書き出す' }).click()]);
  expect(readFileSync((await text.path())!, 'utf8')).toContain('のメモ（3件）');
  // Printed, the notes stand in the margin beside their part.
  await page.emulateMedia({ media: 'print' });
  expect(await part.locator('.part-notes__list').evaluate((list) => getComputedStyle(list).float)).toBe('right');
  await expect(part.getByRole('button', { name: /^メモ・付箋を追加：/ })).toBeHidden();
  await page.emulateMedia({ media: 'screen' });

  // The other tablet of the same member has them all; a colleague has none.
  for (const [login, count] of [['komagane-council', 3], ['komagane-editor', 0]] as const) {
    const context = await browser.newContext({ ...test.info().project.use });
    const other = await context.newPage();
    other.on('pageerror', (error) => errors.push(`${login}: ${error.message}`));
    await signIn(other, login, base);
    await openDocument(other, base);
    await expect(other.locator('.notes-panel > summary')).toHaveText(`自分のメモ・付箋（${count}件）`, { timeout: 15_000 });
    await expect.poll(() => highlighted(other)).toBe(count === 0 ? 0 : 2);
    await context.close();
  }

  // Editing keeps one note; deleting removes it everywhere here.
  const bookmark = part.locator('.part-notes__item', { hasText: '委員会で質問する' });
  await bookmark.getByRole('button', { name: '編集' }).click();
  await bookmark.getByRole('textbox').fill('委員会で再質問する');
  await bookmark.getByRole('button', { name: '変更を保存' }).click();
  await expect(part.locator('.part-notes__item', { hasText: '委員会で再質問する' })).toHaveCount(1);
  await expect(page.locator('.notes-panel > summary')).toHaveText('自分のメモ・付箋（3件）');
  await part.locator('.part-notes__item', { hasText: '委員会で再質問する' }).getByRole('button', { name: '削除' }).click();
  await expect(page.locator('.notes-panel > summary')).toHaveText('自分のメモ・付箋（2件）');
  expect(errors).toEqual([]);
});

test('a note whose text a revision deleted is listed as changed, with the comparison', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const base = ownServer().url;
  await signIn(page, 'komagane-council', base);
  await openDocument(page, base);
  // A whole sentence no other passage resembles (a few characters, or a sentence another
  // field says in other words, would rightly be found again there).
  const issues = (await page.locator(`[data-anchor="measure/${MEASURE}/current_issues"]`).textContent())!;
  const phrase = issues.split('。').find((s) => s.includes('移換え'))! + '。';
  const part = page.locator(`#doc-measure-${MEASURE}`);
  await part.getByRole('button', { name: /^メモ・付箋を追加：/ }).click();
  await part.getByRole('radio', { name: '本文の語句をハイライト' }).check();
  await choosePassage(part, '現状と課題');
  await part.getByLabel('ハイライトする語句（本文のとおりに）').fill(phrase);
  await part.getByRole('button', { name: '保存', exact: true }).click();
  await expect.poll(() => highlighted(page)).toBe(1);
  await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 15_000 });

  // The administrator revises the plan: the highlighted passage is rewritten entirely.
  const admin = await apiSession(base, 'komagane-admin');
  const headers = { 'X-CSRF-Token': admin.csrf };
  expect((await admin.api.post(`/api/v1/plans/${PLAN}/revision`, { headers, data: { label: '令和8年3月改定' } })).status()).toBe(201);
  const edit = { op: 'set_measure_field', measure: MEASURE, field: 'current_issues', value: '文書の大半は既に電子化されている。' };
  const edited = await admin.api.patch(`/api/v1/plans/${PLAN}/revision`, { headers, data: edit });
  expect(edited.status(), await edited.text()).toBe(200);
  expect((await admin.api.post(`/api/v1/plans/${PLAN}/revision/publish`, { headers })).status()).toBe(200);

  await openDocument(page, base);
  await page.locator('.notes-panel > summary').click();
  await expect(page.getByRole('heading', { name: '改定で該当箇所が変わったメモ' })).toBeVisible();
  const changed = page.locator('.notes-panel__list--changed li');
  await expect(changed).toHaveCount(1);
  await expect(changed).toContainText(phrase);
  await expect(changed).toContainText('第1版で作成');
  await expect(changed.getByRole('link', { name: 'この箇所の変更を比較する' }))
    .toHaveAttribute('href', `/plans/${PLAN}/compare?from=1&to=2#diff-measure-${MEASURE}`);
  expect(await highlighted(page)).toBe(0);
  await expectAccessible(page);
  // The first version still has it where it was.
  await page.goto(`${base}/plans/${PLAN}/v/1`);
  await hydrated(page);
  await expect.poll(() => highlighted(page), { timeout: 20_000 }).toBe(1);
  expect(errors).toEqual([]);
});

test('a highlight by keyboard alone: to the measure by the contents, Shift+arrows, Enter, a button', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const base = ownServer().url;
  await signIn(page, 'komagane-council', base);
  await openDocument(page, base);
  const contents = page.locator(`.doc-toc--side a[href="#doc-measure-${MEASURE}"], .doc-toc--drawer a[href="#doc-measure-${MEASURE}"]`);
  // On a phone the contents are a drawer: opened by keyboard too.
  if (!(await contents.first().isVisible())) {
    await page.locator('.doc-toc--drawer > summary').focus();
    await page.keyboard.press('Enter');
  }
  const link = contents.locator('visible=true').first();
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#doc-measure-${MEASURE}$`));
  for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
  const title = (await page.locator(`[data-anchor="measure/${MEASURE}/title"]`).textContent())!;
  const bar = page.getByRole('region', { name: '選択した箇所' });
  await expect(bar).toContainText(`「${title.slice(0, 5)}」`);
  await page.keyboard.press('Enter');
  await expect(bar.getByRole('button', { name: 'ハイライト', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(bar).toBeHidden();
  await expect.poll(() => highlighted(page)).toBe(1);
  await expect(page.locator(`#doc-measure-${MEASURE} .part-notes__item`)).toContainText(title.slice(0, 5));
  await expectAccessible(page);
  expect(errors).toEqual([]);
});

test('notes made offline stay through reloads, reach the server once it is back, and leave with the member', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const server = ownServer();
  const base = server.url;
  await signIn(page, 'komagane-council', base);
  await openDocument(page, base);
  await readyForOffline(page);

  await server.stop();
  await openDocument(page, base);
  await expect(page.locator('.offline-banner')).toBeVisible();
  const part = page.locator(`#doc-measure-${MEASURE}`);
  await part.getByRole('button', { name: /^メモ・付箋を追加：/ }).click();
  await part.getByRole('radio', { name: '付箋' }).check();
  await part.getByLabel('付箋の見出し（40文字まで）').fill('電車で読んだ');
  await part.getByRole('button', { name: '保存', exact: true }).click();
  await expect(part.locator('.part-notes__item')).toContainText('電車で読んだ');
  // Searching works offline: the note and the plan's text.
  await page.locator('.notes-panel > summary').click();
  await page.getByLabel('メモと本文を検索').fill('電車');
  await expect(page.locator('.notes-panel__list').first()).toContainText('電車で読んだ');
  await page.reload();
  await hydrated(page);
  await expect(page.locator(`#doc-measure-${MEASURE} .part-notes__item`)).toContainText('電車で読んだ', { timeout: 20_000 });

  // Back online: sent once, and the server has it for this member.
  await server.start();
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.sync-indicator')).toContainText('同期済み', { timeout: 30_000 });
  const member = await apiSession(base, 'komagane-council');
  const pulled = await member.api.get('/api/v1/sync/pull?since=0&limit=1000&notebooks=1', {
    headers: { 'Keikaku-Replica-User': 'komagane-council' },
  });
  const notes = (await pulled.json()).changes.filter((c: any) => c.type === 'annotation');
  expect(notes.map((c: any) => c.annotation.text)).toEqual(['電車で読んだ']);

  // Signing out leaves nothing of the member's notes on the tablet.
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(`${base}/`, { timeout: 20_000 });
  await expect.poll(() => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name)))
    .not.toContain('keikaku-replica-komagane-council');
  await signIn(page, 'komagane-editor', base);
  await openDocument(page, base);
  await expect(page.locator('.notes-panel > summary')).toHaveText('自分のメモ・付箋（0件）');
  expect(errors).toEqual([]);
});
