import ExcelJS from 'exceljs';
import { CfcError, type Bilingual, type FieldIssue } from '../errors';
import { canonicalSha256 } from './hash';
import type { LoadedPack } from './schema';
import { validatePack } from './validate';
import {
  BRACKET_COLUMNS,
  CRITERIA_COLUMNS,
  GROUP_COLUMNS,
  INDICATOR_COLUMNS,
  LISTS,
  NO_WORDS,
  OPTION_COLUMNS,
  PACK_ROWS,
  SHEETS,
  SOURCE_ROWS,
  YES_WORDS,
  colLetter,
  type Column,
} from './xlsxLayout';

/**
 * Reads a criteria pack workbook (xlsx.ts writes it; FORMAT.md, "The workbook"). Steps:
 *   1. open the workbook; every sheet of the layout is there;
 *   2. each table's header row is the layout's (compared as typed: NFC, spaces collapsed, case ignored);
 *   3. each cell is read by its column's type, texts in Unicode NFC (a text where a number belongs, an unknown
 *      kind, an empty required cell, a filled cell the row's kind does not use: each named by its cell);
 *   4. rows are joined (indicators to criteria, brackets/options/groups to indicators) by id;
 *   5. the pack is validated as any pack, and each problem is named by the cell its JSON path came from.
 * Any problem: one `invalid_pack` listing them all, each `field` a cell ("brackets!C14"); nothing is returned.
 */

type Obj = Record<string, unknown>;

class Reader {
  readonly problems: FieldIssue[] = [];
  /** JSON path in the pack → the cell it was read from. */
  readonly cells = new Map<string, string>();

  add(cell: string, vi: string, en: string): void {
    this.problems.push({ field: cell, message: { vi: `${cell}: ${vi}`, en: `${cell}: ${en}` } });
  }

  /** Reads one cell by its column's type; undefined when empty (a problem is recorded when it is required). */
  read(ws: ExcelJS.Worksheet, row: number, colIndex: number, col: Column, required: boolean): unknown {
    const cell = `${ws.name}!${colLetter(colIndex)}${row}`;
    const v = plain(ws.getCell(row, colIndex + 1).value);
    if (v === undefined) {
      if (required) this.add(cell, `ô trống: cần "${col.header}"`, `empty cell: "${col.key}" is required`);
      return undefined;
    }
    if (typeof v === 'object' && 'error' in v) {
      this.add(cell, `ô có lỗi công thức ${String(v.error)}`, `the cell holds a formula error ${String(v.error)}`);
      return undefined;
    }
    const shown = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    switch (col.type) {
      case 'text':
      case 'id':
        return shown;
      case 'date':
        return shown;
      case 'number': {
        if (typeof v === 'number') return v;
        const m = typeof v === 'string' ? /^\s*(\d+)(?:[.,](\d+))?\s*$/.exec(v) : null;
        if (m) return Number(`${m[1]}.${m[2] ?? '0'}`);
        this.add(cell, `cần một số, nhận được "${shown}"`, `expected a number, got "${shown}"`);
        return undefined;
      }
      case 'bool': {
        if (typeof v === 'boolean') return v;
        const w = shown.trim().toLowerCase();
        if (YES_WORDS.has(w)) return true;
        if (NO_WORDS.has(w)) return false;
        this.add(cell, `cần "có" hoặc "không", nhận được "${shown}"`, `expected "có" (yes) or "không" (no), got "${shown}"`);
        return undefined;
      }
      case 'kind':
      case 'better':
      case 'status': {
        const list: readonly string[] = LISTS[col.type];
        const w = shown.trim();
        if (list.includes(w)) return w;
        const what = { kind: ['loại chỉ tiêu', 'indicator kind'], better: ['chiều tốt hơn', 'direction'], status: ['trạng thái', 'status'] }[col.type];
        this.add(cell, `${what[0]} "${shown}" không có; chọn một trong ${list.join(', ')}`, `unknown ${what[1]} "${shown}"; choose one of ${list.join(', ')}`);
        return undefined;
      }
    }
  }
}

