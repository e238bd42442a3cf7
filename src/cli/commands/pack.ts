import type { Indicator } from '../../core/criteria/schema';
import { formatInt, formatThreshold } from '../../core/scoring/format';
import { Rejection } from '../context';
import type { Register } from '../main';
import { clip } from './score';

function rules(i: Indicator): string {
  const mark = (confirmed: boolean) => (confirmed ? '' : '*');
  switch (i.kind) {
    case 'boolean':
      return `có → ${i.max}${mark(i.confirmed)}`;
    case 'choice':
      return i.options.map((o) => `${o.id} → ${o.points}${mark(o.confirmed)}`).join('; ');
    case 'count':
    case 'rate':
    case 'survey': {
      const op = i.kind === 'survey' || i.better === 'higher' ? '≥' : '≤';
      const unit = i.kind === 'count' ? '' : '%';
      const parts = i.brackets.map((b) => `${op} ${formatThreshold(b.threshold, 'vi')}${unit} → ${b.points}${mark(b.confirmed)}`);
      parts.push(`còn lại → 0${mark(i.otherwise.confirmed)}`);
      if (i.kind === 'rate') parts.push(`0/0 → ${i.denominatorZero.points}${mark(i.denominatorZero.confirmed)}`);
      if (i.kind === 'survey') parts.push(`mỗi nhóm ≥ ${i.groups.map((g) => `${g.minRespondents} ${g.title.vi.toLowerCase()}`).join(', ')}`);
      return parts.join('; ');
    }
  }
}

export const registerPack: Register = (program, ctx) => {
  const pack = program.command('pack').description('gói tiêu chí / criteria packs');
  pack
    .command('list')
    .description('các gói tiêu chí có sẵn / the built-in criteria packs')
    .action(async () => {
      const c = ctx();
      const { packRegistry, packSummary } = await import('../../core/criteria/registry');
      const items = packRegistry(c.resourcesDir).list().map(packSummary);
      c.print({ items }, () =>
        items.map((p) => `${p.id.padEnd(12)} ${p.version.padEnd(8)} ${p.status.padEnd(11)} ${p.sha256.slice(0, 16)}  ${p.title.vi}`).join('\n'),
      );
    });
  pack
    .command('show')
    .description('xem một gói tiêu chí / show a criteria pack')
    .argument('<id>', 'mã gói, có thể kèm @phiên bản / pack id, optionally @version')
    .action(async (ref: string) => {
      const c = ctx();
      const { packRegistry, packSummary } = await import('../../core/criteria/registry');
      const at = ref.lastIndexOf('@');
      const p = packRegistry(c.resourcesDir).require(at > 0 ? ref.slice(0, at) : ref, at > 0 ? ref.slice(at + 1) : undefined, 'id');
      const s = packSummary(p);
      c.print({ summary: s, pack: p.pack }, () => {
        const t = p.pack.recognition.thresholds;
        const lines = [
          `${s.id} ${s.version} — ${s.title.vi}`,
          `  ${s.title.en}`,
          `Trạng thái / status: ${s.status}; sha256: ${s.sha256}`,
          `Căn cứ / legal basis: ${p.pack.legalBasis.vi}`,
          `Hiệu lực / effective: ${s.effectiveDate}; tối đa / max ${formatInt(s.maxTotal, 'vi')}; ngưỡng / thresholds: urban_ward ${t.urban_ward}, mountain_island_disadvantaged ${t.mountain_island_disadvantaged}, other ${t.other}`,
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
      const { validatePackFile } = await import('../../core/criteria/registry');
      const v = validatePackFile(file);
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
      c.print({ ok: true, id: v.pack.id, version: v.pack.version, sha256: v.sha256, status: v.pack.status }, () =>
        `Hợp lệ / valid: ${v.pack.id} ${v.pack.version} (${v.pack.status}), sha256 ${v.sha256}`,
      );
    });
};
