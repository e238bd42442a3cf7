import path from 'node:path';
import ExcelJS from 'exceljs';
import { throwIfCancelled } from '../cancel';
import { CfcError } from '../errors';
import {
  communePoints,
  communes,
  failingCriteria,
  overview,
  rateIndicators,
  trend,
  type CommuneRow,
  type CommuneStatus,
  type DashboardDeps,
  type FailingCriteria,
  type Overview,
  type RateIndicators,
  type TrendPoint,
} from '../dashboard';
import { COUNTING_RULES } from '../dashboard/rules';
import { writeDurably } from '../fsx/durable';

/**
 * The province summary (product.md, "Reports"): one row per commune (district, unit, class, year, self total, team
 * total, verdict, points per criterion), the district aggregates, and the progress against the plan's targets.
 * Written as XLSX (for officials), CSV (the commune rows, UTF-8 with BOM so Excel reads the diacritics) or JSON
 * (everything). Every writer takes the same `ProvinceSummary`, so the three agree.
 */

export type SummaryFormat = 'xlsx' | 'csv' | 'json';
export const SUMMARY_FORMATS: readonly SummaryFormat[] = ['xlsx', 'csv', 'json'];
export const SUMMARY_MEDIA: Record<SummaryFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

export interface SummaryCommune extends CommuneRow {
  provinceCode: string;
  provinceName: string;
  districtCode: string | null;
  districtName: string | null;
  year: number;
  /** Points per criterion id of the counted package (null: not assessed). */
  points: Record<string, number> | null;
}

export interface ProvinceSummary {
  format: 'cfc-province-summary';
  formatVersion: 1;
  generatedAt: string;
  year: number;
  scope: Overview['scope'];
  countingRules: { vi: string; en: string }[];
  criteriaIds: string[];
  overview: Overview;
  criteria: FailingCriteria;
  rates: RateIndicators;
  trend: TrendPoint[];
  communes: SummaryCommune[];
}

export const STATUS_VI: Record<CommuneStatus, string> = {
  recognised: 'Đạt (đã thẩm định)',
  not_recognised: 'Không đạt (đã thẩm định)',
  returned: 'Trả lại hồ sơ',
  self_recognised: 'Tự đánh giá đạt (chưa thẩm định)',
  self_not_recognised: 'Tự đánh giá không đạt (chưa thẩm định)',
  self_incomplete: 'Tự đánh giá chưa đủ số liệu (chưa thẩm định)',
  conflict: 'Xung đột hồ sơ (không tính là đạt)',
  not_assessed: 'Chưa có hồ sơ',
};

export const CLASS_VI: Record<string, string> = {
  urban_ward: 'Phường đô thị (ngưỡng 900)',
  mountain_island_disadvantaged: 'Miền núi, hải đảo, đặc biệt khó khăn (ngưỡng 800)',
  other: 'Xã, phường, thị trấn khác (ngưỡng 850)',
};

