import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { editions, publicKeyText } from '../unit/packages/helpers';
import { makeReformPackages, type ReformCase } from '../integration/reform-data';
import { callApi, expect, importPackageFiles, screensDir, settled, shot, startWebApp, test, type WebApp } from './fixtures';

/**
 * A province reviewer of the new Tỉnh Vĩnh Long (86 of 2025-07-01) across the 2025 reform, in browser mode: 2024
 * packages of old Trà Vinh communes (format version 1 and version 2, made here with the package helpers) and 2026
 * packages of new communes, imported over HTTP as staged uploads. The reviewer sees both years, the trend across the
 * reform with its marker, 2024 grouped by former province and by former district, 2024 in today's communes, and the
 * drill-down of the merged Xã Càng Long listing its predecessors. (The first-run flow of issue 10 — the two-level
 * picker, "cang long" without diacritics, an old profile on Xã Mỹ Cẩm offered Xã Càng Long — is profile.spec.ts.)
 */

const OLD = editions.get('2025-03-01');
const NEW = editions.get('2025-07-01');
const CASES: ReformCase[] = [
  { code: '29266', edition: '2025-03-01', year: 2024, gets: 'recognised', version1: true },
  { code: '29269', edition: '2025-03-01', year: 2024, gets: 'recognised' },
  { code: '29299', edition: '2025-03-01', year: 2024, gets: 'recognised', version1: true },
  { code: '29272', edition: '2025-03-01', year: 2024, gets: 'recognised', version1: true },
  { code: '29275', edition: '2025-03-01', year: 2024, gets: 'not_recognised' },
  { code: '29266', edition: '2025-07-01', year: 2026, gets: 'recognised' },
  { code: '29275', edition: '2025-07-01', year: 2026, gets: 'self' },
];

let dir: string;
let app: WebApp;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-e2e-reform-'));
  const made = await makeReformPackages(path.join(dir, 'made'), CASES);
  app = await startWebApp(path.join(dir, 'data'));
  await callApi(app, 'profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế tỉnh Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
  for (const k of made.keys) await callApi(app, 'trust.add', { publicKey: publicKeyText(k) });
  const r = await importPackageFiles<{ summary: { imported: number; rejected: number } }>(app, made.files);
  expect(r.summary.rejected).toBe(0);
});

