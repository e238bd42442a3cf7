import { CfcError } from '../errors';
import { formatInt, formatDecimal, percentPlain } from '../scoring/format';
import type { RateValue, SurveyValue } from '../scoring/input';
import type { IndicatorResult, ScoreResult } from '../scoring/result';
import type { SelfAssessmentReport } from './selfAssessment';

/**
 * The self-assessment report as neutral content: every string the report prints, in order, already normalised to NFC
 * and free of characters that XML cannot carry. The DOCX and PDF renderers only lay this out, so the two formats
 * always say the same thing.
 */

export interface Para {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

/** One row of the criteria table (5 columns: id, title, value, points, note). */
export type CriteriaRow =
  /** The criterion's heading, spanning the whole table. */
  | { kind: 'criterion'; text: string }
  | { kind: 'indicator'; cells: [string, string, string, string, string] }
  /** The criterion's subtotal: the label spans the first three columns. */
  | { kind: 'subtotal'; label: string; points: string }
  /** The grand total, like a subtotal. */
  | { kind: 'total'; label: string; points: string };

export interface ReportContent {
  /** Document properties. */
  info: { title: string; subject: string; author: string; keywords: string; date: Date };
  header: {
    /** The superior body in capitals, or null when there is none. */
    superior: string | null;
    organisation: string;
    /** "Số:      /BC-UBND" (the number is left for the clerk). */
    number: string;
    motto: string;
    mottoSub: string;
  };
  /** "{place}, ngày dd tháng mm năm yyyy" (italic). */
  placeDate: string;
  title: string;
  subtitle: string;
  /** The pack's provisional notice, printed in a box under the title and beside the verdict; null when official. */
  provisionalNotice: string | null;
  /** Legal basis and opening sentence. */
  intro: Para[];
  general: { heading: string; lines: Para[] };
  criteria: {
    heading: string;
    columns: string[];
    /** Relative widths of the 5 columns (they sum to 100). */
    widths: number[];
    rows: CriteriaRow[];
    /** Explains the "*" after provisionally scored indicators; null if none. */
    footnote: string | null;
  };
  conclusion: { heading: string; lines: Para[] };
  evidence: { heading: string; columns: string[]; widths: number[]; rows: string[][]; empty: string | null };
  recipients: { heading: string; items: string[] };
  signature: { lines: string[]; name: string };
  /** The footer "Trang x/y" as prefix + page + separator + pages (the DOCX fills the numbers with fields). */
  pageLabel: { prefix: string; separator: string };
}

/** NFC, without the control characters XML 1.0 cannot carry (tabs and new lines become spaces / stay new lines). */
export function clean(s: string): string {
  return (
    s
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      .replace(/\t/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDFFF]/g, (c, i: number, all: string) => {
        // keep well-formed surrogate pairs, drop lone halves
        const code = c.charCodeAt(0);
        if (code <= 0xdbff) {
          const next = all.charCodeAt(i + 1);
          return next >= 0xdc00 && next <= 0xdfff ? c : '';
        }
        const prev = all.charCodeAt(i - 1);
        return prev >= 0xd800 && prev <= 0xdbff ? c : '';
      })
  );
}

/** Vietnamese capitals ("Ủy ban nhân dân xã Mỹ Cẩm" → "ỦY BAN NHÂN DÂN XÃ MỸ CẨM"). */
export function upper(s: string): string {
  return clean(s).toUpperCase().normalize('NFC');
}

function invalidReport(field: string, vi: string, en: string): CfcError {
  return new CfcError('invalid_report', { vi: `Không lập được báo cáo: ${vi}`, en: `Cannot produce the report: ${en}` }, { field });
}

function requireText(v: unknown, field: string, whatVi: string, whatEn: string): string {
  if (typeof v !== 'string' || clean(v).trim() === '') {
    throw invalidReport(field, `thiếu ${whatVi} (trường ${field}).`, `${whatEn} is missing (field ${field}).`);
  }
  return clean(v).trim();
}

/** Viet Nam's offset from UTC (no daylight saving). */
const VIETNAM_OFFSET_MS = 7 * 3600_000;

/**
 * The report date: "2026-03-05" as written, or a full ISO timestamp with its zone ("2026-03-15T20:00:00Z"), whose
 * calendar day is taken in Viet Nam time (UTC+7), so a report made in the evening is dated that evening's day.
 * `instant` is the document properties' date: the timestamp itself, or midnight UTC of a plain date.
 */