/** Gathers everything the exports show. A year with no package in the scope is refused (naming the field). */
export async function buildSummary(deps: DashboardDeps, year: number, scopeCode: string | null, now: string): Promise<ProvinceSummary> {
  const ov = await overview(deps, year, scopeCode);
  if (ov.total.assessed === 0) {
    throw new CfcError(
      'no_data',
      {
        vi: `Chưa có gói hồ sơ nào của năm ${year} trong phạm vi ${ov.scope.name} (trường year); không có gì được ghi.`,
        en: `No package has been imported for ${year} in ${ov.scope.name} (field year); nothing was written.`,
      },
      { field: 'year' },
    );
  }
  const [crit, rates, tr, rows, points] = await Promise.all([
    failingCriteria(deps, year, scopeCode),
    rateIndicators(deps, year, scopeCode),
    trend(deps, scopeCode),
    communes(deps, year, scopeCode),
    communePoints(deps, year, scopeCode),
  ]);
  const criteriaIds = [...crit.items.map((c) => c.id)].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const list: SummaryCommune[] = rows.rows.map((r) => {
    const anc = deps.units.ancestors(r.code);
    const province = anc[0]!;
    const district = anc.find((a) => a.level === 'district') ?? null;
    const p = points.get(r.code);
    return {
      ...r,
      provinceCode: province.code,
      provinceName: province.name,
      districtCode: district?.code ?? null,
      districtName: district?.name ?? null,
      year,
      points: r.manifestSha256 ? Object.fromEntries(criteriaIds.map((id) => [id, p?.get(id) ?? 0])) : null,
    };
  });
  return {
    format: 'cfc-province-summary',
    formatVersion: 1,
    generatedAt: now,
    year,
    scope: ov.scope,
    countingRules: COUNTING_RULES,
    criteriaIds,
    overview: ov,
    criteria: crit,
    rates,
    trend: tr.points,
    communes: list,
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** The commune sheet's columns, shared by the XLSX and the CSV. */
export function communeColumns(s: ProvinceSummary): { header: string; key: string; width: number; value: (c: SummaryCommune) => string | number | null }[] {
  return [
    { header: 'Tỉnh', key: 'province', width: 18, value: (c) => c.provinceName },
    { header: 'Huyện', key: 'district', width: 22, value: (c) => c.districtName },
    { header: 'Mã xã', key: 'code', width: 8, value: (c) => c.code },
    { header: 'Xã, phường, thị trấn', key: 'name', width: 26, value: (c) => c.name },
    { header: 'Phân loại', key: 'class', width: 30, value: (c) => (c.unitClass ? (CLASS_VI[c.unitClass] ?? c.unitClass) : null) },
    { header: 'Năm', key: 'year', width: 7, value: (c) => c.year },
    { header: 'Tổng điểm tự đánh giá', key: 'selfTotal', width: 12, value: (c) => c.selfTotal },
    { header: 'Tổng điểm thẩm định', key: 'teamTotal', width: 12, value: (c) => c.teamTotal },
    { header: 'Kết quả', key: 'verdict', width: 34, value: (c) => STATUS_VI[c.status] },
    { header: 'Mã kết quả', key: 'status', width: 18, value: (c) => c.status },
    { header: 'Đã thẩm định', key: 'reviewed', width: 10, value: (c) => (c.manifestSha256 ? (c.reviewed ? 'Có' : 'Chưa') : null) },
    { header: 'Tạm tính', key: 'provisional', width: 9, value: (c) => (c.manifestSha256 ? (c.provisional ? 'Có' : 'Không') : null) },
    {
      header: 'Ghi chú',
      key: 'note',
      width: 30,
      value: (c) =>
        [c.resubmitted ? 'Xã đã gửi lại bản mới sau khi bị trả lại' : '', c.alternatives ? `Có ${c.alternatives} hồ sơ khác cùng năm` : ''].filter(Boolean).join('; ') || null,
    },
    ...s.criteriaIds.map((id) => ({ header: `TC${id}`, key: `c${id}`, width: 6, value: (c: SummaryCommune) => (c.points ? (c.points[id] ?? null) : null) })),
  ];
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const PERCENT = '0.0"%"';

function header(ws: ExcelJS.Worksheet, cols: { header: string; key: string; width: number }[]): void {
  ws.columns = cols.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.height = 32;
  row.eachCell((cell) => (cell.fill = HEADER_FILL));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

const pct = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

export async function summaryXlsx(s: ProvinceSummary): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Xã phù hợp với trẻ em';
  wb.created = new Date(s.generatedAt);
  wb.modified = new Date(s.generatedAt);

  // Xã: one row per commune.
  const xa = wb.addWorksheet('Xã');
  const cols = communeColumns(s);
  header(xa, cols);
  for (const c of s.communes) xa.addRow(cols.map((col) => col.value(c)));
  xa.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };

  // Huyện: the groups (districts; provinces when the scope is the country) and the total.
  const hu = wb.addWorksheet('Huyện');
  const groupCols = [
    { header: 'Mã', key: 'code', width: 8 },
    { header: s.scope.level === 'country' ? 'Tỉnh' : 'Huyện', key: 'name', width: 26 },
    { header: 'Số xã trong danh mục', key: 'communes', width: 12 },
    { header: 'Số xã có hồ sơ', key: 'assessed', width: 12 },
    { header: 'Đã thẩm định', key: 'reviewed', width: 12 },
    { header: 'Chỉ tự đánh giá', key: 'selfOnly', width: 12 },
    { header: 'Số xã được công nhận', key: 'recognised', width: 12 },
    { header: 'Đạt (đã thẩm định)', key: 'recognisedReviewed', width: 12 },
    { header: 'Đạt (tự đánh giá, chưa thẩm định)', key: 'recognisedSelf', width: 14 },
    { header: 'Trả lại', key: 'returned', width: 9 },
    { header: 'Xung đột', key: 'conflicts', width: 9 },
    { header: 'Kết quả tạm tính', key: 'provisional', width: 10 },
    { header: 'Tỉ lệ được công nhận (%)', key: 'rate', width: 12 },
    { header: 'Chênh lệch so với chỉ tiêu (điểm %)', key: 'gap', width: 14 },
  ];
  header(hu, groupCols);
  for (const r of s.overview.rows) {
    hu.addRow([r.code, r.name, r.communes, r.assessed, r.reviewed, r.selfOnly, r.recognised, r.recognisedReviewed, r.recognisedSelf, r.returned, r.conflicts, r.provisional, pct(r.ratePercent), pct(r.gapPoints)]);
  }
  const t = s.overview.total;
  const totalRow = hu.addRow([s.scope.code ?? '', `Tổng: ${s.scope.name}`, t.communes, t.assessed, t.reviewed, t.selfOnly, t.recognised, t.recognisedReviewed, t.recognisedSelf, t.returned, t.conflicts, t.provisional, pct(t.ratePercent), pct(t.gapPoints)]);
  totalRow.font = { bold: true };
  hu.getColumn('rate').numFmt = PERCENT;
  hu.getColumn('gap').numFmt = '+0.0;-0.0;0.0';

  // Chỉ tiêu kế hoạch: progress against every target year, then the plan's indicator targets.
  const ct = wb.addWorksheet('Chỉ tiêu kế hoạch');
  header(ct, [
    { header: 'Năm chỉ tiêu', key: 'year', width: 10 },
    { header: 'Chỉ tiêu (% xã đạt)', key: 'target', width: 12 },
    { header: `Tỉ lệ đạt năm ${s.year} (%)`, key: 'rate', width: 14 },
    { header: 'Còn thiếu (điểm %)', key: 'gap', width: 12 },
    { header: 'Số xã cần đạt thêm', key: 'more', width: 12 },
    { header: 'Nguồn', key: 'source', width: 80 },
  ]);
  for (const target of s.overview.targets) {
    const need = Math.ceil((target.ratePercent * t.communes) / 100 - 1e-9);
    ct.addRow([target.year, target.ratePercent, pct(t.ratePercent), pct(t.ratePercent === null ? null : Math.max(0, target.ratePercent - t.ratePercent)), Math.max(0, need - t.recognised), target.source]);
  }
  ct.getColumn('target').numFmt = PERCENT;
  ct.getColumn('rate').numFmt = PERCENT;
  ct.addRow([]);
  const head2 = ct.addRow(['Chỉ số', 'Chỉ tiêu kế hoạch', `Giá trị toàn tỉnh ${s.year} (%)`, 'Tử số', 'Mẫu số', 'Nội dung']);
  head2.font = { bold: true };
  for (const r of s.rates.items) {
    ct.addRow([
      r.id,
      r.plan ? `${r.plan.kind === 'max' ? '<' : '≥'} ${r.plan.percent}%` : '—',
      r.ratePercent === null ? null : Math.round(r.ratePercent * 100) / 100,
      r.numerator,
      r.denominator,
      `${r.title.vi}${r.plan ? ` — ${r.plan.met === null ? 'chưa có số liệu' : r.plan.met ? 'đạt kế hoạch' : 'chưa đạt kế hoạch'}` : ''}${r.provisional ? ' (thang điểm tạm tính)' : ''}`,
    ]);
  }

  // Tiêu chí: the criteria that fail most.
  const tc = wb.addWorksheet('Tiêu chí');
  header(tc, [
    { header: 'Tiêu chí', key: 'id', width: 8 },
    { header: 'Nội dung', key: 'title', width: 60 },
    { header: 'Điểm tối đa', key: 'max', width: 9 },
    { header: 'Số xã có điểm', key: 'assessed', width: 10 },
    { header: 'Số xã 0 điểm', key: 'zeros', width: 10 },
    { header: 'Tỉ lệ 0 điểm (%)', key: 'zeroPct', width: 10 },
    { header: 'Điểm bình quân / tối đa (%)', key: 'share', width: 12 },
    { header: 'Tạm tính', key: 'prov', width: 9 },
  ]);
  for (const c of s.criteria.items) tc.addRow([c.id, c.title.vi, c.max, c.assessed, c.zeros, pct(c.zeroPercent), pct(c.averageSharePercent), c.provisional ? 'Có' : 'Không']);

  // Ghi chú: how the figures are counted, and the provisional notice.
  const gc = wb.addWorksheet('Ghi chú');
  gc.columns = [{ width: 120 }];
  gc.addRow([`Tổng hợp năm ${s.year} — ${s.scope.name}. Lập lúc ${s.generatedAt}.`]).font = { bold: true };
  if (s.criteria.pack?.provisionalNotice) gc.addRow([`${s.criteria.pack.provisionalNotice.vi} (${s.criteria.pack.id} ${s.criteria.pack.version}).`]);
  gc.addRow([`Số xã có kết quả tạm tính: ${t.provisional}/${t.assessed}.`]);
  for (const r of s.countingRules) gc.addRow([r.vi]).alignment = { wrapText: true };

  return Buffer.from(await wb.xlsx.writeBuffer());
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function summaryCsv(s: ProvinceSummary): string {
  const cols = communeColumns(s);
  const lines = [cols.map((c) => csvCell(c.header)).join(',')];
  for (const c of s.communes) lines.push(cols.map((col) => csvCell(col.value(c))).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export function summaryJson(s: ProvinceSummary): string {
  return JSON.stringify(s, null, 2) + '\n';
}

/** Writes the summary in a format (whole, to a temporary name, then renamed: never half a file). Returns its size. */
export async function writeSummary(s: ProvinceSummary, format: SummaryFormat, file: string, opts: { signal?: AbortSignal } = {}): Promise<number> {
  throwIfCancelled(opts.signal);
  const data = format === 'xlsx' ? await summaryXlsx(s) : format === 'csv' ? summaryCsv(s) : summaryJson(s);
  // Cancelled while it was rendered: nothing is written.
  throwIfCancelled(opts.signal);
  writeDurably(file, data);
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

/** The format of an output file by its extension, or a typed error naming the field. */
export function summaryFormatOf(file: string, field = 'out'): SummaryFormat {
  const ext = path.extname(file).slice(1).toLowerCase();
  if ((SUMMARY_FORMATS as readonly string[]).includes(ext)) return ext as SummaryFormat;
  throw new CfcError(
    'bad_extension',
    {
      vi: `Tệp kết quả phải có đuôi .xlsx, .csv hoặc .json (trường ${field}: "${path.basename(file)}"); không có gì được ghi.`,
      en: `The output file must end in .xlsx, .csv or .json (field ${field}: "${path.basename(file)}"); nothing was written.`,
    },
    { field },
  );
}

/** "TongHop_84_2025.xlsx" */
export function summaryFileName(s: Pick<ProvinceSummary, 'scope' | 'year'>, format: SummaryFormat): string {
  return `TongHop_${s.scope.code ?? 'ToanQuoc'}_${s.year}.${format}`;
}
