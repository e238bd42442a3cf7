import path from 'node:path';
import type { ImportItemView, VerifiedPackage } from '../../api/calls/packages';
import { Rejection, UsageError } from '../context';
import type { Register } from '../main';
import { passphraseFor } from './keys';

const OUTCOME = { valid: 'HỢP LỆ / VALID', untrusted: 'CHƯA TIN CẬY / UNTRUSTED', invalid: 'KHÔNG HỢP LỆ / INVALID' } as const;

function formatVerified(v: VerifiedPackage): string {
  const lines = [`${OUTCOME[v.outcome]}  ${path.basename(v.file)}`];
  if (v.unit) lines.push(`  ${v.kind} ${v.unit.code} ${v.unit.name}, ${v.year}, lần / revision ${v.revision}; ${v.summary?.total}/${v.summary?.maxTotal} ${v.summary?.verdict}`);
  if (v.signer) lines.push(`  ký bởi / signed by ${v.signer.name} (${v.signer.role}) ${v.signer.fingerprint} [${v.signer.trust}]`);
  if (v.manifestSha256) lines.push(`  manifest sha256 ${v.manifestSha256}`);
  for (const r of v.reasons) {
    lines.push(`  ${r.code}${r.path ? ` (${r.path})` : ''}: ${r.message.vi}`, `    ${r.message.en}${r.detail ? ` [${r.detail}]` : ''}`);
  }
  if (v.inner) {
    lines.push(`  gói bên trong / inner package: ${OUTCOME[v.inner.outcome]}${v.inner.signer ? `, ${v.inner.signer.name} ${v.inner.signer.fingerprint}` : ''}`);
    for (const r of v.inner.reasons) lines.push(`    ${r.code}${r.path ? ` (${r.path})` : ''}: ${r.message.en}`);
  }
  return lines.join('\n');
}

const RESULT = {
  imported: 'đã nhập / imported',
  already_present: 'đã có / already present',
  superseded: 'đã nhập, thay bản cũ / imported, supersedes',
  conflict: 'XUNG ĐỘT / CONFLICT (kept, flagged)',
  stale: 'bản cũ hơn, lưu làm lịch sử / stale (kept as history)',
  rejected: 'BỊ TỪ CHỐI / REJECTED',
} as const;

function formatImported(i: ImportItemView): string {
  const lines = [`${RESULT[i.result]}  ${path.basename(i.file)}${i.unitCode ? `  ${i.unitCode} ${i.unitName}, ${i.year}, lần ${i.revision}` : ''}`];
  if (i.result === 'rejected') {
    for (const r of i.reasons) lines.push(`  ${r.code}${r.path ? ` (${r.path})` : ''}: ${r.message.vi} / ${r.message.en}${r.detail ? ` [${r.detail}]` : ''}`);
    if (i.error) lines.push(`  ${i.error.code}: ${i.error.message.vi} / ${i.error.message.en}`);
  } else if (i.trustDecision === 'accepted_untrusted') {
    lines.push(`  chưa tin cậy, đã chấp nhận / untrusted, accepted: ${i.reasons.map((r) => r.code).join(', ')}`);
  }
  return lines.join('\n');
}

