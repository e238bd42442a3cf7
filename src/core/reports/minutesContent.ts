import { CfcError } from '../errors';
import { formatInt } from '../scoring/format';
import type { ScoreResult } from '../scoring/result';
import { clean, parseReportDate, upper, valueText, vietnameseDate, type Para } from './content';
import type { ReportAncestor } from './selfAssessment';

/**
 * The assessor's minutes (*Biên bản thẩm định*, QĐ 06/QĐ-TTg 2019): the commune's and the team's points side by side,
 * the indicators the team scored differently with the reason, findings per criterion, the decision and its reasons,
 * the members and their signatures. Built here as neutral content; `./minutesDocx` and `./minutesPdf` lay it out with
 * the self-assessment report's header, page and font helpers (Nghị định 30/2020/NĐ-CP).
 */

export interface MinutesReport {
  unit: { code: string; name: string; type: string; ancestors: ReportAncestor[] };
  year: number;
  /** The commune package reviewed. */
  subject: { revision: number; manifestSha256: string; signerName: string; outcome: 'valid' | 'untrusted' };
  /** The place of the date line (the team's unit without its type). */
  place: string;
  /** YYYY-MM-DD or an ISO timestamp (its day in Viet Nam time); also dates the files, so output is deterministic. */
  date: string;
  /** The body the team belongs to, e.g. "Ủy ban nhân dân Huyện Càng Long". */
  organisation: string;
  /** Members in order: the first is the head of the team, the second the secretary. */
  team: { name: string; title: string }[];
  self: ScoreResult;
  result: ScoreResult;
  selfValues: Record<string, unknown>;
  teamValues: Record<string, unknown>;
  /** Why the team's value differs from the commune's, by indicator. */
  changeReasons: Record<string, string>;
  teamNotes: Record<string, string>;
  /** Findings by criterion id. */
  findings: Record<string, string>;
  /** null: not decided yet (the minutes are a draft). */
  decision: 'recognised' | 'not_recognised' | 'returned' | null;
  reasons: string[];
}

export interface MinutesTable {
  heading: string;
  columns: string[];
  /** Relative widths (they sum to 100). */
  widths: number[];
  /** Cells; `bold` rows are totals. */
  rows: { cells: string[]; bold?: boolean }[];
  /** Printed instead of the table when there are no rows. */
  empty: string | null;
  /** Columns centred (by index). */
  center: number[];
}

export interface MinutesContent {
  info: { title: string; subject: string; author: string; keywords: string; date: Date };
  header: { superior: string | null; organisation: string; number: string; motto: string; mottoSub: string };
  placeDate: string;
  title: string;
  subtitle: string;
  provisionalNotice: string | null;
  intro: Para[];
  members: MinutesTable;
  criteria: MinutesTable;
  differences: MinutesTable;
  findings: { heading: string; lines: Para[] };
  conclusion: { heading: string; lines: Para[] };
  /** Left: the secretary; right: the head of the team. */
  signatures: { lines: string[]; name: string }[];
  pageLabel: { prefix: string; separator: string };
}

const n = (x: number) => formatInt(x, 'vi');
const signed = (x: number) => (x > 0 ? `+${n(x)}` : x < 0 ? `−${n(-x)}` : '0');

const VERDICT: Record<ScoreResult['verdict'], string> = { recognised: 'Đạt', not_recognised: 'Chưa đạt', incomplete: 'Chưa đủ dữ liệu' };

function headerOrganisation(organisation: string): string {
  const u = upper(organisation).replace(/^UỶ BAN/, 'ỦY BAN');
  const prefix = 'ỦY BAN NHÂN DÂN ';
  return u.startsWith(prefix) && u.length > 24 ? `${prefix.trim()}\n${u.slice(prefix.length).trim()}` : u;
}

function invalid(field: string, vi: string, en: string): CfcError {
  return new CfcError('invalid_report', { vi: `Không lập được biên bản: ${vi}`, en: `Cannot produce the minutes: ${en}` }, { field });
}

