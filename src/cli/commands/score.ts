import type { CallOutput } from '../../api/contract';
import { viNumber } from '../format';
import type { Register } from '../main';

type Assessment = CallOutput<'score.file'>;

/** Display width of a string (NFC Vietnamese is one code point per letter). */
const width = (s: string) => [...s.normalize('NFC')].length;
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;
export function clip(s: string, n: number): string {
  const chars = [...s.normalize('NFC')];
  return chars.length <= n ? s : chars.slice(0, n - 1).join('') + '…';
}

const VERDICT = {
  recognised: 'ĐẠT CHUẨN / recognised',
  not_recognised: 'CHƯA ĐẠT CHUẨN / not recognised',
  incomplete: 'CHƯA ĐỦ SỐ LIỆU / incomplete',
} as const;

/** The result as an aligned table with the Vietnamese titles, then total, threshold, verdict, reasons and notices. */
export function formatAssessment(a: Assessment): string {
  const TITLE = 54;
  const pts = (p: number, m: number) => `${viNumber(p)}/${viNumber(m)}`;
  const lines: string[] = [];
  lines.push(`Gói tiêu chí / pack: ${a.pack.id} ${a.pack.version} (${a.pack.status === 'provisional' ? 'tạm tính / provisional' : 'chính thức / official'}), sha256 ${a.pack.sha256.slice(0, 16)}…`);
  lines.push(`Loại đơn vị / unit class: ${a.unitClassTitle.vi} (${a.unitClass})`);
  lines.push('');
  lines.push(`${pad('Mã', 6)} ${pad('Tiêu chí / chỉ tiêu', TITLE)} ${padStart('Điểm', 9)}  Cách tính`);
  for (const c of a.criteria) {
    lines.push(`${pad(c.id, 6)} ${pad(clip(c.title.vi, TITLE), TITLE)} ${padStart(pts(c.points, c.max), 9)}`);
    for (const i of c.indicators) {
      const mark = (i.provisional ? '*' : ' ') + (i.override ? '!' : ' ');
      lines.push(`  ${pad(i.id, 4)} ${pad(clip(i.title.vi, TITLE - 2), TITLE - 2)}${mark} ${padStart(pts(i.points, i.max), 9)}  ${i.explanation.vi}`);
    }
  }
  lines.push('');
  lines.push(`Tổng điểm / total: ${pts(a.total, a.maxTotal)}   Mức công nhận / threshold: ${viNumber(a.threshold)}`);
  lines.push(`Kết luận / verdict: ${VERDICT[a.verdict]}`);
  if (a.reasons.length) {
    lines.push('Lý do / reasons:');
    for (const r of a.reasons) lines.push(`  - ${r.message.vi}`, `    ${r.message.en}`);
  }
  if (a.whatIf) {
    lines.push('', `Cách nhanh nhất để đạt chuẩn / shortest path to recognition: ${a.whatIf.plan.message.vi}`);
    a.whatIf.plan.steps.forEach((s, n) => lines.push(`  ${n + 1}. ${s.text.vi}`));
  }
  if (a.criteria.some((c) => c.indicators.some((i) => i.override))) lines.push('', '! điểm đã điều chỉnh, có lý do / overridden points, with a reason');
  if (a.provisionalNotice) lines.push('', `* ${a.provisionalNotice.vi}`, `  ${a.provisionalNotice.en}`);
  return lines.join('\n');
}

export const registerScore: Register = (program, ctx) => {
  program
    .command('score')
    .description('chấm điểm một bộ số liệu đánh giá / score one assessment input (see product.md, "Score input")')
    .argument('<file>', 'tệp số liệu JSON / the JSON input file')
    .option('--pack <file|id>', 'gói tiêu chí: tệp hoặc mã[@phiên bản] / criteria pack: a file or an id[@version]')
    .action(async (file: string, opts: { pack?: string }) => {
      const c = ctx();
      // The pack chosen on the command line wins over the one the file names; scoring never opens the store.
      const result = await c.service().call('score.file', { file, ...(opts.pack ? { pack: opts.pack } : {}) });
      c.print(result, () => formatAssessment(result));
    });
};
