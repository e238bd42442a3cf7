import ExcelJS from 'exceljs';
import type { Indicator, Pack } from './schema';
import {
  BRACKET_COLUMNS,
  CRITERIA_COLUMNS,
  GROUP_COLUMNS,
  INDICATOR_COLUMNS,
  LISTS,
  NO,
  OPTION_COLUMNS,
  PACK_ROWS,
  SHEETS,
  SOURCE_ROWS,
  YES,
  colLetter,
  type Column,
} from './xlsxLayout';

/**
 * A criteria pack as a workbook a person can edit (FORMAT.md, "The workbook"): `packToXlsx` writes it, `xlsxToPack`
 * (xlsxRead.ts) reads it back. The built-in pack survives the round trip with the same canonical SHA-256.
 */

/** The value at a dotted path of an object ("title.vi"). */
export function getPath(obj: unknown, key: string): unknown {
  let v: unknown = obj;
  for (const k of key.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function cellValue(col: Column, v: unknown): ExcelJS.CellValue {
  if (v === undefined || v === null) return null;
  if (col.type === 'bool') return v === true ? YES : NO;
  if (col.type === 'number') return v as number;
  return String(v);
}

const ROWS_WITH_LISTS = 500;

function listFormula(values: readonly string[]): string {
  return `"${values.join(',')}"`;
}

function listFor(col: Column): readonly string[] | null {
  switch (col.type) {
    case 'kind':
      return LISTS.kind;
    case 'better':
      return LISTS.better;
    case 'bool':
      return LISTS.bool;
    case 'status':
      return LISTS.status;
    default:
      return null;
  }
}

function validation(list: readonly string[]): ExcelJS.DataValidation {
  return {
    type: 'list',
    allowBlank: true,
    formulae: [listFormula(list)],
    showErrorMessage: true,
    errorTitle: 'Giá trị không hợp lệ',
    error: `Chọn một trong: ${list.join(', ')}`,
  };
}

/** A table sheet: Vietnamese headers (with the field key as a note), one row per record, lists on the typed columns. */
function tableSheet(wb: ExcelJS.Workbook, name: string, columns: Column[], rows: unknown[]): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((col) => ({ header: col.header, key: col.key, width: col.width ?? 20 }));
  columns.forEach((col, i) => {
    const cell = ws.getCell(1, i + 1);
    cell.note = `${col.key}${col.kinds ? ` — ${col.kinds.join(', ')}` : ''}`;
    cell.font = { bold: true };
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (col.type === 'id' || col.type === 'text') ws.getColumn(i + 1).numFmt = '@';
  });
  for (const r of rows) ws.addRow(columns.map((col) => cellValue(col, getPath(r, col.key))));
  columns.forEach((col, i) => {
    const list = listFor(col);
    // exceljs keeps a range validation as one <dataValidation sqref="C2:C500">; its typings omit the collection.
    const dv = (ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations;
    if (list) dv.add(`${colLetter(i)}2:${colLetter(i)}${Math.max(ROWS_WITH_LISTS, rows.length + 100)}`, validation(list));
  });
}

/** A key/value sheet: the field key, what it means, its value. */
function keyValueSheet(wb: ExcelJS.Workbook, name: string, rows: Column[], source: unknown): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name);
  ws.columns = [
    { header: 'Trường', key: 'key', width: 44 },
    { header: 'Ý nghĩa', key: 'label', width: 70 },
    { header: 'Giá trị', key: 'value', width: 60 },
  ];
  ws.getRow(1).font = { bold: true };
  ws.getColumn(3).numFmt = '@';
  rows.forEach((col, i) => {
    const row = ws.addRow([col.key, col.header, cellValue(col, getPath(source, col.key))]);
    if (col.type === 'number') row.getCell(3).numFmt = 'General';
    const list = listFor(col);
    if (list) ws.getCell(i + 2, 3).dataValidation = validation(list);
  });
  return ws;
}

