import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { packToXlsx } from '../../src/core/criteria/xlsx';
import type { Pack } from '../../src/core/criteria/schema';
import { callApi, expect, setCommuneProfile, shot, test } from './fixtures';

/**
 * Criteria packs in Settings and the workspace, in Chromium against browser mode: a bad workbook is refused naming its
 * cell and installs nothing; the province's edited workbook (made here with exceljs, as a spreadsheet program would)
 * is previewed, installed and listed; the two versions are compared side by side; a draft scored with 1.0.0 is offered
 * 1.1.0, shows what changes and the score before and after, moves, and its summary shows the new total.
 */

const root = path.resolve(__dirname, '../..');
/** A workspace page's first load (its chunk, the assessment, the score) on a machine shared by many runs. */
const LOAD = 30_000;
const builtin = JSON.parse(fs.readFileSync(path.join(root, 'resources/packs/qd06-2019.json'), 'utf8')) as Pack;
const fixture = JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/scoring/recognised-other.json'), 'utf8')) as { values: Record<string, unknown> };

/** The province's edit: 7.1's three brackets (98/95/90% in the built-in pack) lowered to these. */
const NEW_71 = [95, 90, 85];
const edited: Pack = structuredClone(builtin);
edited.version = '1.1.0';
for (const i of edited.criteria.find((c) => c.id === '7')!.indicators) if (i.kind === 'rate') i.brackets.forEach((b, n) => (b.threshold = NEW_71[n]!));

/** The built-in pack's workbook, edited in its cells: version 1.1.0 with 7.1's brackets at NEW_71, or a further edit. */
async function workbook(file: string, edit?: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await packToXlsx(builtin)) as unknown as ArrayBuffer);
  const pack = wb.getWorksheet('pack')!;
  for (let r = 2; r <= pack.rowCount; r++) if (pack.getCell(r, 1).value === 'version') pack.getCell(r, 3).value = '1.1.0';
  const br = wb.getWorksheet('brackets')!;
  const r7 = [...Array(br.rowCount).keys()].map((i) => i + 1).find((r) => String(br.getCell(r, 1).value) === '7.1')!;
  NEW_71.forEach((x, n) => (br.getCell(r7 + n, 2).value = x));
  edit?.(wb);
  fs.writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
  return file;
}

/** 7.1's points in a pack for `n` of `d` children, read from its brackets (higher is better). */
function points71(p: Pack, n: number, d: number): number {
  const i = p.criteria.find((c) => c.id === '7')!.indicators[0]!;
  if (i.kind !== 'rate') throw new Error('7.1 is a rate');
  return i.brackets.find((b) => n * 100 >= b.threshold * d)?.points ?? 0;
}

