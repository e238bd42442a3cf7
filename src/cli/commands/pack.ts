import type { CallOutput } from '../../api/contract';
import { Rejection } from '../context';
import { viNumber } from '../format';
import type { Register } from '../main';
import { passphraseFor } from './keys';
import { clip } from './score';

type Indicator = CallOutput<'packs.get'>['pack']['criteria'][number]['indicators'][number];

function rules(i: Indicator): string {
  const mark = (confirmed: boolean) => (confirmed ? '' : '*');
  switch (i.kind) {
    case 'boolean':
      return `có → ${i.max}${mark(i.confirmed)}`;
    case 'choice':
      return i.options.map((o) => `${o.id} → ${o.points}${mark(o.confirmed)}`).join('; ');
    case 'count':
    case 'rate':
    case 'rate_per_n':
    case 'survey': {
      const op = i.kind === 'survey' || i.better === 'higher' ? '≥' : '≤';
      const unit = i.kind === 'count' ? '' : i.kind === 'rate_per_n' ? `/${viNumber(i.per)}` : '%';
      const parts = i.brackets.map((b) => `${op} ${viNumber(b.threshold)}${unit} → ${b.points}${mark(b.confirmed)}`);
      parts.push(`còn lại → 0${mark(i.otherwise.confirmed)}`);
      if (i.kind === 'rate' || i.kind === 'rate_per_n') parts.push(`0/0 → ${i.denominatorZero.points}${mark(i.denominatorZero.confirmed)}`);
      if (i.kind === 'survey') parts.push(`mỗi nhóm ≥ ${i.groups.map((g) => `${g.minRespondents} ${g.title.vi.toLowerCase()}`).join(', ')}`);
      return parts.join('; ');
    }
  }
}

