import { BETTER_DIRECTIONS, INDICATOR_KINDS, type IndicatorKind } from './schema';

/**
 * The layout of a criteria pack as a workbook (FORMAT.md, "The workbook"): the sheets, their columns, the Vietnamese
 * headers and which indicator kinds use which column. Shared by the writer and the reader so the two cannot drift.
 */

export const SHEETS = {
  readme: 'readme',
  pack: 'pack',
  sources: 'sources',
  criteria: 'criteria',
  indicators: 'indicators',
  brackets: 'brackets',
  options: 'options',
  groups: 'groups',
} as const;

export type Col = 'text' | 'id' | 'number' | 'bool' | 'kind' | 'better' | 'date' | 'status';

/** One column: its key (the JSON path inside its row's object), its header, its type, and whether it must be filled. */
export interface Column {
  key: string;
  header: string;
  type: Col;
  required: boolean;
  /** For the indicators sheet: the kinds that use this column (others must leave it empty). */
  kinds?: readonly IndicatorKind[];
  width?: number;
}

const RATES: readonly IndicatorKind[] = ['rate', 'rate_per_n'];
const BRACKETED: readonly IndicatorKind[] = ['rate', 'rate_per_n', 'count', 'survey'];

const c = (key: string, header: string, type: Col, required = true, extra: Partial<Column> = {}): Column => ({ key, header, type, required, ...extra });

/** The key/value rows of the pack sheet (column A key, B description, C value). */
export const PACK_ROWS: Column[] = [
  c('id', 'Mã gói tiêu chí', 'id'),
  c('version', 'Phiên bản (ví dụ 1.1.0)', 'text'),
  c('title.vi', 'Tên gói (tiếng Việt)', 'text'),
  c('title.en', 'Tên gói (tiếng Anh)', 'text'),
  c('effectiveDate', 'Ngày hiệu lực (YYYY-MM-DD)', 'date'),
  c('status', 'Trạng thái: provisional (tạm thời) hoặc official (chính thức)', 'status'),
  c('provisionalNotice.vi', 'Thông báo khi kết quả tạm tính (tiếng Việt)', 'text'),
  c('provisionalNotice.en', 'Thông báo khi kết quả tạm tính (tiếng Anh)', 'text'),
  c('maxTotal', 'Tổng điểm tối đa', 'number'),
  c('recognition.noCriterionAtZero', 'Không tiêu chí nào được 0 điểm (có/không)', 'bool'),
  c('recognition.thresholds.urban_ward', 'Mức công nhận: phường thuộc quận, thị xã, thành phố của thành phố trực thuộc TW', 'number'),
  c('recognition.thresholds.mountain_island_disadvantaged', 'Mức công nhận: xã, thị trấn miền núi, hải đảo; xã đặc biệt khó khăn', 'number'),
  c('recognition.thresholds.other', 'Mức công nhận: xã, phường, thị trấn còn lại', 'number'),
  c('recognition.confirmed', 'Quy tắc công nhận đã đối chiếu văn bản gốc (có/không)', 'bool'),
  c('recognition.source', 'Nguồn của quy tắc công nhận', 'text'),
];

/** The key/value rows of the legal sources sheet. */
export const SOURCE_ROWS: Column[] = [c('legalBasis.vi', 'Căn cứ pháp lý (tiếng Việt)', 'text'), c('legalBasis.en', 'Căn cứ pháp lý (tiếng Anh)', 'text')];

export const CRITERIA_COLUMNS: Column[] = [
  c('id', 'Mã tiêu chí', 'id', true, { width: 12 }),
  c('title.vi', 'Tên tiêu chí (tiếng Việt)', 'text', true, { width: 50 }),
  c('title.en', 'Tên tiêu chí (tiếng Anh)', 'text', true, { width: 40 }),
  c('max', 'Điểm tối đa', 'number', true, { width: 12 }),
  c('confirmed', 'Đã đối chiếu (có/không)', 'bool', true, { width: 14 }),
  c('source', 'Nguồn', 'text', true, { width: 50 }),
];