test.afterAll(async () => {
  await app?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await expect(page.getByTestId(testId)).toHaveValue(option);
}

test('a Vĩnh Long reviewer sees 2026 and 2024 across the reform, by former units, with the merged commune\'s predecessors', async ({ page }) => {
  test.slow();
  await page.goto(`${app.url}#/dashboard`);
  await expect(page.getByTestId('dashboard')).toBeVisible();
  // 2026: today's communes of the new province; the trend spans 2024 → 2026 with the reform marked on 2026.
  await expect(page.getByTestId('dash-year')).toHaveValue('2026');
  await expect(page.getByTestId('kpi-communes-value')).toHaveText(String(NEW.communesUnder('86').length));
  await expect(page.getByTestId('kpi-assessed-value')).toHaveText('2');
  await expect(page.getByTestId('kpi-recognised-value')).toHaveText('1');
  const trend = page.getByTestId('chart-trend');
  await expect(trend).toContainText('Sắp xếp đơn vị hành chính');
  await expect(trend).toContainText('2024');
  await expect(trend).toContainText('2026');
  await expect(page.getByTestId('history-panel')).toHaveCount(0);
  await settled(page); // the charts have animated in
  await shot(page, 'reform-2026');

  // 2024: the former provinces (Bến Tre, Trà Vinh, Vĩnh Long of 01/03/2025), their communes the denominator.
  await pick(page, 'dash-year', '2024');
  const former = NEW.formerProvincesOf('86').reduce((n, p) => n + OLD.communesUnder(p).length, 0);
  await expect(page.getByTestId('kpi-communes-value')).toHaveText(new Intl.NumberFormat('vi-VN').format(former));
  await expect(page.getByTestId('kpi-assessed-value')).toHaveText('5');
  await expect(page.getByTestId('kpi-recognised-value')).toHaveText('4');
  await expect(page.getByTestId('chart-groups-title')).toHaveText('Tỉ lệ đạt theo tỉnh cũ / huyện cũ');
  const groups = page.getByTestId('chart-groups');
  for (const name of ['Tỉnh Bến Tre', 'Tỉnh Trà Vinh', 'Tỉnh Vĩnh Long']) await expect(groups).toContainText(name.replace(/^Tỉnh /, ''));
  await settled(page);
  await shot(page, 'reform-2024-former-provinces');

  // By former district: Huyện Càng Long among them.
  await pick(page, 'dash-group-by', 'Huyện cũ');
  await expect(groups).toContainText('Càng Long');
  await settled(page);
  await shot(page, 'reform-2024-former-districts');

  // 2024 in today's communes: Xã Càng Long once, with the three old communes that went wholly into it.
  const history = page.getByTestId('history-panel');
  await history.scrollIntoViewIfNeeded();
  const row = history.locator('[data-testid="history-row"][data-code="29266"]');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('history-status')).toHaveText('Đạt (mọi xã cũ được công nhận)');
  await expect(row.getByTestId('history-predecessor')).toHaveCount(3);
  for (const name of ['Thị trấn Càng Long', 'Xã Mỹ Cẩm', 'Xã Nhị Long Phú']) await expect(row).toContainText(name);
  await expect(history.locator('[data-testid="history-row"][data-code="29275"]').getByTestId('history-status')).toHaveText('Không đạt');
  await expect(page.getByTestId('history-totals')).toContainText('1 đạt · 1 không đạt');
  fs.mkdirSync(screensDir, { recursive: true });
  await history.screenshot({ path: path.join(screensDir, 'reform-history.png') });

  // The drill-down of the merged commune: its own 2026 packages, then each predecessor with its 2024 packages.
  await row.getByTestId('history-open').click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByTestId('drawer-unit')).toHaveText('Xã Càng Long');
  await expect(drawer).toContainText('danh mục 01/07/2025');
  await expect(drawer.getByTestId('drawer-year')).not.toHaveCount(0);
  const preds = drawer.getByTestId('drawer-predecessor');
  await expect(preds).toHaveCount(3);
  await expect(preds.nth(1)).toContainText('Xã Mỹ Cẩm');
  await expect(preds.nth(1)).toContainText('Huyện Càng Long');
  await expect(preds.nth(1)).toContainText('danh mục 01/03/2025');
  await expect(preds.nth(1).locator('[data-testid="custody-package"][data-kind="review"]')).toHaveCount(1);
  await shot(page, 'reform-drilldown');
  await page.keyboard.press('Escape');

  // The targets: the seed plan's belong to the former Trà Vinh, shown with their edition.
  await page.getByTestId('open-targets').click();
  await expect(page.getByTestId('target-scope').first()).toHaveText('84 · danh mục 01/03/2025');
  await shot(page, 'reform-targets');
});

test("Xã Càng Long starts 2026 from Xã Mỹ Cẩm's 2024 assessment (a predecessor), told what came from where", async ({ page, app: own }) => {
  test.slow();
  await callApi(own, 'profile.set', { role: 'commune', unitCode: '29266', organisation: 'Ủy ban nhân dân Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch UBND xã' });
  // A past dossier of Xã Mỹ Cẩm (29269 of 01/03/2025), caught up for 2024.
  const past = await callApi<{ id: string }>(own, 'assessments.create', { unitCode: '29269', unitEdition: '2025-03-01', year: 2024 });
  for (const id of ['1.1', '1.2']) await callApi(own, 'assessments.setValue', { id: past.id, indicatorId: id, value: true });
  await page.goto(own.url);
  const table = page.getByTestId('assessments-table');
  await expect(table).toContainText('Xã Mỹ Cẩm');
  await page.getByRole('button', { name: 'Dùng cho năm mới' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bắt đầu từ bản năm trước' });
  await dialog.getByLabel('Năm của bản mới').fill('2026');
  await expect(dialog.getByTestId('copy-source')).toHaveValue(/Xã Mỹ Cẩm \(29269, danh mục 01\/03\/2025\) · năm 2024/);
  await expect(dialog.getByTestId('copy-into')).toHaveText('Bản mới được lập cho Xã Càng Long (29266, danh mục 01/07/2025).');
  await shot(page, 'reform-copy-dialog');
  await dialog.getByRole('button', { name: 'Sao chép và mở' }).click();
  await expect(dialog.getByTestId('copy-note')).toContainText('từ bản năm 2024 (lần 1) của Xã Mỹ Cẩm (29269, danh mục 01/03/2025) sang bản năm 2026 của Xã Càng Long (29266, danh mục 01/07/2025)');
  await shot(page, 'reform-copy-note');
  await dialog.getByTestId('copy-open').click();
  await expect(page.getByTestId('ws-title')).toHaveText('Tự đánh giá năm 2026 — Xã Càng Long');
  await expect(page.getByTestId('indicator-1.1').getByTestId('copied-badge')).toHaveCount(1);
});
