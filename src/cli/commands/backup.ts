import path from 'node:path';
import type { BackupSummary } from '../../api/calls/backup';
import type { Register } from '../main';

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function formatSummary(s: BackupSummary): string[] {
  return [
    `  tạo lúc / created ${s.createdAt} bởi / by ${s.app.name} ${s.app.version}, lược đồ / schema ${s.schemaVersion}`,
    `  ${s.entries} mục / entries, ${mb(s.bytes)}: minh chứng / evidence ${s.evidence.files}, gói đã nhập / imported packages ${s.packages.files}, gói đã xuất / exported packages ${s.exports.files}, khóa ký / signing keys ${s.signingKeys}`,
    ...(s.notIncluded.length ? [`  không gồm / not included: ${s.notIncluded.map((n) => n.path).join(', ')}`] : []),
  ];
}

export const registerBackup: Register = (program, ctx) => {
  const cmd = program
    .command('backup')
    .description('sao lưu và khôi phục toàn bộ dữ liệu (.cfcbak) / back up and restore all the data (.cfcbak)');
  cmd
    .command('create')
    .description('sao lưu thư mục dữ liệu vào một tệp (ứng dụng vẫn có thể chạy) / back up the data folder into one file (the app may keep running)')
    .argument('<file>', 'tệp sao lưu ra / the backup file to write (.cfcbak)')
    .action(async (file: string) => {
      const c = ctx();
      const r = await c.service().job('backup.create', { path: path.resolve(c.io.cwd, file) }, 'Sao lưu / backing up');
      c.print(r, () => [`Đã sao lưu / backed up: ${r.file} (${mb(r.size)})`, `  sha256 ${r.sha256}`, ...formatSummary(r.summary)].join('\n'));
    });
  cmd
    .command('verify')
    .description('kiểm tra tệp sao lưu (mọi mã băm, danh sách mục, cơ sở dữ liệu); không ghi gì / check a backup (every hash, the entry set, the database); writes nothing')
    .argument('<file>', 'tệp sao lưu / the backup file')
    .action(async (file: string) => {
      const c = ctx();
      const r = await c.service().job('backup.verify', { path: path.resolve(c.io.cwd, file) }, 'Kiểm tra / verifying');
      c.print(r, () => [`HỢP LỆ / VALID  ${r.file}`, ...formatSummary(r.summary)].join('\n'));
    });
  cmd
    .command('restore')
    .description(
      'khôi phục tệp sao lưu vào thư mục dữ liệu (--data-dir): kiểm tra hết trước, dữ liệu hiện có được chuyển sang bên cạnh / restore a backup into the data folder (--data-dir): all checked first, the current data moved aside',
    )
    .argument('<file>', 'tệp sao lưu / the backup file')
    .action(async (file: string) => {
      const c = ctx();
      const r = await c.service().job('backup.restore', { path: path.resolve(c.io.cwd, file) }, 'Khôi phục / restoring');
      c.print(r, () =>
        [
          `Đã khôi phục vào / restored into ${r.dataDir}`,
          r.movedAside
            ? `  dữ liệu trước đó đã được chuyển sang / the data that was there is now in ${r.movedAside}`
            : '  thư mục chưa có dữ liệu / the folder held no data before',
          ...formatSummary(r.summary),
        ].join('\n'),
      );
    });
};