/** A cell's value as plain data: formulas give their result, rich text and hyperlinks their text; blank is undefined. */
function plain(v: ExcelJS.CellValue): string | number | boolean | Date | { error: unknown } | undefined {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('error' in v) return { error: v.error };
    if ('result' in v) return plain((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('richText' in v) return plain(v.richText.map((t) => t.text).join(''));
    if ('text' in v) return plain((v as ExcelJS.CellHyperlinkValue).text);
    return undefined;
  }
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.normalize('NFC');
  return v;
}

/**
 * A header as typed, for comparison: Unicode NFC (Vietnamese keyboards may type "tổ hợp", decomposed, forms), spaces
 * collapsed, case ignored. "Tên  tiêu chí (TIẾNG VIỆT)" is the header "Tên tiêu chí (tiếng Việt)".
 */
function headerKey(h: string): string {
  return h.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi');
}

function setPath(obj: Obj, key: string, value: unknown): void {
  const parts = key.split('.');
  let o = obj;
  for (const k of parts.slice(0, -1)) o = (o[k] ??= {}) as Obj;
  o[parts[parts.length - 1]!] = value;
}

function sheet(wb: ExcelJS.Workbook, name: string, r: Reader): ExcelJS.Worksheet | null {
  const ws = wb.getWorksheet(name);
  if (!ws) r.add(name, `thiếu trang "${name}"`, `the sheet "${name}" is missing`);
  return ws ?? null;
}

/** Key/value rows (column A key, C value) into `target`, recording each path's cell. */
function readKeyValues(ws: ExcelJS.Worksheet, rows: Column[], target: Obj, r: Reader): void {
  const at = new Map<string, number>();
  for (let i = 2; i <= ws.rowCount; i++) {
    const k = plain(ws.getCell(i, 1).value);
    if (typeof k === 'string' && !at.has(k.trim())) at.set(k.trim(), i);
  }
  for (const col of rows) {
    const row = at.get(col.key);
    if (row === undefined) {
      r.add(`${ws.name}!A`, `thiếu dòng "${col.key}" (${col.header})`, `the row "${col.key}" is missing`);
      continue;
    }
    const v = r.read(ws, row, 2, col, col.required);
    r.cells.set(col.key, `${ws.name}!C${row}`);
    if (v !== undefined) setPath(target, col.key, v);
  }
}

/** The data rows of a table sheet after checking its headers: [row number, is the row blank]. */
function tableRows(ws: ExcelJS.Worksheet, columns: Column[], r: Reader): number[] {
  columns.forEach((col, i) => {
    const h = plain(ws.getCell(1, i + 1).value);
    if (typeof h !== 'string' || headerKey(h) !== headerKey(col.header)) {
      r.add(`${ws.name}!${colLetter(i)}1`, `tiêu đề cột phải là "${col.header}", đang là "${h === undefined ? '' : String(h)}"`, `the column header must be "${col.header}" (${col.key}), found "${h === undefined ? '' : String(h)}"`);
    }
  });
  const rows: number[] = [];
  for (let i = 2; i <= ws.rowCount; i++) {
    if (columns.some((_c, ci) => plain(ws.getCell(i, ci + 1).value) !== undefined)) rows.push(i);
  }
  return rows;
}

interface IndicatorRef {
  path: string;
  obj: Obj;
  kind: string | undefined;
  cell: string;
}

/** Reads a workbook into a pack object (not yet validated) and where each of its values came from. */
async function readWorkbook(data: Buffer, r: Reader): Promise<Obj | null> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch (e) {
    r.add('(workbook)', `không đọc được bảng tính XLSX: ${(e as Error).message}`, `not a readable XLSX workbook: ${(e as Error).message}`);
    return null;
  }
  const ws = Object.fromEntries(Object.values(SHEETS).map((n) => [n, n === SHEETS.readme ? null : sheet(wb, n, r)])) as Record<string, ExcelJS.Worksheet | null>;
  if (r.problems.length > 0) return null;
  const pack: Obj = { format: 'cfc-criteria-pack', formatVersion: 1 };
  readKeyValues(ws[SHEETS.pack]!, PACK_ROWS, pack, r);
  readKeyValues(ws[SHEETS.sources]!, SOURCE_ROWS, pack, r);

  // Criteria.
  const criteria: Obj[] = [];
  const criterionIndex = new Map<string, number>();
  const cws = ws[SHEETS.criteria]!;
  for (const row of tableRows(cws, CRITERIA_COLUMNS, r)) {
    const ci = criteria.length;
    const obj: Obj = { indicators: [] };
    CRITERIA_COLUMNS.forEach((col, i) => {
      const v = r.read(cws, row, i, col, col.required);
      r.cells.set(`criteria.${ci}.${col.key}`, `${cws.name}!${colLetter(i)}${row}`);
      if (v !== undefined) setPath(obj, col.key, v);
    });
    r.cells.set(`criteria.${ci}`, `${cws.name}!A${row}`);
    r.cells.set(`criteria.${ci}.indicators`, `${cws.name}!A${row}`);
    if (typeof obj['id'] === 'string' && !criterionIndex.has(obj['id'])) criterionIndex.set(obj['id'], ci);
    criteria.push(obj);
  }
  pack['criteria'] = criteria;

  // Indicators, each under its criterion in sheet order.
  const indicators = new Map<string, IndicatorRef>();
  const iws = ws[SHEETS.indicators]!;
  for (const row of tableRows(iws, INDICATOR_COLUMNS, r)) {
    const kindCol = INDICATOR_COLUMNS.findIndex((c) => c.key === 'kind');
    const kind = r.read(iws, row, kindCol, INDICATOR_COLUMNS[kindCol]!, true) as string | undefined;
    const critCell = `${iws.name}!A${row}`;
    const critId = r.read(iws, row, 0, INDICATOR_COLUMNS[0]!, true) as string | undefined;
    const ci = critId === undefined ? undefined : criterionIndex.get(critId);
    if (critId !== undefined && ci === undefined) r.add(critCell, `tiêu chí "${critId}" không có trong trang ${SHEETS.criteria}`, `criterion "${critId}" is not in the ${SHEETS.criteria} sheet`);
    const list = ci === undefined ? [] : (criteria[ci]!['indicators'] as Obj[]);
    const path = ci === undefined ? `(detached).${row}` : `criteria.${ci}.indicators.${list.length}`;
    const obj: Obj = {};
    INDICATOR_COLUMNS.forEach((col, i) => {
      if (col.key === 'criterion' || col.key === 'kind') return;
      const cell = `${iws.name}!${colLetter(i)}${row}`;
      const used = col.kinds === undefined || (kind !== undefined && col.kinds.includes(kind as never));
      if (!used) {
        if (kind !== undefined && plain(iws.getCell(row, i + 1).value) !== undefined) {
          r.add(cell, `loại ${kind} không dùng cột "${col.header}"; để trống ô này`, `kind ${kind} does not use the column "${col.key}"; leave the cell empty`);
        }
        return;
      }
      const v = r.read(iws, row, i, col, col.required);
      r.cells.set(`${path}.${col.key}`, cell);
      if (v !== undefined) setPath(obj, col.key, v);
    });
    if (kind !== undefined) obj['kind'] = kind;
    r.cells.set(`${path}.kind`, `${iws.name}!${colLetter(kindCol)}${row}`);
    r.cells.set(path, `${iws.name}!B${row}`);
    if (kind === 'choice') obj['options'] = [];
    if (kind === 'survey') obj['groups'] = [];
    if (kind !== undefined && kind !== 'boolean' && kind !== 'choice') obj['brackets'] = [];
    const ref = { path, obj, kind, cell: `${iws.name}!B${row}` };
    for (const sub of ['brackets', 'options', 'groups']) r.cells.set(`${path}.${sub}`, ref.cell);
    if (typeof obj['id'] === 'string' && !indicators.has(obj['id'])) indicators.set(obj['id'], ref);
    if (ci !== undefined) list.push(obj);
  }

  // Brackets, options, groups: rows under their indicator, in sheet order.
  const children = [
    { name: SHEETS.brackets, columns: BRACKET_COLUMNS, field: 'brackets', what: ['mức điểm', 'brackets'] },
    { name: SHEETS.options, columns: OPTION_COLUMNS, field: 'options', what: ['phương án', 'options'] },
    { name: SHEETS.groups, columns: GROUP_COLUMNS, field: 'groups', what: ['nhóm khảo sát', 'survey groups'] },
  ] as const;
  for (const ch of children) {
    const sws = ws[ch.name]!;
    for (const row of tableRows(sws, ch.columns, r)) {
      const indId = r.read(sws, row, 0, ch.columns[0]!, true) as string | undefined;
      const ref = indId === undefined ? undefined : indicators.get(indId);
      const target = ref?.obj[ch.field] as Obj[] | undefined;
      if (indId !== undefined && !ref) r.add(`${sws.name}!A${row}`, `chỉ tiêu "${indId}" không có trong trang ${SHEETS.indicators}`, `indicator "${indId}" is not in the ${SHEETS.indicators} sheet`);
      else if (ref && !target && ref.kind !== undefined) r.add(`${sws.name}!A${row}`, `chỉ tiêu ${indId} (loại ${ref.kind}) không có ${ch.what[0]}`, `indicator ${indId} (kind ${ref.kind}) takes no ${ch.what[1]}`);
      const path = ref && target ? `${ref.path}.${ch.field}.${target.length}` : `(detached).${ch.name}.${row}`;
      const obj: Obj = {};
      ch.columns.forEach((col, i) => {
        if (i === 0) return;
        const v = r.read(sws, row, i, col, col.required);
        r.cells.set(`${path}.${col.key}`, `${sws.name}!${colLetter(i)}${row}`);
        if (v !== undefined) setPath(obj, col.key, v);
      });
      r.cells.set(path, `${sws.name}!A${row}`);
      target?.push(obj);
    }
  }
  for (const ref of indicators.values()) {
    for (const ch of children) {
      const list = ref.obj[ch.field] as Obj[] | undefined;
      if (list && list.length === 0) {
        r.add(ref.cell, `chỉ tiêu ${String(ref.obj['id'])} chưa có ${ch.what[0]} nào trong trang ${ch.name}`, `indicator ${String(ref.obj['id'])} has no ${ch.what[1]} in the ${ch.name} sheet`);
      }
    }
  }
  return pack;
}