export const INDICATOR_COLUMNS: Column[] = [
  c('criterion', 'Mã tiêu chí', 'id', true, { width: 12 }),
  c('id', 'Mã chỉ tiêu', 'id', true, { width: 12 }),
  c('kind', 'Loại chỉ tiêu', 'kind', true, { width: 14 }),
  c('title.vi', 'Tên chỉ tiêu (tiếng Việt)', 'text', true, { width: 50 }),
  c('title.en', 'Tên chỉ tiêu (tiếng Anh)', 'text', true, { width: 40 }),
  c('max', 'Điểm tối đa', 'number', true, { width: 12 }),
  c('confirmed', 'Đã đối chiếu (có/không)', 'bool', true, { width: 14 }),
  c('source', 'Nguồn', 'text', true, { width: 40 }),
  c('better', 'Chiều tốt hơn (higher: cao hơn / lower: thấp hơn)', 'better', true, { kinds: ['rate', 'rate_per_n', 'count'], width: 14 }),
  c('per', 'N của tỷ suất (số trường hợp trên N người)', 'number', true, { kinds: ['rate_per_n'], width: 14 }),
  c('numeratorLabel.vi', 'Tử số đếm gì (tiếng Việt)', 'text', true, { kinds: RATES, width: 30 }),
  c('numeratorLabel.en', 'Tử số đếm gì (tiếng Anh)', 'text', true, { kinds: RATES, width: 30 }),
  c('denominatorLabel.vi', 'Mẫu số đếm gì (tiếng Việt)', 'text', true, { kinds: RATES, width: 30 }),
  c('denominatorLabel.en', 'Mẫu số đếm gì (tiếng Anh)', 'text', true, { kinds: RATES, width: 30 }),
  c('countLabel.vi', 'Đếm gì (tiếng Việt)', 'text', true, { kinds: ['count'], width: 30 }),
  c('countLabel.en', 'Đếm gì (tiếng Anh)', 'text', true, { kinds: ['count'], width: 30 }),
  c('satisfiedWhen.vi', 'Khi nào được coi là hài lòng (tiếng Việt)', 'text', true, { kinds: ['survey'], width: 30 }),
  c('satisfiedWhen.en', 'Khi nào được coi là hài lòng (tiếng Anh)', 'text', true, { kinds: ['survey'], width: 30 }),
  c('otherwise.confirmed', 'Mức "còn lại → 0 điểm" đã đối chiếu (có/không)', 'bool', true, { kinds: BRACKETED, width: 16 }),
  c('otherwise.source', 'Nguồn của mức "còn lại → 0 điểm"', 'text', true, { kinds: BRACKETED, width: 30 }),
  c('denominatorZero.points', 'Điểm khi mẫu số bằng 0', 'number', true, { kinds: RATES, width: 14 }),
  c('denominatorZero.confirmed', 'Điểm khi mẫu số bằng 0 đã đối chiếu (có/không)', 'bool', true, { kinds: RATES, width: 16 }),
  c('denominatorZero.source', 'Nguồn của điểm khi mẫu số bằng 0', 'text', true, { kinds: RATES, width: 30 }),
];

export const BRACKET_COLUMNS: Column[] = [
  c('indicator', 'Mã chỉ tiêu', 'id', true, { width: 12 }),
  c('threshold', 'Ngưỡng (%, số trường hợp trên N, hoặc số lượng)', 'number', true, { width: 18 }),
  c('points', 'Điểm', 'number', true, { width: 10 }),
  c('confirmed', 'Đã đối chiếu (có/không)', 'bool', true, { width: 14 }),
  c('source', 'Nguồn', 'text', true, { width: 60 }),
];

export const OPTION_COLUMNS: Column[] = [
  c('indicator', 'Mã chỉ tiêu', 'id', true, { width: 12 }),
  c('id', 'Mã phương án', 'id', true, { width: 14 }),
  c('title.vi', 'Phương án (tiếng Việt)', 'text', true, { width: 40 }),
  c('title.en', 'Phương án (tiếng Anh)', 'text', true, { width: 40 }),
  c('points', 'Điểm', 'number', true, { width: 10 }),
  c('confirmed', 'Đã đối chiếu (có/không)', 'bool', true, { width: 14 }),
  c('source', 'Nguồn', 'text', true, { width: 50 }),
];

export const GROUP_COLUMNS: Column[] = [
  c('indicator', 'Mã chỉ tiêu', 'id', true, { width: 12 }),
  c('id', 'Mã nhóm', 'id', true, { width: 14 }),
  c('title.vi', 'Nhóm người trả lời (tiếng Việt)', 'text', true, { width: 30 }),
  c('title.en', 'Nhóm người trả lời (tiếng Anh)', 'text', true, { width: 30 }),
  c('minRespondents', 'Số người trả lời tối thiểu', 'number', true, { width: 14 }),
  c('confirmed', 'Đã đối chiếu (có/không)', 'bool', true, { width: 14 }),
  c('source', 'Nguồn', 'text', true, { width: 50 }),
];

/** The yes/no words of boolean cells: written as "có"/"không", read also as yes/no, true/false. */
export const YES = 'có';
export const NO = 'không';
export const YES_WORDS = new Set(['có', 'co', 'yes', 'true', 'x', '1']);
export const NO_WORDS = new Set(['không', 'khong', 'no', 'false', '0']);

/** The data validation lists, derived from the schema (never a copy). */
export const LISTS = {
  kind: INDICATOR_KINDS,
  better: BETTER_DIRECTIONS,
  bool: [YES, NO],
  status: ['provisional', 'official'],
} as const;

/** The column letter of a 0-based index (0 → A). */
export function colLetter(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