test('packs: import a workbook, preview, install, list, diff side by side, move a draft and see the score change', async ({ page, app }) => {
  test.setTimeout(180_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-packs-e2e-'));
  try {
    await setCommuneProfile(app);
    const draft = await callApi<{ id: string }>(app, 'assessments.create', { unitCode: '29266', year: 2026 });
    for (const [indicatorId, value] of Object.entries(fixture.values)) await callApi(app, 'assessments.setValue', { id: draft.id, indicatorId, value });
    const before = (await callApi<{ result: { total: number } }>(app, 'assessments.get', { id: draft.id })).result.total;

    const good = await workbook(path.join(tmp, 'qd06-2019-1.1.0.xlsx'));
    let badCell = '';
    const bad = await workbook(path.join(tmp, 'sai.xlsx'), (wb) => {
      const br = wb.getWorksheet('brackets')!;
      for (let r = 2; r <= br.rowCount; r++) {
        if (String(br.getCell(r, 1).value) === '2.1') {
          br.getCell(r, 3).value = 60; // 60 points on an indicator whose maximum is 50
          badCell = `brackets!C${r}`;
          return;
        }
      }
    });
    const packsDir = path.join(app.dataDir, 'packs');

    await page.goto(app.url);
    await page.goto(`${app.origin}/#/settings`);
    const section = page.getByTestId('packs-import');
    const drop = section.getByTestId('packs-dropzone').locator('input[type=file]');

    // A bad workbook: refused naming its cell; nothing installed.
    await drop.setInputFiles(bad);
    const refusal = section.getByTestId('packs-import-error');
    await expect(refusal).toContainText('sai.xlsx', { timeout: LOAD });
    await expect(refusal.getByTestId('packs-import-error-issues')).toContainText(`${badCell}: `);
    await expect(refusal).toContainText('vượt tối đa 50');
    await expect(section.getByTestId('packs-install')).toHaveCount(0);
    expect(fs.existsSync(packsDir)).toBe(false);

    // The good one: previewed before anything is installed.
    await drop.setInputFiles(good);
    const preview = section.getByTestId('packs-preview');
    await expect(preview).toContainText('qd06-2019 1.1.0');
    await expect(preview).toContainText('Tạm thời');
    await expect(preview.getByTestId('packs-preview-signer')).toHaveText('Không có chữ ký số');
    await expect(preview.getByTestId('packs-preview-counts')).toContainText('quy tắc đã đối chiếu');
    await expect(preview.getByTestId('packs-preview-criteria').locator('tbody tr')).toHaveCount(builtin.criteria.length + 1);
    await expect(preview.getByTestId('packs-preview-recognition')).toContainText(`Còn lại ${builtin.recognition.thresholds.other}`);
    await expect(section.getByTestId('packs-import-error')).toHaveCount(0);
    expect(fs.existsSync(packsDir)).toBe(false);
    await shot(page, 'packs-preview');

    await section.getByTestId('packs-install').click();
    await expect(section.getByTestId('packs-import-done')).toHaveText('Đã cài gói qd06-2019 1.1.0.');
    const list = page.getByTestId('packs-list');
    await expect(list.locator('tbody tr')).toHaveCount(2);
    await expect(list.locator('tbody tr').filter({ hasText: '1.1.0' })).toContainText('Đã cài');
    expect(fs.readdirSync(packsDir).sort()).toEqual(['qd06-2019@1.1.0.install.json', 'qd06-2019@1.1.0.json']);
    await shot(page, 'packs-list');

    // Side by side from Settings: pick the two versions.
    await page.getByRole('combobox', { name: 'So sánh gói' }).click();
    await page.getByRole('option', { name: 'qd06-2019 1.0.0 — Có sẵn', exact: true }).click();
    await page.getByRole('combobox', { name: 'với gói' }).click();
    await page.getByRole('option', { name: 'qd06-2019 1.1.0 — Đã cài', exact: true }).click();
    await page.getByRole('button', { name: 'So sánh song song' }).click();
    const diff = page.getByTestId('packs-diff');
    await expect(diff.getByTestId('packs-diff-count')).toContainText('4 thay đổi');
    const row = diff.locator('[data-key="i:7.1:b0"]');
    await expect(row).toHaveAttribute('data-changed', 'true');
    await expect(row).toContainText('≥ 98%');
    await expect(row).toContainText('≥ 95%');
    await expect(diff.locator('[data-key="i:2.1:b0"]')).toHaveAttribute('data-changed', 'false');
    await expect(diff.getByTestId('packs-diff-changes')).toContainText('7.1 mức 1 ngưỡng: 98 → 95');
    // Only the changed rows: 7.1's three brackets (the pack's version is in the heads above).
    await diff.getByRole('switch', { name: 'Chỉ hiện các dòng thay đổi' }).check();
    await expect(diff.getByTestId('packs-diff-rules').locator('tbody tr')).toHaveCount(3);
    await expect(diff.locator('[data-key="i:2.1:b0"]')).toHaveCount(0);
    await shot(page, 'packs-diff');
    await page.keyboard.press('Escape');
    await expect(diff).toHaveCount(0);

    // The draft: offered 1.1.0; the dialog shows the score before and after.
    await page.goto(`${app.origin}/#/assessments/${draft.id}/summary`);
    await expect(page.getByTestId('summary-total')).toHaveText(String(before), { timeout: LOAD });
    await expect(page.getByTestId('packs-newer')).toContainText('1.1.0');
    await page.getByTestId('packs-move-open').click();
    const dialog = page.getByTestId('packs-move-dialog');
    const v71 = fixture.values['7.1'] as { numerator: number; denominator: number };
    const gain = points71(edited, v71.numerator, v71.denominator) - points71(builtin, v71.numerator, v71.denominator);
    expect(gain).toBeGreaterThan(0);
    const after = before + gain;
    await expect(dialog.getByTestId('packs-move-before')).toContainText(`${before}/1000`);
    await expect(dialog.getByTestId('packs-move-after')).toContainText(`${after}/1000`);
    await expect(dialog.getByTestId('packs-move-kept')).toContainText(`${Object.keys(fixture.values).length} chỉ tiêu`);
    await expect(dialog.getByTestId('packs-move-criteria').locator('tr[data-changed="true"]')).toHaveCount(1);
    await shot(page, 'packs-move-draft');

    // From the dialog, the same side-by-side screen.
    await dialog.getByTestId('packs-move-diff').click();
    await expect(page.getByTestId('packs-diff').locator('[data-key="i:7.1:b0"]')).toHaveAttribute('data-changed', 'true');
    await page.getByTestId('packs-diff-close').click();
    await expect(page.getByTestId('packs-diff')).toHaveCount(0);

    await dialog.getByTestId('packs-move-confirm').click();
    await expect(page.getByTestId('summary-total')).toHaveText(String(after));
    await expect(page.getByTestId('packs-moved')).toContainText(`${before} → ${after}`);
    await expect(page.getByTestId('summary-pack')).toContainText('qd06-2019 1.1.0');
    await expect(page.getByTestId('packs-newer')).toHaveCount(0);
    await shot(page, 'packs-score-changed');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

/** The built-in pack marked official with every rule confirmed, as a province's official edition would be. */
function confirmAll(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(confirmAll);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'confirmed' ? true : confirmAll(x)]));
  return v;
}

test('packs: an official pack with every rule confirmed shows no provisional notice on screen; the built-in one does', async ({ page, app }) => {
  test.setTimeout(180_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-packs-e2e-'));
  try {
    await setCommuneProfile(app);
    const fill = async (id: string) => {
      for (const [indicatorId, value] of Object.entries(fixture.values)) await callApi(app, 'assessments.setValue', { id, indicatorId, value });
    };
    // A draft scored with the built-in pack, made before the official one is installed.
    const old = await callApi<{ id: string }>(app, 'assessments.create', { unitCode: '29266', year: 2025 });
    await fill(old.id);
    // The official edition also makes 5.2 a rate per 1,000 children (another kind): a draft moving to it re-enters 5.2.
    const official = { ...(confirmAll(builtin) as Pack), version: '2.0.0', status: 'official' as const };
    const c5 = official.criteria.find((c) => c.id === '5')!;
    const i52 = c5.indicators[1]!;
    if (i52.kind !== 'rate') throw new Error('5.2 is a rate');
    const rule = { confirmed: true, source: 'Bản chính thức của tỉnh (thử nghiệm)' };
    c5.indicators[1] = { ...i52, kind: 'rate_per_n', per: 1000, brackets: [{ threshold: 10, points: 40, ...rule }, { threshold: 20, points: 20, ...rule }] };
    const file = path.join(tmp, 'qd06-2019-2.0.0.json');
    fs.writeFileSync(file, JSON.stringify(official, null, 2));

    await page.goto(app.url);
    await page.goto(`${app.origin}/#/settings`);
    const section = page.getByTestId('packs-import');
    // A broken JSON first: refused naming the file and why; nothing installed.
    const broken = path.join(tmp, 'hong.json');
    fs.writeFileSync(broken, JSON.stringify(official).slice(0, 500));
    await section.getByTestId('packs-dropzone').locator('input[type=file]').setInputFiles(broken);
    await expect(section.getByTestId('packs-import-error')).toContainText('Tệp hong.json không phải JSON hợp lệ', { timeout: LOAD });
    await expect(section.getByTestId('packs-install')).toHaveCount(0);
    expect(fs.existsSync(path.join(app.dataDir, 'packs'))).toBe(false);
    await section.getByTestId('packs-dropzone').locator('input[type=file]').setInputFiles(file);
    await expect(section.getByTestId('packs-import-error')).toHaveCount(0);
    const preview = section.getByTestId('packs-preview');
    await expect(preview).toContainText('qd06-2019 2.0.0');
    await expect(preview).toContainText('Chính thức');
    await expect(preview.getByTestId('packs-preview-counts')).toHaveText(/^\d+ quy tắc đã đối chiếu, 0 quy tắc tạm thời$/);
    await section.getByTestId('packs-install').click();
    await expect(section.getByTestId('packs-import-done')).toHaveText('Đã cài gói qd06-2019 2.0.0.');

    // "Xem thang điểm": every rule of 2.0.0 confirmed, each with its source; the built-in pack has provisional ones.
    const list = page.getByTestId('packs-list');
    const scaleOf = async (version: string) => {
      await list.locator('tbody tr').filter({ hasText: version }).getByRole('button', { name: 'Xem thang điểm' }).click();
      const scale = page.getByTestId('pack-scale');
      await expect(scale).toBeVisible();
      const rows = scale.locator('tbody tr');
      const counts = { all: await rows.count(), provisional: await scale.locator('tbody tr[data-confirmed="false"]').count() };
      const sources = await rows.locator('td:last-child').allInnerTexts();
      expect(sources.every((s) => s.trim().length > 0)).toBe(true);
      await page.keyboard.press('Escape');
      await expect(scale).toHaveCount(0);
      return counts;
    };
    const o = await scaleOf('2.0.0');
    expect(o.all).toBeGreaterThan(50);
    expect(o.provisional).toBe(0);
    const b = await scaleOf('1.0.0');
    expect(b.all).toBe(o.all);
    expect(b.provisional).toBeGreaterThan(0);

    // A new draft takes the newest pack, 2.0.0: no notice, no badge, the pack said official.
    const neu = await callApi<{ id: string; pack: { version: string } }>(app, 'assessments.create', { unitCode: '29266', year: 2026 });
    expect(neu.pack.version).toBe('2.0.0');
    await fill(neu.id);
    await page.goto(`${app.origin}/#/assessments/${neu.id}/summary`);
    await expect(page.getByTestId('summary-pack')).toContainText('qd06-2019 2.0.0', { timeout: LOAD });
    await expect(page.getByTestId('summary-pack')).toContainText('Chính thức');
    await expect(page.getByTestId('summary-table').locator('tbody tr')).toHaveCount(builtin.criteria.length + 1);
    await expect(page.getByTestId('provisional-badge')).toHaveCount(0);
    await expect(page.getByTestId('provisional-notice')).toHaveCount(0);
    await expect(page.locator('body')).not.toContainText('Tạm tính');
    await shot(page, 'packs-official-summary');
    await page.goto(`${app.origin}/#/assessments/${neu.id}/7`);
    await expect(page.getByTestId('indicator-7.1')).toBeVisible({ timeout: LOAD });
    await expect(page.getByTestId('provisional-badge')).toHaveCount(0);

    // The built-in pack's draft says it everywhere.
    await page.goto(`${app.origin}/#/assessments/${old.id}/summary`);
    await expect(page.getByTestId('summary-pack')).toContainText('qd06-2019 1.0.0', { timeout: LOAD });
    await expect(page.getByTestId('provisional-notice')).toBeVisible();
    await expect(page.getByTestId('summary-table').getByTestId('provisional-badge').first()).toBeVisible();
    // And, as a draft of an older version, it is offered 2.0.0: 5.2 changed kind, so it is flagged for entry.
    await expect(page.getByTestId('packs-newer')).toContainText('2.0.0');
    await page.getByTestId('packs-move-open').click();
    const dialog = page.getByTestId('packs-move-dialog');
    await expect(dialog.getByTestId('packs-move-flagged')).toContainText('5.2');
    await expect(dialog.getByTestId('packs-move-flagged')).toContainText('rate → rate_per_n');
    await expect(dialog.getByTestId('packs-move-kept')).toContainText(`${Object.keys(fixture.values).length - 1} chỉ tiêu`);
    await dialog.getByTestId('packs-move-confirm').click();
    await expect(page.getByTestId('packs-moved-need')).toContainText('5.2');
    await expect(page.getByTestId('summary-pack')).toContainText('qd06-2019 2.0.0');
    await expect(page.getByTestId('progress-text')).toHaveText(`${Object.keys(fixture.values).length - 1}/${Object.keys(fixture.values).length} chỉ tiêu đã nhập`);
    await page.getByRole('button', { name: 'Còn trống: 1' }).click();
    await expect(page.getByTestId('empty-5.2')).toBeVisible();
    // Until 5.2 is entered again the result is incomplete, but nothing in it is provisional any more.
    await expect(page.getByTestId('provisional-notice')).toHaveCount(0);
    await shot(page, 'packs-moved-flagged');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