/** The cell a JSON path came from: the path itself, else its nearest parent that has one. */
function cellOf(r: Reader, field: string): string {
  const parts = field.split('.');
  for (let n = parts.length; n > 0; n--) {
    const c = r.cells.get(parts.slice(0, n).join('.'));
    if (c) return c;
  }
  return SHEETS.pack;
}

/** Reads and validates a pack workbook; `invalid_pack` naming each problem's sheet and cell. */
export async function xlsxToPack(data: Buffer, origin: string): Promise<LoadedPack> {
  const r = new Reader();
  const raw = await readWorkbook(data, r);
  if (raw && r.problems.length === 0) {
    const v = validatePack(raw);
    if (v.ok) return { pack: v.pack, sha256: canonicalSha256(v.pack), origin };
    for (const p of v.problems) {
      const cell = cellOf(r, p.field);
      const strip = (m: string) => (m.startsWith(`${p.field}: `) ? m.slice(p.field.length + 2) : m);
      r.problems.push({ field: cell, message: { vi: `${cell}: ${strip(p.message.vi)}`, en: `${cell}: ${strip(p.message.en)}` } });
    }
  }
  throw invalidWorkbook(r.problems, origin);
}

function invalidWorkbook(problems: FieldIssue[], origin: string): CfcError {
  const first: Bilingual = problems[0]?.message ?? { vi: '', en: '' };
  return new CfcError(
    'invalid_pack',
    {
      vi: `Bảng tính ${origin} không phải gói tiêu chí hợp lệ (${problems.length} lỗi). ${first.vi}`,
      en: `The workbook ${origin} is not a valid criteria pack (${problems.length} problem${problems.length === 1 ? '' : 's'}). ${first.en}`,
    },
    { ...(problems[0] ? { field: problems[0].field } : {}), issues: problems },
  );
}