export function parseReportDate(iso: unknown): { y: number; m: number; d: number; instant: Date } {
  if (typeof iso === 'string') {
    const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    const stamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso) ? new Date(iso) : null;
    if (plain) {
      const y = Number(plain[1]);
      const m = Number(plain[2]);
      const d = Number(plain[3]);
      const t = new Date(Date.UTC(y, m - 1, d));
      if (t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d && y >= 1980) return { y, m, d, instant: t };
    } else if (stamp && !Number.isNaN(stamp.getTime())) {
      const local = new Date(stamp.getTime() + VIETNAM_OFFSET_MS);
      if (local.getUTCFullYear() >= 1980) return { y: local.getUTCFullYear(), m: local.getUTCMonth() + 1, d: local.getUTCDate(), instant: stamp };
    }
  }
  throw invalidReport(
    'date',
    `ngày báo cáo "${String(iso)}" không hợp lệ; cần dạng YYYY-MM-DD (ví dụ 2026-03-15) hoặc thời điểm ISO có múi giờ.`,
    `the report date "${String(iso)}" is not valid; expected YYYY-MM-DD (e.g. 2026-03-15) or an ISO timestamp with its zone.`,
  );
}

/**
 * "ngày 05 tháng 02 năm 2026" / "ngày 15 tháng 3 năm 2026": per Nghị định 30/2020/NĐ-CP (Phụ lục I), a day below 10
 * and the months 1 and 2 take a leading zero; the other months do not.
 */
export function vietnameseDate(d: { y: number; m: number; d: number }): string {
  const day = String(d.d).padStart(2, '0');
  const month = d.m <= 2 ? String(d.m).padStart(2, '0') : String(d.m);
  return `ngày ${day} tháng ${month} năm ${d.y}`;
}

/** "98.33" → "98,33" (two decimals kept, as a table of rates reads best aligned). */
function percentVi(plain: string): string {
  const [int = '0', frac = ''] = plain.split('.');
  return `${formatInt(Number(int), 'vi')}${frac ? ',' + frac : ''}`;
}

function isRate(v: unknown): v is RateValue {
  return typeof v === 'object' && v !== null && typeof (v as RateValue).numerator === 'number' && typeof (v as RateValue).denominator === 'number';
}
function isSurvey(v: unknown): v is SurveyValue {
  return typeof v === 'object' && v !== null && typeof (v as SurveyValue).groups === 'object' && (v as SurveyValue).groups !== null;
}

/** The value as entered, in readable Vietnamese ("118/120 (98,33%)", "Có", "Trẻ em: 36/40; …"). */
export function valueText(ind: IndicatorResult, v: unknown): string {
  if (v === undefined || v === null) return 'Chưa nhập số liệu';
  switch (ind.kind) {
    case 'boolean':
      return v === true ? 'Có' : v === false ? 'Không' : String(v);
    case 'count':
      return typeof v === 'number' ? formatInt(v, 'vi') : String(v);
    case 'choice': {
      // The result does not carry option titles; the engine's explanation starts with the chosen title in quotes.
      const m = /^"([^"]*)"/.exec(ind.explanation.vi);
      return m?.[1] ?? String(v);
    }
    case 'rate': {
      if (!isRate(v)) return String(v);
      const frac = `${formatInt(v.numerator, 'vi')}/${formatInt(v.denominator, 'vi')}`;
      if (v.denominator === 0) return `${frac} (không có trường hợp nào thuộc diện)`;
      return `${frac} (${percentVi(percentPlain(v.numerator, v.denominator, 2))}%)`;
    }
    case 'rate_per_n': {
      // The rate per N is in the engine's explanation ("3/2.000 = 1,5/1.000 ≤ …"); the value is the fraction.
      if (!isRate(v)) return String(v);
      const frac = `${formatInt(v.numerator, 'vi')}/${formatInt(v.denominator, 'vi')}`;
      return v.denominator === 0 ? `${frac} (không có trường hợp nào thuộc diện)` : frac;
    }
    case 'survey': {
      if (!isSurvey(v)) return String(v);
      const titles = new Map((ind.groups ?? []).map((g) => [g.id, g.title.vi]));
      const ids = [...(ind.groups ?? []).map((g) => g.id).filter((id) => id in v.groups), ...Object.keys(v.groups).filter((id) => !titles.has(id))];
      let r = 0;
      let s = 0;
      const parts = ids.map((id) => {
        const t = v.groups[id] ?? { respondents: 0, satisfied: 0 };
        r += t.respondents;
        s += t.satisfied;
        return `${titles.get(id) ?? id}: ${formatInt(t.satisfied, 'vi')}/${formatInt(t.respondents, 'vi')}`;
      });
      if (parts.length === 0) return 'Chưa nhập số liệu';
      const below = (ind.groups ?? []).filter((g) => g.id in v.groups && g.respondents < g.minRespondents);
      const pct = r > 0 ? ` (${percentVi(percentPlain(s, r, 2))}%)` : '';
      const minNote = below.length
        ? `; chưa đủ số người trả lời tối thiểu: ${below.map((g) => `${g.title.vi} cần ít nhất ${formatInt(g.minRespondents, 'vi')}`).join(', ')}`
        : '';
      return `${parts.join('; ')}${pct}${minNote}`;
    }
  }
}