export const registerPackage: Register = (program, ctx) => {
  const pkg = program.command('package').description('gói hồ sơ có chữ ký / signed assessment packages (.cfcpkg)');
  pkg
    .command('create')
    .description('tạo gói tự đánh giá có chữ ký từ tệp số liệu / a signed self-assessment package from an input file')
    .requiredOption('--input <file>', 'tệp số liệu JSON (như cfc score, thêm unitCode, year) / the JSON input (as cfc score, plus unitCode, year)')
    .option('--evidence <dir>', 'thư mục minh chứng / evidence folder')
    .requiredOption('--out <file>', 'tệp gói ra, hoặc thư mục / output package file, or a folder')
    .option('--key <keyId>', 'khóa ký (khi có nhiều) / signing key, when there are several')
    .action(async (o: { input: string; evidence?: string; out: string; key?: string }) => {
      const c = ctx();
      const svc = c.service();
      // The passphrase is asked only when the chosen key is sealed with one (keys.list says how each is sealed).
      const keys = (await svc.call('keys.list', {})).items.filter((k) => k.status === 'active' && (!o.key || k.keyId === o.key));
      const key = keys.length === 1 ? keys[0] : undefined;
      const passphrase = key?.sealedBy === 'passphrase' ? await passphraseFor(c, `Mật khẩu khóa ký / passphrase for ${key.holder.name}: `) : undefined;
      const w = await svc.job('packages.create', {
        input: path.resolve(c.io.cwd, o.input),
        ...(o.evidence ? { evidenceDir: path.resolve(c.io.cwd, o.evidence) } : {}),
        outPath: path.resolve(c.io.cwd, o.out),
        ...(o.key ? { keyId: o.key } : {}),
        ...(passphrase ? { passphrase } : {}),
      }, 'Tạo gói / packaging');
      c.print({ file: w.file, fileName: w.fileName, size: w.size, manifestSha256: w.manifestSha256, keyId: w.keyId }, () =>
        [`${w.file}`, `  ${w.unit.code} ${w.unit.name}, ${w.year}, lần ${w.revision}: ${w.summary.total}/${w.summary.maxTotal} ${w.summary.verdict}`, `  manifest sha256 ${w.manifestSha256}`].join('\n'),
      );
    });
  pkg
    .command('verify')
    .description('kiểm tra gói (không ghi gì); thoát 0 khi mọi gói hợp lệ, 1 nếu có gói không hợp lệ hoặc chưa tin cậy / verify packages (writes nothing); exit 0 when all are valid, else 1')
    .argument('<files...>', 'các tệp gói hoặc thư mục / package files or folders')
    .action(async (files: string[]) => {
      const c = ctx();
      const r = await c.service().call('packages.verify', { paths: files.map((f) => path.resolve(c.io.cwd, f)) });
      c.print(r, () => r.items.map(formatVerified).join('\n'));
      const bad = r.items.filter((i) => i.outcome !== 'valid');
      if (bad.length) {
        const codes = [...new Set(bad.flatMap((i) => i.reasons.map((x) => x.code)))].join(', ');
        throw new Rejection({
          code: 'packages_not_valid',
          message: {
            vi: `${bad.length}/${r.items.length} gói không hợp lệ hoặc chưa tin cậy (${codes}).`,
            en: `${bad.length} of ${r.items.length} package(s) are not valid (${codes}).`,
          },
        });
      }
    });
  pkg
    .command('import')
    .description('kiểm tra rồi nhập gói (mỗi gói một giao dịch; nhập lại không đổi gì); thoát 1 nếu có gói bị từ chối / verify and import packages (one transaction each; idempotent); exit 1 if any was rejected')
    .argument('<paths...>', 'các tệp gói hoặc thư mục / package files or folders')
    .option('--accept-untrusted', 'nhập cả gói chưa tin cậy (quyết định được ghi lại) / also import untrusted packages (the decision is recorded)')
    .option('--reason <text>', 'lý do chấp nhận gói chưa tin cậy / why untrusted packages are accepted')
    .action(async (paths: string[], o: { acceptUntrusted?: boolean; reason?: string }) => {
      const c = ctx();
      if (o.acceptUntrusted && !o.reason?.trim()) {
        throw new UsageError('--accept-untrusted cần --reason "lý do" (quyết định được ghi lại) / --accept-untrusted needs --reason "why" (the decision is recorded)');
      }
      const svc = c.service();
      const r = await svc.job(
        'packages.import',
        { paths: paths.map((p) => path.resolve(c.io.cwd, p)), acceptUntrusted: !!o.acceptUntrusted, ...(o.acceptUntrusted ? { reason: o.reason } : {}) },
        'Nhập / importing',
      );
      const s = r.summary;
      c.print(r, () =>
        [
          ...r.items.map(formatImported),
          '',
          `Tổng / total ${s.total}: đã nhập / imported ${s.imported}, đã có / already present ${s.alreadyPresent}, thay bản cũ / superseded ${s.superseded}, xung đột / conflicts ${s.conflicts}, bản cũ / stale ${s.stale}, từ chối / rejected ${s.rejected}`,
        ].join('\n'),
      );
      if (s.rejected > 0) {
        throw new Rejection({
          code: 'packages_rejected',
          message: {
            vi: `${s.rejected}/${s.total} gói bị từ chối (không ghi gì cho các gói đó); các gói khác đã được xử lý.`,
            en: `${s.rejected} of ${s.total} package(s) were rejected (nothing written for them); the others were processed.`,
          },
        });
      }
    });
};