export function buildMinutesContent(m: MinutesReport): MinutesContent {
  if (!m.result?.criteria?.length || !m.self?.criteria?.length) {
    throw invalid('result.criteria', 'kết quả chấm điểm không có tiêu chí nào.', 'the score result has no criteria.');
  }
  const unitName = clean(m.unit.name).trim();
  if (!unitName) throw invalid('unit.name', 'thiếu tên đơn vị.', 'the unit name is missing.');
  const organisation = clean(m.organisation).trim() || 'Đoàn thẩm định';
  const date = parseReportDate(m.date);
  const fullName = [unitName, ...[...m.unit.ancestors].reverse().map((a) => clean(a.name).trim())].filter(Boolean).join(', ');
  const team = m.team.map((t) => ({ name: clean(t.name).trim(), title: clean(t.title).trim() }));
  const roleOf = (i: number) => (i === 0 ? 'Trưởng đoàn' : i === 1 ? 'Thư ký' : 'Thành viên');
  const provisional = m.result.provisional || m.self.provisional;
  const provisionalNotice = provisional
    ? clean(m.result.provisionalNotice?.vi ?? 'Kết quả tạm tính: thang điểm của một số tiêu chí chưa được đối chiếu với văn bản gốc')
    : null;

  // Criteria side by side.
  const selfCriteria = new Map(m.self.criteria.map((c) => [c.id, c]));
  const criteriaRows: MinutesTable['rows'] = m.result.criteria.map((c) => {
    const s = selfCriteria.get(c.id);
    const sp = s?.points ?? 0;
    return { cells: [clean(c.id), clean(c.title.vi), n(c.max), n(sp), n(c.points), signed(c.points - sp)] };
  });
  criteriaRows.push({ cells: ['', 'Tổng cộng', n(m.result.maxTotal), n(m.self.total), n(m.result.total), signed(m.result.total - m.self.total)], bold: true });

  // Indicators scored differently.
  const selfInd = new Map(m.self.criteria.flatMap((c) => c.indicators.map((i) => [i.id, i] as const)));
  const diffRows: MinutesTable['rows'] = [];
  for (const c of m.result.criteria) {
    for (const ind of c.indicators) {
      const s = selfInd.get(ind.id);
      const sv = m.selfValues[ind.id];
      const tv = m.teamValues[ind.id];
      const sameValue = JSON.stringify(sv ?? null) === JSON.stringify(tv ?? null);
      const sameOverride = JSON.stringify(s?.override ?? null) === JSON.stringify(ind.override ?? null);
      if (sameValue && sameOverride && (s?.points ?? 0) === ind.points) continue;
      const why = [
        m.changeReasons[ind.id] ?? '',
        ind.override && !sameOverride ? `Điều chỉnh điểm: ${n(ind.override.points)} (${ind.override.reason})` : '',
        m.teamNotes[ind.id] ?? '',
      ]
        .map((x) => clean(x).trim())
        .filter(Boolean)
        .join('; ');
      diffRows.push({
        cells: [
          clean(ind.id),
          clean(s ? valueText(s, sv) : '—'),
          clean(valueText(ind, tv)),
          `${n(s?.points ?? 0)} → ${n(ind.points)} (${signed(ind.points - (s?.points ?? 0))})`,
          why,
        ],
      });
    }
  }

  // Findings, in pack order.
  const findings: Para[] = m.result.criteria
    .filter((c) => clean(m.findings[c.id] ?? '').trim() !== '')
    .map((c) => ({ text: clean(`- Tiêu chí ${c.id} (${c.title.vi}): ${clean(m.findings[c.id]!).trim()}`) }));
  if (findings.length === 0) findings.push({ text: 'Đoàn thẩm định không có nhận xét riêng đối với từng tiêu chí.', italic: true });

  // Conclusion and decision.
  const r = m.result;
  const conclusion: Para[] = [
    { text: `1. Tổng số điểm xã tự đánh giá: ${n(m.self.total)}/${n(m.self.maxTotal)} điểm (${VERDICT[m.self.verdict]}).` },
    { text: `2. Tổng số điểm đoàn thẩm định: ${n(r.total)}/${n(r.maxTotal)} điểm; mức điểm công nhận đối với loại đơn vị “${clean(r.unitClassTitle.vi)}”: ${n(r.threshold)} điểm.` },
    { text: `3. Kết quả chấm của đoàn: ${VERDICT[r.verdict]}${r.provisional ? ' (kết quả tạm tính)' : ''}.`, bold: true },
  ];
  for (const x of r.reasons) conclusion.push({ text: clean(`- ${x.message.vi}`) });
  const decisionText =
    m.decision === 'recognised'
      ? `4. Kết luận: Đoàn thẩm định thống nhất đề nghị công nhận ${unitName} đạt tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em năm ${m.year}.`
      : m.decision === 'not_recognised'
        ? `4. Kết luận: ${unitName} chưa đạt tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em năm ${m.year}; đoàn thẩm định đề nghị không công nhận.`
        : m.decision === 'returned'
          ? `4. Kết luận: Đoàn thẩm định trả lại hồ sơ để ${unitName} bổ sung, hoàn thiện và gửi lại.`
          : '4. Kết luận: Đoàn thẩm định chưa có quyết định (bản dự thảo biên bản).';
  conclusion.push({ text: clean(decisionText), bold: true });
  const reasons = m.reasons.map((x) => clean(x).trim()).filter(Boolean);
  if (reasons.length) {
    conclusion.push({ text: 'Lý do:' });
    for (const x of reasons) conclusion.push({ text: `- ${x}` });
  }
  if (provisionalNotice) conclusion.push({ text: `Lưu ý: ${provisionalNotice}.`, italic: true });
  conclusion.push({ text: `Biên bản được lập thành 03 bản, có giá trị như nhau; đã đọc lại cho các thành viên đoàn cùng nghe và thống nhất ký tên.` });

  const head = team[0];
  const secretary = team[1];
  const title = `Biên bản thẩm định kết quả đánh giá xã, phường, thị trấn phù hợp với trẻ em năm ${m.year}`;
  return {
    info: {
      title: clean(`${title} — ${unitName}`),
      subject: 'Quyết định 06/QĐ-TTg ngày 03/01/2019',
      author: organisation,
      keywords: clean(`${r.pack.id} ${r.pack.version} ${r.pack.sha256} ${m.subject.manifestSha256}`),
      date: date.instant,
    },
    header: {
      superior: null,
      organisation: headerOrganisation(organisation),
      number: 'Số:        /BB-ĐTĐ',
      motto: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      mottoSub: 'Độc lập - Tự do - Hạnh phúc',
    },
    placeDate: clean(`${clean(m.place).trim() || unitName}, ${vietnameseDate(date)}`),
    title: 'BIÊN BẢN THẨM ĐỊNH',
    subtitle: `Kết quả đánh giá xã, phường, thị trấn phù hợp với trẻ em năm ${m.year}`,
    provisionalNotice,
    intro: [
      {
        text:
          'Căn cứ Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ ban hành Quy định về tiêu chuẩn, ' +
          'trình tự, thủ tục đánh giá và công nhận xã, phường, thị trấn phù hợp với trẻ em;',
      },
      {
        text: clean(
          `Hôm nay, ${vietnameseDate(date)}, Đoàn thẩm định của ${organisation} đã thẩm định hồ sơ đề nghị công nhận của ${fullName} ` +
            `(mã đơn vị hành chính ${m.unit.code}; hồ sơ gửi lần thứ ${m.subject.revision}, do ${m.subject.signerName} ký số; ` +
            `mã gói ${m.subject.manifestSha256.slice(0, 12)}${m.subject.outcome === 'untrusted' ? '; khóa ký chưa được xác thực' : ''}), kết quả như sau:`,
        ),
      },
    ],
    members: {
      heading: 'I. THÀNH PHẦN ĐOÀN THẨM ĐỊNH',
      columns: ['STT', 'Họ và tên', 'Chức vụ', 'Nhiệm vụ trong đoàn'],
      widths: [8, 36, 32, 24],
      rows: team.map((t, i) => ({ cells: [String(i + 1), t.name, t.title, roleOf(i)] })),
      empty: team.length === 0 ? 'Chưa ghi thành phần đoàn thẩm định.' : null,
      center: [0],
    },
    criteria: {
      heading: 'II. KẾT QUẢ CHẤM ĐIỂM THEO TỪNG TIÊU CHÍ (XÃ TỰ CHẤM VÀ ĐOÀN THẨM ĐỊNH)',
      columns: ['TT', 'Tiêu chí', 'Điểm tối đa', 'Xã tự chấm', 'Đoàn thẩm định', 'Chênh lệch'],
      widths: [7, 45, 12, 12, 12, 12],
      rows: criteriaRows,
      empty: null,
      center: [0, 2, 3, 4, 5],
    },
    differences: {
      heading: 'III. CÁC CHỈ TIÊU ĐOÀN THẨM ĐỊNH CHẤM KHÁC KẾT QUẢ XÃ TỰ CHẤM',
      columns: ['Chỉ tiêu', 'Số liệu của xã', 'Số liệu của đoàn', 'Điểm (xã → đoàn)', 'Lý do'],
      widths: [9, 22, 22, 16, 31],
      rows: diffRows,
      empty: diffRows.length === 0 ? 'Đoàn thẩm định thống nhất với số liệu và điểm xã tự chấm ở tất cả các chỉ tiêu.' : null,
      center: [0, 3],
    },
    findings: { heading: 'IV. NHẬN XÉT, ĐÁNH GIÁ CỦA ĐOÀN THẨM ĐỊNH', lines: findings },
    conclusion: { heading: 'V. KẾT LUẬN', lines: conclusion },
    signatures: [
      { lines: ['THƯ KÝ'], name: secretary?.name ?? '' },
      { lines: ['TRƯỞNG ĐOÀN'], name: head?.name ?? '' },
    ],
    pageLabel: { prefix: 'Trang ', separator: '/' },
  };
}
