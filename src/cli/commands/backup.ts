import path from 'node:path';
import type { BackupSummary } from '../../api/calls/backup';
import type { CliContext } from '../context';
import type { Register } from '../main';

/** A progress line on a terminal (stderr), none with --json or when stderr is not a terminal. */
function progressLine(c: CliContext, verb: string): (() => void) | null {
  if (c.json || !c.io.stderr.isTTY) return null;
  const svc = c.service();
  svc.onProgress((_call, p) => {
    const pct = p.size ? Math.floor((100 * p.bytes) / p.size) : 100;
    const name = p.label.length > 50 ? '…' + p.label.slice(-49) : p.label;
    c.io.stderr.write(`\r\x1b[K${verb} [${p.index + 1}/${p.total}] ${pct}% ${name}`);
  });
  return () => {
    svc.onProgress(undefined);
    c.io.stderr.write('\r\x1b[K');
  };
}

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
      const done = progressLine(c, 'Sao lưu / backing up');
      const r = await c.service().call('backup.create', { path: path.resolve(c.io.cwd, file) });
      done?.();
      c.print(r, () => [`Đã sao lưu / backed up: ${r.file} (${mb(r.size)})`, `  sha256 ${r.sha256}`, ...formatSummary(r.summary)].join('\n'));
    });
  cmd
    .command('verify')
    .description('kiểm tra tệp sao lưu (mọi mã băm, danh sách mục, cơ sở dữ liệu); không ghi gì / check a backup (every hash, the entry set, the database); writes nothing')
    .argument('<file>', 'tệp sao lưu / the backup file')
    .action(async (file: string) => {
      const c = ctx();
      const done = progressLine(c, 'Kiểm tra / verifying');
      const r = await c.service().call('backup.verify', { path: path.resolve(c.io.cwd, file) });
      done?.();
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
      const done = progressLine(c, 'Khôi phục / restoring');
      const r = await c.service().call('backup.restore', { path: path.resolve(c.io.cwd, file) });
      done?.();
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
