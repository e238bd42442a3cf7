import path from 'node:path';
import SQLite from 'better-sqlite3';
import { callApi, expect, shot, test } from './fixtures';
import type { Page } from '@playwright/test';

/** Picks an option of a searchable Mantine Select by typing without diacritics. */
async function choose(page: Page, label: string, typed: string, option: string) {
  const input = page.getByRole('combobox', { name: label });
  await input.click();
  await input.fill(typed);
  await page.getByRole('option', { name: option, exact: true }).click();
  await expect(input).toHaveValue(option);
}

test('first run: commune profile in Xã Càng Long, Tỉnh Vĩnh Long (two levels), persists across reload, English switch', async ({ page, app }) => {
  // It walks every screen and reloads twice: more than the default minute on a shared, loaded machine.
  test.slow();
  await page.goto(app.url);
  await expect(page.getByRole('heading', { name: 'Thiết lập lần đầu' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await shot(page, '01-first-run-setup');

  await page.getByRole('radio', { name: /Cấp xã/ }).check();
  // Since 01/07/2025: province → commune, no district tier.
  await choose(page, 'Tỉnh / thành phố', 'vinh long', 'Tỉnh Vĩnh Long');
  await expect(page.getByText('Tỉnh này không có cấp huyện trong danh mục.')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Huyện / quận / thị xã' })).toHaveCount(0);
  await choose(page, 'Xã / phường / thị trấn', 'cang long', 'Xã Càng Long');
  await expect(page.getByTestId('chosen-unit')).toContainText('Xã Càng Long, Tỉnh Vĩnh Long (29266)');
  await expect(page.getByLabel('Tên cơ quan, đơn vị')).toHaveValue('Ủy ban nhân dân Xã Càng Long');
  await page.getByLabel('Họ và tên').fill('Nguyễn Thị Hồng');
  await page.getByLabel('Chức vụ').fill('Chủ tịch UBND xã');
  await shot(page, '02-setup-filled');
  await page.getByRole('button', { name: 'Lưu và bắt đầu' }).click();

  await expect(page.getByTestId('header-unit')).toHaveText('Xã Càng Long, Tỉnh Vĩnh Long');
  await expect(page.getByTestId('header-user')).toHaveText('Nguyễn Thị Hồng — Chủ tịch UBND xã');
  await expect(page.getByRole('link', { name: 'Đánh giá' })).toBeVisible();
  await shot(page, '03-shell-assessments');

  for (const [link, name] of [
    ['Gói hồ sơ', '04-packages'],
    ['Tổng hợp', '05-dashboard'],
    ['Cài đặt', '06-settings'],
  ] as const) {
    await page.getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { level: 2, name: link })).toBeVisible();
    await shot(page, name);
  }
  // The page is told no path of this machine (the UI contract's app.info has none).
  await expect(page.getByTestId('app-info')).not.toContainText(app.dataDir);
  await expect(page.getByTestId('app-info')).toContainText('34 tỉnh, 0 huyện, 3321 xã (ngày 01/07/2025)');
  await expect(page.getByTestId('edition-in-use')).toContainText('danh mục ngày 01/07/2025');
  // Settings opens the profile as saved, and an edit is saved.
  await expect(page.getByRole('combobox', { name: 'Tỉnh / thành phố' })).toHaveValue('Tỉnh Vĩnh Long');
  await expect(page.getByRole('combobox', { name: 'Xã / phường / thị trấn' })).toHaveValue('Xã Càng Long');
  await page.getByLabel('Chức vụ').fill('Phó Chủ tịch UBND xã');
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await expect(page.getByTestId('header-user')).toHaveText('Nguyễn Thị Hồng — Phó Chủ tịch UBND xã');
  await expect(page.getByTestId('header-unit')).toHaveText('Xã Càng Long, Tỉnh Vĩnh Long');

  await page.reload();
  await expect(page.getByTestId('header-unit')).toHaveText('Xã Càng Long, Tỉnh Vĩnh Long');
  await expect(page.getByRole('heading', { level: 2, name: 'Cài đặt' })).toBeVisible();

  await page.getByText('English', { exact: true }).click();
  await expect(page.getByRole('link', { name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Settings' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await shot(page, '07-settings-english');

  await page.reload();
  await expect(page.getByRole('link', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('header-user')).toHaveText('Nguyễn Thị Hồng — Phó Chủ tịch UBND xã');
  await expect(page.getByLabel('Full name')).toHaveValue('Nguyễn Thị Hồng');
  await shot(page, '08-after-reload-english');
});

test('quick search without diacritics picks a commune; an assessor may be a provincial team', async ({ page, app }) => {
  await page.goto(app.url);
  const search = page.getByRole('combobox', { name: 'Tìm nhanh đơn vị' });
  await search.fill('cang long');
  await page.getByRole('option', { name: 'Xã Càng Long, Tỉnh Vĩnh Long' }).click();
  await expect(page.getByTestId('chosen-unit')).toContainText('Xã Càng Long, Tỉnh Vĩnh Long');

  // An assessment team of a two-tier province is a provincial team: no district to choose.
  await page.getByRole('radio', { name: /Đoàn thẩm định/ }).check();
  await expect(page.getByTestId('chosen-unit')).toHaveCount(0);
  await choose(page, 'Tỉnh / thành phố', 'vinh long', 'Tỉnh Vĩnh Long');
  await expect(page.getByRole('checkbox', { name: 'Đoàn cấp tỉnh (không chọn huyện)' })).toHaveCount(0);
  await expect(page.getByTestId('chosen-unit')).toContainText('Tỉnh Vĩnh Long (86)');
  await page.getByLabel('Tên cơ quan, đơn vị').fill('Đoàn đánh giá tỉnh Vĩnh Long');
  await page.getByLabel('Họ và tên').fill('Trần Văn Nam');
  await page.getByLabel('Chức vụ').fill('Trưởng đoàn');
  await page.getByRole('button', { name: 'Lưu và bắt đầu' }).click();
  await expect(page.getByTestId('header-unit')).toHaveText('Tỉnh Vĩnh Long');
});

test('an old profile on Xã Mỹ Cẩm (catalogue of 01/03/2025) is offered Xã Càng Long in one click', async ({ page, app }) => {
  await callApi(app, 'profile.set', { role: 'commune', unitCode: '29266', organisation: 'Ủy ban nhân dân Xã Mỹ Cẩm', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch UBND xã' });
  // As migration 0008 leaves a profile saved before the reform.
  const db = new SQLite(path.join(app.dataDir, 'cfc.sqlite'));
  db.prepare("update profile set unit_code = '29269', unit_edition = '2025-03-01'").run();
  db.close();
  await page.goto(app.url);
  await page.getByRole('link', { name: 'Cài đặt' }).click();
  const alert = page.getByTestId('unit-superseded');
  await expect(alert).toContainText('Xã Mỹ Cẩm (29269) thuộc danh mục ngày 01/03/2025');
  await expect(alert).toContainText('Xã Càng Long (29266), Tỉnh Vĩnh Long — toàn bộ');
  await shot(page, '10-old-profile-successor');
  await page.getByTestId('move-to-29266').click();
  await expect(page.getByTestId('header-unit')).toHaveText('Xã Càng Long, Tỉnh Vĩnh Long');
  await expect(page.getByTestId('unit-superseded')).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'Xã / phường / thị trấn' })).toHaveValue('Xã Càng Long');
  const p = await callApi<{ unitCode: string; unitEdition: string; organisation: string }>(app, 'profile.get', {});
  expect(p).toMatchObject({ unitCode: '29266', unitEdition: '2025-07-01', organisation: 'Ủy ban nhân dân Xã Càng Long' });
  await shot(page, '11-profile-moved');
});

test('bad input: missing fields are named and nothing is saved', async ({ page, app, request }) => {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Lưu và bắt đầu' }).click();
  await expect(page.getByText('Hãy chọn đơn vị phù hợp với vai trò.')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Họ và tên' })).toHaveAttribute('aria-invalid', 'true');
  await shot(page, '09-setup-errors');
  const r = await request.post(`${app.origin}/api/profile.get`, {
    headers: { authorization: `Bearer ${app.token}`, 'x-cfc-call': '1' },
    data: {},
  });
  expect(await r.json()).toEqual({ ok: true, value: null });
});

test('browser mode guards its contract: token, custom header, host', async ({ request, app }) => {
  const call = (headers: Record<string, string>) =>
    request.post(`${app.origin}/api/app.info`, { headers, data: {}, failOnStatusCode: false });
  expect((await call({ 'x-cfc-call': '1' })).status()).toBe(401);
  expect((await call({ authorization: 'Bearer wrong', 'x-cfc-call': '1' })).status()).toBe(401);
  expect((await call({ authorization: `Bearer ${app.token}` })).status()).toBe(401);
  const ok = await call({ authorization: `Bearer ${app.token}`, 'x-cfc-call': '1' });
  expect(ok.status()).toBe(200);
  const info = (await ok.json()).value;
  expect(info.version).toBeTruthy();
  expect(JSON.stringify(info)).not.toContain(app.dataDir);
  const rebinding = await call({ authorization: `Bearer ${app.token}`, 'x-cfc-call': '1', host: 'evil.example:80' });
  expect(rebinding.status()).toBe(421);
  const bad = await request.post(`${app.origin}/api/profile.set`, {
    headers: { authorization: `Bearer ${app.token}`, 'x-cfc-call': '1' },
    data: { role: 'mayor', unitCode: '29266', organisation: 'x', userName: 'y', userTitle: 'z' },
    failOnStatusCode: false,
  });
  expect(bad.status()).toBe(400);
  const body = await bad.json();
  expect(body.error.code).toBe('invalid_input');
  expect(body.error.field).toBe('role');
});