export const registerPack: Register = (program, ctx) => {
  const pack = program.command('pack').description('gói tiêu chí / criteria packs');
  pack
    .command('list')
    .description('các gói tiêu chí có sẵn và đã cài / built-in and installed criteria packs')
    .action(async () => {
      const c = ctx();
      const { items } = await c.service().call('packs.list', {});
      const origin = (p: (typeof items)[number]) => (p.issuer ? `signed by ${p.issuer.name} (${p.issuer.role} ${p.issuer.unitCode}, ${p.issuer.fingerprint})` : p.origin);
      c.print({ items }, () =>
        items.map((p) => `${p.id.padEnd(12)} ${p.version.padEnd(8)} ${p.status.padEnd(11)} ${p.sha256.slice(0, 16)}  ${origin(p).padEnd(10)} ${p.title.vi}`).join('\n'),
      );
    });
  pack
    .command('diff')
    .description('so sánh hai gói tiêu chí / the differences between two packs')
    .argument('<a>', 'mã@phiên bản / id@version')
    .argument('<b>', 'mã@phiên bản / id@version')
    .action(async (ra: string, rb: string) => {
      const c = ctx();
      const ref = (r: string, side: 'a' | 'b') => {
        const at = r.lastIndexOf('@');
        if (at <= 0) throw new Rejection({ code: 'invalid_input', field: side, message: { vi: `${side}: cần mã@phiên bản, ví dụ qd06-2019@1.0.0 (nhận được "${r}").`, en: `${side}: expected id@version, e.g. qd06-2019@1.0.0 (got "${r}").` } });
        return { id: r.slice(0, at), version: r.slice(at + 1) };
      };
      const r = await c.service().call('packs.diff', { a: ref(ra, 'a'), b: ref(rb, 'b') });
      const show = (v: unknown) => (v === null ? '—' : typeof v === 'object' ? JSON.stringify(v).slice(0, 80) : String(v));
      c.print(r, () =>
        [
          `${r.a.id} ${r.a.version} (${r.a.sha256.slice(0, 16)}) → ${r.b.id} ${r.b.version} (${r.b.sha256.slice(0, 16)}): ${r.changes.length} thay đổi / changes`,
          ...r.changes.map((x) => `  ${x.at.padEnd(6)} ${(x.what.vi || x.kind).padEnd(28)} ${show(x.before)} → ${show(x.after)}`),
        ].join('\n'),
      );
    });
  pack
    .command('to-xlsx')
    .description('ghi gói tiêu chí ra bảng tính để sửa / write a pack as an editable workbook')
    .argument('<id>', 'mã gói / pack id')
    .option('--version <v>', 'phiên bản / version (default: newest)')
    .requiredOption('--out <file>', 'tệp .xlsx / the .xlsx file')
    .action(async (id: string, o: { version?: string; out: string }) => {
      const c = ctx();
      const r = await c.service().call('packs.toXlsx', { id, ...(o.version ? { version: o.version } : {}), outPath: o.out });
      c.print(r, () => `Đã ghi / written: ${r.file} (sha256 ${r.sha256})`);
    });
  pack
    .command('from-xlsx')
    .description('đọc bảng tính thành tệp gói tiêu chí / read a workbook back as a pack JSON file')
    .argument('<file>', 'tệp .xlsx / the .xlsx file')
    .requiredOption('--out <file>', 'tệp JSON / the JSON file')
    .action(async (file: string, o: { out: string }) => {
      const c = ctx();
      const r = await c.service().call('packs.fromXlsx', { file, outPath: o.out });
      c.print(r, () => `Đã ghi / written: ${r.file}: ${r.summary.id} ${r.summary.version} (${r.summary.status}), sha256 ${r.summary.sha256}`);
    });
  pack
    .command('install')
    .description('cài một gói tiêu chí (JSON, bảng tính hoặc gói có chữ ký) / install a pack (JSON, workbook or signed pack)')
    .argument('<file>', 'tệp gói / the pack file')
    .action(async (file: string) => {
      const c = ctx();
      const r = await c.service().call('packs.install', { file });
      const s = r.summary;
      c.print(r, () =>
        `${r.installed ? 'Đã cài / installed' : 'Đã có sẵn / already installed'}: ${s.id} ${s.version} (${s.status}), sha256 ${s.sha256}${s.issuer ? `; ký bởi / signed by ${s.issuer.name} (${s.issuer.fingerprint})` : ''}`,
      );
    });
  pack
    .command('sign')
    .description('ký một gói tiêu chí bằng khóa của hồ sơ / sign a pack with the profile\'s key')
    .argument('<file>', 'tệp gói / the pack file')
    .requiredOption('--out <file>', 'tệp .cfcpack / the .cfcpack file')
    .option('--key <keyId>', 'khóa ký / signing key id')
    .action(async (file: string, o: { out: string; key?: string }) => {
      const c = ctx();
      const passphrase = await passphraseFor(c, 'Mật khẩu khóa ký / signing key passphrase: ');
      const r = await c.service().call('packs.sign', { file, outPath: o.out, ...(o.key ? { keyId: o.key } : {}), ...(passphrase ? { passphrase } : {}) });
      c.print(r, () => `Đã ký / signed: ${r.file} (khóa / key ${r.fingerprint}, sha256 ${r.sha256})`);
    });
  pack
    .command('show')
    .description('xem một gói tiêu chí / show a criteria pack')
    .argument('<id>', 'mã gói, có thể kèm @phiên bản / pack id, optionally @version')
    .action(async (ref: string) => {
      const c = ctx();
      const at = ref.lastIndexOf('@');
      const p = await c.service().call('packs.get', at > 0 ? { id: ref.slice(0, at), version: ref.slice(at + 1) } : { id: ref });
      const s = p.summary;
      c.print(p, () => {
        const t = p.pack.recognition.thresholds;
        const lines = [
          `${s.id} ${s.version} — ${s.title.vi}`,
          `  ${s.title.en}`,
          `Trạng thái / status: ${s.status}; sha256: ${s.sha256}`,
          `Căn cứ / legal basis: ${p.pack.legalBasis.vi}`,
          `Hiệu lực / effective: ${s.effectiveDate}; tối đa / max ${viNumber(s.maxTotal)}; ngưỡng / thresholds: urban_ward ${t.urban_ward}, mountain_island_disadvantaged ${t.mountain_island_disadvantaged}, other ${t.other}`,
          '',
        ];
        for (const cr of p.pack.criteria) {
          lines.push(`${cr.id.padEnd(6)} ${clip(cr.title.vi, 70).padEnd(70)} ${String(cr.max).padStart(4)}${cr.confirmed ? '' : '*'}`);
          for (const i of cr.indicators) {
            lines.push(`  ${i.id.padEnd(4)} ${i.kind.padEnd(7)} ${String(i.max).padStart(4)}  ${rules(i)}`);
          }
        }
        lines.push('', `* chưa xác nhận / provisional. ${p.pack.provisionalNotice.vi}`);
        return lines.join('\n');
      });
    });
  pack
    .command('validate')
    .description('kiểm tra một tệp gói tiêu chí / validate a criteria pack file')
    .argument('<file>', 'tệp JSON / JSON file')
    .action(async (file: string) => {
      const c = ctx();
      const v = await c.service().call('packs.validateFile', { file });
      if (!v.ok) {
        const n = v.problems.length;
        // Each problem on its own line (field: Vietnamese / English); with --json they travel in `issues`.
        if (!c.json) for (const p of v.problems) c.io.stderr.write(`${p.message.vi} / ${p.message.en}\n`);
        throw new Rejection({
          code: 'invalid_pack',
          message: { vi: `Gói tiêu chí ${file} không hợp lệ: ${n} lỗi.`, en: `The criteria pack ${file} is invalid: ${n} problem${n === 1 ? '' : 's'}.` },
          ...(v.problems[0] ? { field: v.problems[0].field } : {}),
          ...(c.json ? { issues: v.problems } : {}),
        });
      }
      c.print(v, () => `Hợp lệ / valid: ${v.id} ${v.version} (${v.status}), sha256 ${v.sha256}`);
    });
};