const README: string[] = [
  'GÓI TIÊU CHÍ DƯỚI DẠNG BẢNG TÍNH / A CRITERIA PACK AS A WORKBOOK',
  '',
  'Sửa các trang bảng tính rồi nhập lại bằng "cfc pack from-xlsx" hoặc trong Cài đặt → Gói tiêu chí. Mỗi lỗi được báo kèm trang và ô (ví dụ brackets!C14).',
  'Edit the sheets, then read the workbook back with "cfc pack from-xlsx" or in Settings → Criteria packs. Each problem is reported with its sheet and cell.',
  '',
  'pack: mã, phiên bản, tên, ngày hiệu lực, trạng thái, tổng điểm tối đa và quy tắc công nhận (các mức điểm theo loại đơn vị).',
  'sources: căn cứ pháp lý của gói; bên dưới là danh sách các nguồn được trích dẫn (chỉ để tham khảo, không đọc lại).',
  'criteria: mỗi dòng một tiêu chí; điểm tối đa của tiêu chí phải bằng tổng điểm tối đa các chỉ tiêu của nó; các tiêu chí cộng lại bằng tổng điểm tối đa.',
  'indicators: mỗi dòng một chỉ tiêu, theo thứ tự; cột "Mã tiêu chí" cho biết chỉ tiêu thuộc tiêu chí nào. Chỉ điền các cột dùng cho loại của chỉ tiêu (ghi chú ở tiêu đề cột).',
  'brackets: các mức điểm, đọc từ trên xuống, mức tốt nhất trước; mức đầu tiên bằng điểm tối đa; điểm giảm dần.',
  'options: các phương án của chỉ tiêu loại choice. groups: các nhóm người trả lời của chỉ tiêu loại survey.',
  '',
  'Loại chỉ tiêu (kind): ' + LISTS.kind.join(', ') + '.',
  '  boolean: có/không → điểm tối đa hoặc 0.   rate: tỷ lệ phần trăm tử số/mẫu số, ngưỡng tính bằng %.',
  '  rate_per_n: tỷ suất, số trường hợp trên N người (ví dụ N = 1000), ngưỡng tính bằng số trường hợp trên N.',
  '  count: số lượng.   choice: chọn một phương án.   survey: khảo sát mức độ hài lòng theo nhóm.',
  'Chiều tốt hơn (better): higher = càng cao càng tốt (ngưỡng giảm dần), lower = càng thấp càng tốt (ngưỡng tăng dần).',
  'Đã đối chiếu: "có" khi quy tắc đã được đối chiếu với văn bản gốc, "không" khi còn tạm thời. Gói "official" không được còn quy tắc "không".',
  'Ngưỡng có tối đa 4 chữ số thập phân; điểm là số nguyên.',
];

/** Writes a pack as an XLSX workbook (a Buffer). */
export async function packToXlsx(pack: Pack): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cfc';
  wb.created = new Date(`${pack.effectiveDate}T00:00:00Z`);
  const readme = wb.addWorksheet(SHEETS.readme);
  readme.getColumn(1).width = 140;
  README.forEach((line) => readme.addRow([line]));
  readme.getRow(1).font = { bold: true };

  keyValueSheet(wb, SHEETS.pack, PACK_ROWS, pack);
  const sources = keyValueSheet(wb, SHEETS.sources, SOURCE_ROWS, pack);
  sources.addRow([]);
  sources.addRow(['Nguồn được trích dẫn (chỉ để tham khảo, không đọc lại)', 'Số quy tắc trích dẫn']).font = { italic: true };
  for (const [text, n] of citedSources(pack)) sources.addRow([text, n]);

  tableSheet(wb, SHEETS.criteria, CRITERIA_COLUMNS, pack.criteria);
  const indicators = pack.criteria.flatMap((c) => c.indicators.map((ind) => ({ criterion: c.id, ...ind })));
  tableSheet(wb, SHEETS.indicators, INDICATOR_COLUMNS, indicators);
  const withBrackets = (ind: Indicator) => ('brackets' in ind ? ind.brackets.map((b) => ({ indicator: ind.id, ...b })) : []);
  tableSheet(wb, SHEETS.brackets, BRACKET_COLUMNS, indicators.flatMap(withBrackets));
  tableSheet(wb, SHEETS.options, OPTION_COLUMNS, indicators.flatMap((ind) => (ind.kind === 'choice' ? ind.options.map((o) => ({ indicator: ind.id, ...o })) : [])));
  tableSheet(wb, SHEETS.groups, GROUP_COLUMNS, indicators.flatMap((ind) => (ind.kind === 'survey' ? ind.groups.map((g) => ({ indicator: ind.id, ...g })) : [])));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Every source text a rule of the pack cites, with how many rules cite it (most cited first). */
export function citedSources(pack: Pack): [string, number][] {
  const n = new Map<string, number>();
  const add = (s: string) => n.set(s, (n.get(s) ?? 0) + 1);
  add(pack.recognition.source);
  for (const c of pack.criteria) {
    add(c.source);
    for (const ind of c.indicators) {
      add(ind.source);
      if ('brackets' in ind) for (const b of ind.brackets) add(b.source);
      if ('otherwise' in ind) add(ind.otherwise.source);
      if ('denominatorZero' in ind) add(ind.denominatorZero.source);
      if (ind.kind === 'choice') for (const o of ind.options) add(o.source);
      if (ind.kind === 'survey') for (const g of ind.groups) add(g.source);
    }
  }
  return [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
