import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { callApi, expect, exportedFile, setCommuneProfile, shot, startWebApp, test, type WebApp } from './fixtures';

/**
 * Signed packages across two installations, in Chromium against browser mode: a commune (instance A) creates its signing
 * key, exports the public key file and the signed package of a submitted assessment through the UI; the assessment team
 * of Tỉnh Vĩnh Long (instance B) imports it: first untrusted (unknown key), then, after trusting A's public key, valid
 * and imported; the same file again is already present; a copy with one byte flipped is invalid and nothing is imported.
 */

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'scoring', 'recognised-other.json'), 'utf8')) as {
  values: Record<string, unknown>;
};
const PASSPHRASE = 'Mỹ Cẩm bảo vệ trẻ em 2025';

/** A submitted self-assessment of Xã Càng Long with one evidence file (40 KB, so the middle of the package is evidence). */
async function submittedAssessment(app: WebApp): Promise<string> {
  const a = await callApi<{ id: string }>(app, 'assessments.create', { unitCode: '29266', year: 2025 });
  for (const [indicatorId, value] of Object.entries(fixture.values)) await callApi(app, 'assessments.setValue', { id: a.id, indicatorId, value });
  const body = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(40_000), Buffer.from('\n%%EOF\n')]);
  const res = await fetch(`${app.origin}/upload`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${app.token}`, 'x-cfc-call': '1', 'x-file-name': encodeURIComponent('bien-ban-hop.pdf'), 'content-type': 'application/octet-stream' },
    body,
  });
  const staged = (await res.json()) as { ok: boolean; value: { stagedId: string } };
  expect(staged.ok).toBe(true);
  await callApi(app, 'evidence.attach', { id: a.id, indicatorId: '1.1', files: [{ stagedId: staged.value.stagedId, name: 'bien-ban-hop.pdf', mediaType: 'application/pdf' }] });
  await callApi(app, 'assessments.submit', { id: a.id });
  return a.id;
}

async function newPage(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', acceptDownloads: true });
  return ctx.newPage();
}

async function dropPackages(page: Page, files: string[]) {
  await page.getByTestId('package-dropzone').locator('input[type=file]').setInputFiles(files);
}

test('signed package: export from the workspace, import in a second instance as untrusted, trust the key, valid, again, tampered', async ({ page, app, browser }) => {
  test.setTimeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-pkg-e2e-'));
  let b: WebApp | null = null;
  try {
    // ---------------------------------------------------------------- Instance A: the commune
    await setCommuneProfile(app);
    const id = await submittedAssessment(app);
    await page.goto(app.url);
    await page.goto(`${app.origin}/#/settings`);
    const keys = page.getByTestId('signing-keys');
    await expect(keys.getByText('Máy này chưa có khóa ký nào.')).toBeVisible();
    await keys.getByRole('button', { name: 'Tạo khóa ký' }).click();
    const form = page.getByTestId('create-key-form');
    await expect(form.getByLabel('Họ và tên người ký')).toHaveValue('Nguyễn Thị Hồng');
    await form.getByLabel('Mật khẩu của khóa').fill('ngan');
    await form.getByRole('button', { name: 'Tạo khóa ký' }).click();
    await expect(form.getByText('Mật khẩu cần ít nhất 8 ký tự.')).toBeVisible();
    await form.getByLabel('Mật khẩu của khóa').fill(PASSPHRASE);
    await expect(form.getByTestId('passphrase-strength')).toHaveText('Độ mạnh của mật khẩu: mạnh');
    await form.getByLabel('Nhập lại mật khẩu').fill(PASSPHRASE + 'x');
    await form.getByRole('button', { name: 'Tạo khóa ký' }).click();
    await expect(form.getByText('Hai mật khẩu không giống nhau.')).toBeVisible();
    await form.getByLabel('Nhập lại mật khẩu').fill(PASSPHRASE);
    await form.getByRole('button', { name: 'Tạo khóa ký' }).click();
    const fpLocator = keys.getByTestId('key-fingerprint');
    await expect(fpLocator).toHaveText(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
    const fingerprint = (await fpLocator.textContent())!;
    expect(fingerprint).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){3}$/);
    await expect(keys.getByRole('status')).toContainText(`Đã tạo khóa ký. Vân tay: ${fingerprint}`);
    await expect(keys.getByText('Bằng mật khẩu')).toBeVisible();
    await shot(page, 'pkg-01-a-key-created');

    const keyDownload = page.waitForEvent('download');
    await keys.getByRole('button', { name: 'Tải tệp khóa công khai của Nguyễn Thị Hồng' }).click();
    const keyFile = await keyDownload;
    expect(keyFile.suggestedFilename()).toMatch(/^KhoaCongKhai_29266_[0-9a-f]{16}\.json$/);
    const publicKeyPath = path.join(tmp, keyFile.suggestedFilename());
    await keyFile.saveAs(publicKeyPath);
    const publicKey = JSON.parse(fs.readFileSync(publicKeyPath, 'utf8')) as { format: string; fingerprint: string; unitCode: string };
    expect(publicKey).toMatchObject({ format: 'cfc-public-key', fingerprint, unitCode: '29266' });

    // Export from the workspace summary of the submitted revision.
    await page.goto(`${app.origin}/#/assessments/${id}/summary`);
    const panel = page.getByTestId('export-package');
    await panel.getByRole('button', { name: 'Xuất gói hồ sơ có chữ ký' }).click();
    const dialog = page.getByRole('dialog', { name: 'Xuất gói hồ sơ có chữ ký' });
    await dialog.getByLabel('Mật khẩu của khóa ký').fill('sai mật khẩu');
    await dialog.getByRole('button', { name: 'Ký và xuất' }).click();
    await expect(dialog.getByText('Sai mật khẩu của khóa ký.')).toBeVisible();
    await dialog.getByLabel('Mật khẩu của khóa ký').fill(PASSPHRASE);
    await dialog.getByRole('button', { name: 'Ký và xuất' }).click();
    const result = dialog.getByTestId('export-result');
    await expect(result).toContainText('Đã xuất gói hồ sơ');
    await expect(result.getByTestId('export-file-name')).toHaveText(/\.cfcpkg$/);
    await expect(result.getByTestId('export-fingerprint')).toHaveText(fingerprint);
    await expect(result).toContainText('Gửi tệp này cho Đoàn thẩm định');
    await shot(page, 'pkg-02-a-exported');
    const pkgDownload = page.waitForEvent('download');
    await result.getByRole('link', { name: 'Tải gói xuống' }).click();
    const pkgFile = await pkgDownload;
    const packagePath = path.join(tmp, pkgFile.suggestedFilename());
    await pkgFile.saveAs(packagePath);
    expect(packagePath).toMatch(/\.cfcpkg$/);
    expect(fs.statSync(packagePath).size).toBeGreaterThan(40_000);

    // ---------------------------------------------------------------- Instance B: the assessment team of Tỉnh Vĩnh Long
    b = await startWebApp();
    await callApi(b, 'profile.set', {
      role: 'assessor',
      unitCode: '86',
      organisation: 'Đoàn thẩm định tỉnh Vĩnh Long',
      userName: 'Trần Văn Minh',
      userTitle: 'Trưởng đoàn',
    });
    const pb = await newPage(browser);
    await pb.goto(b.url);
    await pb.goto(`${b.origin}/#/packages`);
    await expect(pb.getByRole('heading', { name: 'Gói hồ sơ có chữ ký' })).toBeVisible();
    await dropPackages(pb, [packagePath]);
    const row = pb.getByTestId('verify-row');
    await expect(row).toHaveAttribute('data-outcome', 'untrusted');
    await expect(row.getByTestId('outcome-badge')).toHaveText('Chưa tin cậy');
    await expect(row).toContainText('Xã Càng Long (29266)');
    await expect(row).toContainText('Nguyễn Thị Hồng');
    await expect(row.getByTestId('trust-badge')).toHaveText('Khóa chưa có trong kho tin cậy');
    const reasons = pb.getByTestId('verify-reasons');
    await expect(reasons.locator('[data-code="key_unknown"]')).toContainText('Khóa ký không có trong kho khóa tin cậy.');
    await expect(pb.getByTestId('import-button')).toHaveText('Nhập 0 gói');
    await expect(pb.getByTestId('import-button')).toBeDisabled();
    await shot(pb, 'pkg-03-b-untrusted');

    // Trust A's key: the public key file, the fingerprint compared by phone.
    await pb.getByRole('tab', { name: 'Khóa tin cậy' }).click();
    await expect(pb).toHaveURL(/#\/packages\/trust$/);
    await pb.getByTestId('trust-dropzone').locator('input[type=file]').setInputFiles(publicKeyPath);
    const add = pb.getByRole('dialog', { name: 'Tin cậy khóa này?' });
    await expect(add.getByTestId('add-fingerprint')).toHaveText(fingerprint);
    await expect(add.getByRole('button', { name: 'Tin cậy khóa này' })).toBeDisabled();
    await add.getByLabel('Tôi đã đối chiếu vân tay với người giữ khóa').check();
    await shot(pb, 'pkg-04-b-trust-confirm');
    await add.getByRole('button', { name: 'Tin cậy khóa này' }).click();
    await expect(pb.getByTestId('trust-added')).toContainText(`Đã thêm khóa của Nguyễn Thị Hồng (${fingerprint}) vào kho tin cậy.`);
    const trustRow = pb.getByTestId('trust-row').filter({ hasText: 'Nguyễn Thị Hồng' });
    await expect(trustRow).toContainText('Xã Càng Long (29266)');
    await expect(trustRow).toContainText('Tin cậy');
    await shot(pb, 'pkg-05-b-trusted-keys');

    // Verify again: valid; import.
    await pb.getByRole('tab', { name: 'Nhập gói' }).click();
    await pb.getByRole('button', { name: 'Kiểm tra lại' }).click();
    await expect(row).toHaveAttribute('data-outcome', 'valid');
    await expect(row.getByTestId('outcome-badge')).toHaveText('Hợp lệ');
    await expect(row.getByTestId('trust-badge')).toHaveText('Khóa tin cậy');
    await expect(pb.getByTestId('verify-reasons')).toHaveCount(0);
    await shot(pb, 'pkg-06-b-valid');
    await pb.getByTestId('import-button').click();
    const report = pb.getByTestId('import-report');
    await expect(report.getByTestId('sum-imported')).toContainText('1');
    await expect(report.getByTestId('sum-rejected')).toContainText('0');
    await expect(report.getByTestId('import-item')).toHaveAttribute('data-result', 'imported');
    await expect(report.getByTestId('import-item')).toContainText('Đã xác minh chữ ký');
    await expect(pb.getByTestId('verify-table')).toHaveCount(0);
    await shot(pb, 'pkg-07-b-imported');

    // The imported package, in full.
    await report.getByRole('button', { name: 'Xem các gói đã nhập' }).click();
    await expect(pb).toHaveURL(/#\/packages\/imported$/);
    const imported = pb.getByTestId('imported-row');
    await expect(imported).toHaveCount(1);
    await expect(imported).toContainText('Xã Càng Long');
    await expect(imported.getByTestId('state-badge')).toHaveText('Hiện hành');
    await imported.getByRole('button', { name: 'Xem chi tiết gói của Xã Càng Long, năm 2025, lần 1' }).click();
    const drawer = pb.getByRole('dialog', { name: 'Xã Càng Long — năm 2025, lần 1' });
    await expect(drawer.getByTestId('package-chain')).toContainText('Nguyễn Thị Hồng');
    await expect(drawer.getByTestId('package-chain')).toContainText('Đã xác minh chữ ký');
    await expect(drawer.getByTestId('package-chain')).toContainText('Trần Văn Minh');
    await expect(drawer.getByTestId('package-values')).toContainText('1.1');
    await expect(drawer.getByRole('button', { name: 'Minh chứng (1)' })).toBeVisible();
    await shot(pb, 'pkg-08-b-detail');
    await drawer.getByRole('button', { name: 'Minh chứng (1)' }).click();
    await expect(drawer.getByTestId('package-evidence')).toContainText('bien-ban-hop.pdf');
    await pb.keyboard.press('Escape');

    // The same file again: already present, nothing new.
    await pb.getByRole('tab', { name: 'Nhập gói' }).click();
    await dropPackages(pb, [packagePath]);
    await expect(row).toHaveAttribute('data-outcome', 'valid');
    await pb.getByTestId('import-button').click();
    await expect(report.getByTestId('import-item')).toHaveAttribute('data-result', 'already_present');
    await expect(report.getByTestId('sum-alreadyPresent')).toContainText('1');
    await expect(report.getByTestId('sum-imported')).toContainText('0');
    await shot(pb, 'pkg-09-b-already-present');

    // A copy with one byte flipped in the middle: invalid, with the reason in Vietnamese; nothing imported.
    const bytes = fs.readFileSync(packagePath);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    const tampered = path.join(tmp, 'da-sua-' + path.basename(packagePath));
    fs.writeFileSync(tampered, bytes);
    await dropPackages(pb, [tampered]);
    await expect(row).toHaveAttribute('data-outcome', 'invalid');
    await expect(row.getByTestId('outcome-badge')).toHaveText('Không hợp lệ');
    // The byte is inside an entry's data: its CRC-32 no longer matches (checked while it streams, before the SHA-256).
    const bad = pb.getByTestId('verify-reasons').locator('[data-code="corrupt_entry"]');
    await expect(bad).toContainText('Dữ liệu của một mục bị hỏng: không đọc được, không giải nén được hoặc không khớp mã CRC-32.');
    await expect(pb.getByTestId('import-button')).toBeDisabled();
    await shot(pb, 'pkg-10-b-tampered');
    const list = await callApi<{ items: unknown[] }>(b, 'packages.list', {});
    expect(list.items).toHaveLength(1);

    // English, once: the same page.
    await pb.getByText('English', { exact: true }).click();
    await expect(pb.getByRole('heading', { name: 'Signed packages' })).toBeVisible();
    await expect(pb.getByRole('tab', { name: 'Trusted keys' })).toBeVisible();
    await expect(row.getByTestId('outcome-badge')).toHaveText('Invalid');
    await expect(bad).toContainText("An entry's data is damaged: it cannot be read or inflated, or does not match its CRC-32.");
    await expect(pb.getByText('What is wrong')).toBeVisible();
    await expect(pb.getByTestId('import-button')).toHaveText('Import 0 package(s)');
    await shot(pb, 'pkg-11-b-english');
    await pb.context().close();
  } finally {
    if (b) {
      await b.stop();
      fs.rmSync(b.dataDir, { recursive: true, force: true });
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('untrusted package imported only with a recorded reason; a revoked key makes it invalid', async ({ app, browser }) => {
  test.setTimeout(120_000);
  // The commune's side through the API (the UI path is the test above).
  await setCommuneProfile(app);
  const id = await submittedAssessment(app);
  await callApi(app, 'keys.create', { name: 'Nguyễn Thị Hồng', title: 'Chủ tịch', organisation: 'UBND xã Càng Long', role: 'commune', unitCode: '29266', passphrase: PASSPHRASE });
  const exported = await callApi<{ fileName: string; fingerprint: string }>(app, 'packages.export', { id, passphrase: PASSPHRASE });
  const exportedPath = exportedFile(app, exported.fileName);
  const pub = await callApi<{ fileName: string; content: string }>(app, 'keys.exportPublic', {});
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-pkg-e2e-'));
  const publicKeyPath = path.join(tmp, pub.fileName);
  fs.writeFileSync(publicKeyPath, pub.content);

  // The province (84) imports it untrusted, with a decision and its reason.
  const c = await startWebApp();
  try {
    await callApi(c, 'profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế tỉnh Vĩnh Long', userName: 'Lê Thị Lan', userTitle: 'Chuyên viên' });
    const page = await newPage(browser);
    await page.goto(c.url);
    await page.goto(`${c.origin}/#/packages/import`);
    await dropPackages(page, [exportedPath]);
    const row = page.getByTestId('verify-row');
    await expect(row).toHaveAttribute('data-outcome', 'untrusted');
    const importButton = page.getByTestId('import-button');
    await expect(importButton).toBeDisabled();
    await row.getByRole('checkbox', { name: /^Chấp nhận gói chưa tin cậy/ }).check();
    await expect(importButton).toHaveText('Nhập 1 gói');
    await importButton.click();
    await expect(page.getByText('Cần ghi lý do (ít nhất 3 ký tự).')).toBeVisible();
    await expect(page.getByTestId('import-report')).toHaveCount(0);
    await page.getByLabel(/^Lý do chấp nhận gói chưa tin cậy/).fill(`Đã xác minh vân tay ${exported.fingerprint} qua điện thoại với chị Hồng`);
    await shot(page, 'pkg-12-c-accept-untrusted');
    await importButton.click();
    const report = page.getByTestId('import-report');
    await expect(report.getByTestId('sum-imported')).toContainText('1');
    await expect(report.getByTestId('import-item')).toContainText('Chấp nhận khi chưa tin cậy');
    await page.getByRole('tab', { name: 'Đã nhập' }).click();
    const imported = page.getByTestId('imported-row');
    await expect(imported).toContainText('Chấp nhận khi chưa tin cậy');
    await expect(imported).toContainText('qua điện thoại với chị Hồng');
    await imported.getByRole('button', { name: /^Xem chi tiết gói của Xã Càng Long/ }).click();
    const chain = page.getByTestId('package-chain');
    await expect(chain).toContainText('Khóa ký không có trong kho khóa tin cậy.');
    await expect(chain).toContainText('Lê Thị Lan (Chuyên viên)');
    await shot(page, 'pkg-13-c-accepted-detail');
    await page.keyboard.press('Escape');

    // Trust the key, then revoke it with a reason: the package now verifies as invalid (key_revoked).
    await page.getByRole('tab', { name: 'Khóa tin cậy' }).click();
    await page.getByTestId('trust-dropzone').locator('input[type=file]').setInputFiles(publicKeyPath);
    const add = page.getByRole('dialog', { name: 'Tin cậy khóa này?' });
    await add.getByLabel('Tôi đã đối chiếu vân tay với người giữ khóa').check();
    await add.getByRole('button', { name: 'Tin cậy khóa này' }).click();
    const trustRow = page.getByTestId('trust-row').filter({ hasText: 'Nguyễn Thị Hồng' });
    await trustRow.getByRole('button', { name: 'Thu hồi khóa của Nguyễn Thị Hồng' }).click();
    const revoke = page.getByRole('dialog', { name: 'Thu hồi khóa?' });
    await expect(revoke).toContainText('KHÔNG HỢP LỆ');
    await revoke.getByRole('button', { name: 'Thu hồi vĩnh viễn' }).click();
    await expect(revoke.getByText('Cần ghi lý do (ít nhất 3 ký tự).')).toBeVisible();
    await revoke.getByLabel(/^Lý do thu hồi/).fill('Máy tính của xã bị mất');
    await shot(page, 'pkg-14-c-revoke');
    await revoke.getByRole('button', { name: 'Thu hồi vĩnh viễn' }).click();
    await expect(trustRow).toHaveAttribute('data-status', 'revoked');
    await expect(trustRow).toContainText('Máy tính của xã bị mất');
    await page.getByRole('tab', { name: 'Nhập gói' }).click();
    await dropPackages(page, [exportedPath]);
    await expect(row).toHaveAttribute('data-outcome', 'invalid');
    await expect(page.getByTestId('verify-reasons').locator('[data-code="key_revoked"]')).toContainText('Gói được ký bằng một khóa đã bị thu hồi.');
    await shot(page, 'pkg-15-c-revoked-invalid');
    await page.context().close();
  } finally {
    await c.stop();
    fs.rmSync(c.dataDir, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('export without a signing key: the guided step creates one, then the package is signed', async ({ page, app }) => {
  await setCommuneProfile(app);
  const id = await submittedAssessment(app);
  await page.goto(app.url);
  await page.goto(`${app.origin}/#/assessments/${id}/summary`);
  await page.getByTestId('export-package').getByRole('button', { name: 'Xuất gói hồ sơ có chữ ký' }).click();
  const dialog = page.getByRole('dialog', { name: 'Xuất gói hồ sơ có chữ ký' });
  await expect(dialog).toContainText('Máy này chưa có khóa ký.');
  await expect(dialog.getByRole('link', { name: 'Quản lý khóa ký trong Cài đặt' })).toHaveAttribute('href', '#/settings');
  const form = dialog.getByTestId('create-key-form');
  await form.getByLabel('Mật khẩu của khóa').fill(PASSPHRASE);
  await form.getByLabel('Nhập lại mật khẩu').fill(PASSPHRASE);
  await shot(page, 'pkg-16-a-guided-key');
  await form.getByRole('button', { name: 'Tạo khóa ký' }).click();
  // The passphrase just typed is kept for the signature: one click signs.
  await expect(dialog.getByLabel('Mật khẩu của khóa ký')).toHaveValue(PASSPHRASE);
  await dialog.getByRole('button', { name: 'Ký và xuất' }).click();
  await expect(dialog.getByTestId('export-result')).toContainText('Đã xuất gói hồ sơ');
  const keys = await callApi<{ items: { fingerprint: string }[] }>(app, 'keys.list', {});
  expect(keys.items).toHaveLength(1);
  await expect(dialog.getByTestId('export-fingerprint')).toHaveText(keys.items[0]!.fingerprint);
});
