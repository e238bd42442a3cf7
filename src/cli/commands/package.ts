import path from 'node:path';
import { packRegistry, readJsonFile } from '../../core/criteria/registry';
import { createFromInput } from '../../core/packages/export';
import { chooseSigningKey, unsealKey } from '../../core/packages/trust';
import { packagesActor } from '../../api/handlers/packages';
import type { ImportItemView, VerifiedPackage } from '../../api/calls/packages';
import { checkoutResourcesDir } from '../../server/resources';
import { Rejection, type CliContext } from '../context';
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

function progressLine(c: CliContext) {
  if (c.json || !c.io.stderr.isTTY) return undefined;
  return (p: { index: number; total: number; label: string; bytes: number; size: number }) => {
    const pct = p.size ? Math.floor((100 * p.bytes) / p.size) : 100;
    const name = path.basename(p.label);
    c.io.stderr.write(`\r\x1b[K[${p.index + 1}/${p.total}] ${pct}% ${name.length > 60 ? name.slice(0, 59) + '…' : name}`);
  };
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
      const raw = readJsonFile(o.input, '--input');
      const svc = c.service();
      const { db } = await svc.open();
      const row = await chooseSigningKey(db, o.key);
      const passphrase = row.seal_kind === 'passphrase' ? await passphraseFor(c, `Mật khẩu khóa ký / passphrase for ${row.holder_name}: `) : undefined;
      const pair = unsealKey(row, { secrets: svc.context.secrets, passphrase });
      const app = { name: svc.context.app.name, version: svc.context.app.version };
      const w = await createFromInput(
        { packs: packRegistry(checkoutResourcesDir, c.dataDir), editions: svc.context.editions, app },
        raw,
        o.evidence ?? null,
        { row, pair },
        path.resolve(o.out),
        await packagesActor(svc.context),
      );
      c.print({ file: w.file, fileName: w.fileName, size: w.size, manifestSha256: w.manifestSha256, keyId: row.key_id }, () =>
        [`${w.file}`, `  ${w.manifest.unit.code} ${w.manifest.unit.name}, ${w.manifest.period.year}, lần ${w.manifest.revision}: ${w.manifest.summary.total}/${w.manifest.summary.maxTotal} ${w.manifest.summary.verdict}`, `  manifest sha256 ${w.manifestSha256}`].join('\n'),
      );
    });
  pkg
    .command('verify')
    .description('kiểm tra gói (không ghi gì); thoát 0 khi mọi gói hợp lệ, 1 nếu có gói không hợp lệ hoặc chưa tin cậy / verify packages (writes nothing); exit 0 when all are valid, else 1')
    .argument('<files...>', 'các tệp gói hoặc thư mục / package files or folders')
    .action(async (files: string[]) => {
      const c = ctx();
      const r = await c.service().call('packages.verify', { paths: files.map((f) => path.resolve(f)) });
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
      const svc = c.service();
      const progress = progressLine(c);
      if (progress) svc.context.onProgress = (_call, p) => progress(p);
      const r = await svc.call('packages.import', {
        paths: paths.map((p) => path.resolve(p)),
        acceptUntrusted: !!o.acceptUntrusted,
        ...(o.acceptUntrusted ? { reason: o.reason ?? 'accepted with --accept-untrusted on the command line' } : {}),
      });
      if (!c.json && c.io.stderr.isTTY) c.io.stderr.write('\r\x1b[K');
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