/** The points cell: "40/50", with the override and its reason, "*" when scored by a provisional rule. */
function pointsText(ind: IndicatorResult): string {
  const star = ind.provisional ? '*' : '';
  const base = `${formatInt(ind.points, 'vi')}/${formatInt(ind.max, 'vi')}${star}`;
  if (ind.status === 'missing') return `${base}\n(chưa có số liệu)`;
  if (ind.status === 'not_scorable' && !ind.override) return `${base}\n(chưa chấm được)`;
  if (ind.override) {
    const computed = ind.computed === null ? 'chưa tính được' : formatInt(ind.computed, 'vi');
    return `${base}\n(điều chỉnh: ${formatInt(ind.override.points, 'vi')}, điểm tính theo số liệu: ${computed}; lý do: ${ind.override.reason})`;
  }
  return base;
}

/** "12 B", "3,4 KB", "1,2 MB" (binary units, one decimal, Vietnamese comma). */
export function sizeText(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${formatInt(Math.round(bytes), 'vi')} B`;
  const units = ['KB', 'MB', 'GB'];
  let unit = 0;
  let scaled = bytes / 1024;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  const tenths = Math.round(scaled * 10);
  return `${formatDecimal(`${Math.floor(tenths / 10)}.${tenths % 10}`, 'vi')} ${units[unit]}`;
}

const VERDICT_WORDS: Record<ScoreResult['verdict'], string> = {
  recognised: 'Đạt',
  not_recognised: 'Chưa đạt',
  incomplete: 'Chưa đủ dữ liệu',
};

/** The signature block: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"; a deputy signs "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH". */
function signatureLines(organisation: string, title: string): string[] {
  const org = upper(organisation);
  const body = org.startsWith('ỦY BAN NHÂN DÂN') || org.startsWith('UỶ BAN NHÂN DÂN') || org.startsWith('UBND') ? 'ỦY BAN NHÂN DÂN' : org;
  const t = upper(title);
  if (t.startsWith('PHÓ CHỦ TỊCH')) return [`TM. ${body}`, 'KT. CHỦ TỊCH', t];
  return [`TM. ${body}`, t];
}

/**
 * The issuing body in capitals for the header. "ỦY BAN NHÂN DÂN XÃ …" is too wide for the header's left column in one
 * line, so it breaks after "ỦY BAN NHÂN DÂN", as administrative documents set it.
 */
function headerOrganisation(organisation: string): string {
  const u = upper(organisation).replace(/^UỶ BAN/, 'ỦY BAN');
  const prefix = 'ỦY BAN NHÂN DÂN ';
  return u.startsWith(prefix) && u.length > 24 ? `${prefix.trim()}\n${u.slice(prefix.length).trim()}` : u;
}

/** The superior line of the header: "UBND HUYỆN CÀNG LONG" ("UBND " is added when the name lacks it). */
function superiorLine(superior: string): string | null {
  const s = clean(superior).trim();
  if (!s) return null;
  const u = upper(s);
  if (u.startsWith('UBND') || u.startsWith('ỦY BAN') || u.startsWith('UỶ BAN')) return u;
  return `UBND ${u}`;
}

/** Builds the content; rejects a report the renderers cannot print faithfully, with a bilingual `invalid_report`. */
export function buildReportContent(report: SelfAssessmentReport): ReportContent {
  if (typeof report !== 'object' || report === null) {
    throw invalidReport('(root)', 'dữ liệu báo cáo trống.', 'the report data is empty.');
  }
  const result = report.result;
  if (!result || !Array.isArray(result.criteria) || result.criteria.length === 0) {
    throw new CfcError(
      'report_no_criteria',
      {
        vi: 'Không lập được báo cáo tự đánh giá: kết quả chấm điểm không có tiêu chí nào. Hãy chấm điểm đủ 13 tiêu chí trước khi xuất báo cáo.',
        en: 'Cannot produce the self-assessment report: the score result has no criteria. Score the 13 criteria before exporting the report.',
      },
      { field: 'result.criteria' },
    );
  }
  const unitName = requireText(report.unit?.name, 'unit.name', 'tên đơn vị', 'the unit name');
  const organisation = requireText(report.organisation, 'organisation', 'tên cơ quan ban hành báo cáo', 'the issuing body');
  const place = requireText(report.place, 'place', 'địa danh ghi ở dòng ngày tháng', 'the place of the date line');
  // An unnamed signer leaves the space blank for the name to be written by hand (the DOCX is meant to be edited).
  const signerName = clean(report.signer?.name ?? '').trim();
  const signerTitle = clean(report.signer?.title ?? '').trim() || 'Chủ tịch';
  if (!Number.isInteger(report.year) || report.year < 2000 || report.year > 2999) {
    throw invalidReport('year', `năm đánh giá "${String(report.year)}" không hợp lệ.`, `the assessment year "${String(report.year)}" is not valid.`);
  }
  const date = parseReportDate(report.date);
  const values = report.values ?? {};
  const notes = report.notes ?? {};
  const provisionalNotice = result.provisional ? clean(result.provisionalNotice?.vi ?? 'Kết quả tạm tính: thang điểm của một số tiêu chí chưa được đối chiếu với văn bản gốc') : null;
  const n = (x: number) => formatInt(x, 'vi');
  const unitClassTitle = clean(result.unitClassTitle.vi);
  const superior = superiorLine(report.superior ?? '');

  const ancestors = [...(report.unit.ancestors ?? [])].reverse().map((a) => clean(a.name).trim()).filter(Boolean);
  const fullName = [unitName, ...ancestors].join(', ');

  // The criteria table.
  const rows: CriteriaRow[] = [];
  let anyStar = false;
  for (const c of result.criteria) {
    rows.push({ kind: 'criterion', text: clean(`Tiêu chí ${c.id}. ${c.title.vi}`) });
    for (const ind of c.indicators) {
      anyStar ||= ind.provisional;
      rows.push({
        kind: 'indicator',
        cells: [clean(ind.id), clean(ind.title.vi), clean(valueText(ind, values[ind.id])), clean(pointsText(ind)), clean(notes[ind.id] ?? '').trim()],
      });
    }
    rows.push({ kind: 'subtotal', label: clean(`Cộng tiêu chí ${c.id}`), points: `${n(c.points)}/${n(c.max)}${c.provisional ? '*' : ''}` });
  }
  rows.push({ kind: 'total', label: 'Tổng cộng', points: `${n(result.total)}/${n(result.maxTotal)}` });

  // The verdict.
  const verdictWord = VERDICT_WORDS[result.verdict];
  const conclusion: Para[] = [
    { text: `1. Tổng số điểm tự đánh giá: ${n(result.total)}/${n(result.maxTotal)} điểm.` },
    { text: clean(`2. Mức điểm để được công nhận đối với loại đơn vị “${unitClassTitle}”: ${n(result.threshold)} điểm.`) },
    { text: `3. Kết quả tự đánh giá: ${verdictWord}${result.provisional ? ' (kết quả tạm tính)' : ''}.`, bold: true },
  ];
  if (result.reasons.length > 0) {
    conclusion.push({ text: 'Lý do:' });
    for (const r of result.reasons) conclusion.push({ text: clean(`- ${r.message.vi}`) });
  }
  if (provisionalNotice) conclusion.push({ text: `Lưu ý: ${provisionalNotice}.`, italic: true });
  const to = superior ? clean(report.superior).trim() : 'cấp có thẩm quyền';
  const proposal =
    result.verdict === 'recognised'
      ? `4. ${organisation} đề nghị ${to} xem xét, công nhận ${unitName} đạt tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em năm ${report.year}.`
      : result.verdict === 'incomplete'
        ? `4. ${organisation} tiếp tục thu thập, bổ sung số liệu của các chỉ tiêu còn thiếu trước khi đề nghị xét công nhận.`
        : `4. ${organisation} tiếp tục chỉ đạo khắc phục các chỉ tiêu chưa đạt để đề nghị xét công nhận trong kỳ đánh giá tiếp theo.`;
  conclusion.push({ text: clean(proposal) });

  // The evidence, in the pack's indicator order, then by file name.
  const order = new Map<string, number>();
  result.criteria.forEach((c) => c.indicators.forEach((i) => order.set(i.id, order.size)));
  const evidence = [...(report.evidence ?? [])].sort(
    (a, b) => (order.get(a.indicatorId) ?? 1e9) - (order.get(b.indicatorId) ?? 1e9) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );

  const general: Para[] = [
    { text: clean(`- Đơn vị: ${fullName} (mã đơn vị hành chính: ${report.unit.code}).`) },
    { text: clean(`- Loại đơn vị: ${unitClassTitle}; mức điểm công nhận: ${n(result.threshold)}/${n(result.maxTotal)} điểm.`) },
  ];
  if (report.unitClassReason && clean(report.unitClassReason).trim()) {
    const reason = clean(report.unitClassReason).trim();
    general.push({ text: `- Căn cứ xác định loại đơn vị: ${reason}${/[.!?]$/.test(reason) ? '' : '.'}` });
  }
  general.push({
    text: clean(
      `- Bộ tiêu chí dùng để chấm điểm: ${result.pack.title.vi}, phiên bản ${result.pack.version}` +
        ` (${result.pack.status === 'official' ? 'chính thức' : 'tạm tính'}; mã kiểm tra SHA-256 ${result.pack.sha256.slice(0, 12)}); lần đánh giá thứ ${report.revision}.`,
    ),
  });

  const title = `Báo cáo kết quả tự đánh giá xã, phường, thị trấn phù hợp với trẻ em năm ${report.year}`;
  return {
    info: {
      title: clean(`${title} — ${unitName}`),
      subject: 'Quyết định 06/QĐ-TTg ngày 03/01/2019',
      author: organisation,
      keywords: clean(`${result.pack.id} ${result.pack.version} ${result.pack.sha256}`),
      date: date.instant,
    },
    header: {
      superior,
      organisation: headerOrganisation(organisation),
      number: 'Số:        /BC-UBND',
      motto: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      mottoSub: 'Độc lập - Tự do - Hạnh phúc',
    },
    placeDate: clean(`${place}, ${vietnameseDate(date)}`),
    title: 'BÁO CÁO',
    subtitle: `Kết quả tự đánh giá xã, phường, thị trấn phù hợp với trẻ em năm ${report.year}`,
    provisionalNotice,
    intro: [
      {
        text:
          'Căn cứ Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ ban hành Quy định về tiêu chuẩn, ' +
          'trình tự, thủ tục đánh giá và công nhận xã, phường, thị trấn phù hợp với trẻ em;',
      },
      { text: clean(`${organisation} báo cáo kết quả tự đánh giá xã, phường, thị trấn phù hợp với trẻ em năm ${report.year} như sau:`) },
    ],
    general: { heading: 'I. THÔNG TIN CHUNG', lines: general },
    criteria: {
      heading: 'II. KẾT QUẢ TỰ ĐÁNH GIÁ THEO TỪNG TIÊU CHÍ',
      columns: ['Mã', 'Tiêu chí, chỉ tiêu', 'Kết quả thực hiện', 'Điểm (đạt/tối đa)', 'Ghi chú'],
      widths: [8, 36, 24, 14, 18],
      rows,
      footnote: anyStar ? '(*) Điểm tính theo thang điểm tạm tính, chưa được đối chiếu với văn bản gốc.' : null,
    },
    conclusion: { heading: 'III. TỔNG HỢP KẾT QUẢ VÀ ĐỀ NGHỊ', lines: conclusion },
    evidence: {
      heading: 'IV. DANH MỤC TÀI LIỆU MINH CHỨNG',
      columns: ['STT', 'Chỉ tiêu', 'Tên tệp', 'Dung lượng', 'SHA-256 (12 ký tự đầu)'],
      widths: [8, 12, 44, 14, 22],
      rows: evidence.map((e, i) => [String(i + 1), clean(e.indicatorId), clean(e.name), sizeText(e.size), clean(e.sha256).slice(0, 12).toLowerCase()]),
      empty: evidence.length === 0 ? 'Không có tài liệu minh chứng kèm theo.' : null,
    },
    recipients: {
      heading: 'Nơi nhận:',
      items: [...(superior ? [clean(`- ${clean(report.superior).trim()} (để báo cáo);`)] : []), '- Lưu: VT.'],
    },
    signature: { lines: signatureLines(organisation, signerTitle), name: signerName },
    pageLabel: { prefix: 'Trang ', separator: '/' },
  };
}
