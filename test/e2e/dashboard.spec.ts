import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callApi, expect, settled, shot, startWebApp, test, type WebApp } from './fixtures';
import { generate, type Generated } from '../integration/dashboard-data';

/**
 * The province dashboard in browser mode over a data folder prepared by the CLI: a generated province across the reform (2024: every
 * commune of the old Trà Vinh, 84 in the 2025-03-01 catalogue; 2025–2026: every commune of the new Tỉnh Vĩnh Long, 86
 * in the 2025-07-01 one, which took Trà Vinh in) trusted over the contract (trust.add) and imported with `cfc package import`; the province profile set over HTTP.
 */

const root = path.resolve(__dirname, '../..');
let dir: string;
let gen: Generated;
let app: WebApp;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-e2e-dash-'));
  const dataDir = path.join(dir, 'data');
  gen = await generate({ scope: { '2025-03-01': '84', '2025-07-01': '86' }, years: [2024, 2025, 2026], dir: path.join(dir, 'gen'), seed: 2024 });
  const cfc = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(root, 'src/cli/bin.cjs'), '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, CFC_KEY_PASSPHRASE: 'mật khẩu thử nghiệm dài' } });
    if (r.status !== 0) throw new Error(`cfc ${args.join(' ')}: ${r.stderr}`);
  };
  // The keys (one per commune and district) trusted over the contract (trust.add with the key file's content), then the
  // packages imported by the `cfc` command itself, in one child process, while browser mode is stopped (its idle
  // connection would be closed under the long import); then browser mode again over the same folder.
  const setup = await startWebApp(dataDir);
  for (const f of gen.keyFiles) await callApi(setup, 'trust.add', { publicKey: fs.readFileSync(f, 'utf8') });
  await setup.stop();
  cfc('package', 'import', gen.dir);
  app = await startWebApp(dataDir);
  await callApi(app, 'profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế tỉnh Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
});

test.afterAll(async () => {
  await app?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('dashboard: figures, charts, commune table, drill-down and XLSX export', async ({ page }) => {
  const exp = [...gen.expected.values()].filter((e) => e.year === 2026);
  const recognised = exp.filter((e) => e.status === 'recognised').length; // the team's decision only
  const assessed = exp.filter((e) => e.status !== 'not_assessed').length;

  await page.goto(`${app.url}#/dashboard`);
  await expect(page.getByTestId('dashboard')).toBeVisible();
  await expect(page.getByTestId('dash-year')).toHaveValue('2026');
  await expect(page.getByTestId('kpi-communes-value')).toHaveText(String(exp.length));
  await expect(page.getByTestId('kpi-assessed-value')).toHaveText(String(assessed));
  await expect(page.getByTestId('kpi-recognised-value')).toHaveText(String(recognised));
  await expect(page.getByTestId('kpi-rate-value')).toHaveText(`${new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format((recognised * 100) / exp.length)}%`);
  // The seed plan's 65% / 75% are the former Trà Vinh's (migration 0010): the new Tỉnh Vĩnh Long has none of its own yet.
  await expect(page.getByTestId('kpi-rate')).toContainText('Chưa có chỉ tiêu');
  await expect(page.getByTestId('dash-provisional')).toBeVisible();
  await expect(page.getByTestId('failing-table')).toBeVisible();
  await expect(page.getByTestId('rate-10.1')).toContainText('86%');
  await expect(page.locator('.recharts-wrapper svg').first()).toBeVisible();
  await settled(page, '[data-testid="dashboard"]'); // charts animate in
  await shot(page, 'dash-overview');

  // The commune table: windowed (only the rows in view are in the DOM), scrolls to the end, filters, sorts.
  const rows = page.getByTestId('commune-row');
  await expect(page.getByTestId('commune-count')).toContainText(`${exp.length} / ${exp.length}`);
  expect(await rows.count()).toBeLessThan(40);
  await page.getByTestId('commune-scroller').evaluate((el) => (el.scrollTop = el.scrollHeight));
  const last = [...gen.expected.values()].filter((e) => e.year === 2026).at(-1)!;
  await expect(page.locator(`[data-testid="commune-row"][data-code="${last.code}"]`)).toBeVisible();
  await page.getByTestId('commune-scroller').evaluate((el) => (el.scrollTop = 0));
  await page.getByTestId('sort-teamTotal').click();
  await page.getByTestId('sort-teamTotal').click();
  const best = exp.filter((e) => e.teamTotal !== null).sort((a, b) => b.teamTotal! - a.teamTotal! || (a.code < b.code ? -1 : 1))[0]!;
  await expect(rows.first()).toHaveAttribute('data-code', best.code);
  await shot(page, 'dash-table');

  // Drill-down: a commune reviewed this year, with its packages and who signed them.
  const reviewed = exp.find((e) => e.reviewed && e.packages.length >= 2)!;
  await page.getByTestId('commune-search').fill(reviewed.code);
  await page.locator(`[data-testid="commune-row"][data-code="${reviewed.code}"]`).click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByTestId('drawer-unit')).toBeVisible();
  await expect(drawer.locator('[data-testid="custody-package"][data-kind="review"]').first()).toBeVisible();
  await expect(drawer).toContainText(reviewed.packages.find((p) => p.kind === 'review')!.signer);
  await shot(page, 'dash-drilldown');
  await page.keyboard.press('Escape');

  // Export XLSX: written into the reports folder and downloaded.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-xlsx').click();
  const d = await download;
  expect(d.suggestedFilename()).toBe('TongHop_86_2026.xlsx');
  await expect(page.getByTestId('export-result')).toContainText('TongHop_86_2026.xlsx');
  const saved = path.join(dir, 'dl.xlsx');
  await d.saveAs(saved);
  expect(fs.readFileSync(saved).subarray(0, 2).toString()).toBe('PK');

  // The targets editor.
  await page.getByTestId('open-targets').click();
  await expect(page.getByTestId('target-row')).toHaveCount(2);
  await shot(page, 'dash-targets');
  await page.keyboard.press('Escape');

  // In English: the same figures, the English labels, the number format of English.
  await page.getByText('English', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Province dashboard' })).toBeVisible();
  await expect(page.getByText('Recognition rate by district')).toBeVisible();
  await expect(page.getByTestId('kpi-recognised-value')).toHaveText(String(recognised));
  await expect(page.getByTestId('kpi-recognised')).toContainText('by the assessment team');
  await shot(page, 'dash-english');
  await page.getByText('Tiếng Việt', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Tổng hợp của tỉnh' })).toBeVisible();
});
