import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callApi, expect, setCommuneProfile, shot, test } from './fixtures';

test('Settings: back up → download; restore the downloaded file (current data moved aside); a damaged file is refused', async ({ page, app }) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-e2e-backup-'));
  try {
    await setCommuneProfile(app);
    await callApi(app, 'assessments.create', { unitCode: '29266', year: 2026 });
    await page.goto(app.url);
    await page.goto(`${app.origin}/#/settings`);
    const section = page.getByTestId('backup-section');
    await expect(section.getByTestId('backup-reminder')).toContainText('chưa từng được sao lưu');
    await expect(section.getByTestId('backup-last')).toHaveText('Chưa sao lưu lần nào.');

    // Make a backup, then download it.
    await section.getByRole('button', { name: 'Tạo bản sao lưu' }).click();
    const created = section.getByTestId('backup-created');
    await expect(created).toContainText(/Đã tạo bản sao lưu cfc-backup-.*\.cfcbak/);
    await expect(section.getByTestId('backup-reminder')).toHaveCount(0);
    await expect(section.getByTestId('backup-last')).toContainText('Lần sao lưu gần nhất');
    await section.getByTestId('backup-created').scrollIntoViewIfNeeded();
    await shot(page, 'backup-01-created');
    const dl = page.waitForEvent('download');
    await created.getByRole('link', { name: 'Tải tệp sao lưu về' }).click();
    const file = await dl;
    const saved = path.join(tmp, file.suggestedFilename());
    await file.saveAs(saved);
    expect(saved).toMatch(/\.cfcbak$/);
    const bytes = fs.readFileSync(saved);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.equals(fs.readFileSync(path.join(app.dataDir, 'backups', file.suggestedFilename())))).toBe(true);

    // Work after the backup: the restore moves it aside.
    await callApi(app, 'assessments.create', { unitCode: '29266', year: 2025 });

    // A damaged copy is refused, naming the problem; nothing changes.
    const cut = path.join(tmp, 'hong.cfcbak');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await section.getByTestId('backup-drop').locator('input[type=file]').setInputFiles(cut);
    await page.getByRole('dialog').getByRole('button', { name: 'Kiểm tra và khôi phục' }).click();
    await expect(section.getByTestId('backup-error')).toContainText('bị cắt cụt');
    await expect(section.getByTestId('backup-error')).toContainText('không bị thay đổi');
    await shot(page, 'backup-02-refused');
    const years = async () => (await callApi<{ items: { year: number }[] }>(app, 'assessments.list', {})).items.map((i) => i.year).sort();
    expect(await years()).toEqual([2025, 2026]);

    // Restore the good one.
    await section.getByTestId('backup-drop').locator('input[type=file]').setInputFiles(saved);
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('chuyển sang một thư mục bên cạnh');
    await dialog.getByRole('button', { name: 'Kiểm tra và khôi phục' }).click();
    const restored = section.getByTestId('backup-restored');
    await expect(restored).toContainText('Đã khôi phục bản sao lưu');
    await expect(restored.getByTestId('backup-moved-aside')).toContainText(`${path.basename(app.dataDir)}.before-restore-`);
    await shot(page, 'backup-03-restored');
    expect(await years()).toEqual([2026]);
    await restored.getByRole('button', { name: 'Mở lại ứng dụng với dữ liệu đã khôi phục' }).click();
    await expect(page.getByTestId('backup-last')).toContainText('Lần sao lưu gần nhất');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const f of fs.readdirSync(path.dirname(app.dataDir))) {
      if (f.startsWith(`${path.basename(app.dataDir)}.before-restore-`)) fs.rmSync(path.join(path.dirname(app.dataDir), f), { recursive: true, force: true });
    }
  }
});
