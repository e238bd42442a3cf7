import path from 'node:path';
import * as pdfmakeModule from 'pdfmake';
import type { Content, CustomTableLayout, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import { CfcError } from '../errors';
import { buildReportContent, type CriteriaRow, type Para, type ReportContent } from './content';
import { resolveReportFonts } from './fonts';
import { PAGE, mmToPt } from './layout';
import type { ReportRenderOptions, SelfAssessmentReport } from './selfAssessment';

/**
 * The self-assessment report as PDF, with pdfmake 0.3's Node API (the `pdfmake` module is a configured instance:
 * fonts, access policies, then `createPdf(doc).getBuffer()`). The bundled Liberation Serif 2.x TTFs are embedded
 * (subset), since PDF standard fonts cannot show Vietnamese.
 */

type PdfMake = typeof pdfmakeModule;
/** The module is a class instance (CommonJS `module.exports = new pdfmake()`): its methods are on the prototype. */
export const pdfmake: PdfMake = (pdfmakeModule as unknown as { default?: PdfMake }).default ?? pdfmakeModule;

export const FAMILY = 'LiberationSerif';
export const W = mmToPt(PAGE.widthMm - PAGE.marginMm.left - PAGE.marginMm.right);

/** Font files pdfmake may read: only the report fonts that `resolveReportFonts` checked. */
export const allowedFonts = new Set<string>();
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((p) => allowedFonts.has(path.resolve(p)));

/** Cells without borders and without padding, for the header and the signature block. */
export const BARE: CustomTableLayout = {
  hLineWidth: () => 0,
  vLineWidth: () => 0,
  paddingLeft: () => 0,
  paddingRight: () => 0,
  paddingTop: () => 0,
  paddingBottom: () => 0,
};
export const GRID: CustomTableLayout = {
  hLineWidth: () => 0.5,
  vLineWidth: () => 0.5,
  paddingLeft: () => 3,
  paddingRight: () => 3,
  paddingTop: () => 2,
  paddingBottom: () => 2,
};
const GRID_PAD = 3 * 2 + 0.5;

/** A centred horizontal rule of `width` inside a box of `boxWidth`. */
export function rule(boxWidth: number, width: number, margin: [number, number, number, number] = [0, 1, 0, 3]): Content {
  const x1 = (boxWidth - width) / 2;
  return { canvas: [{ type: 'line', x1, y1: 0, x2: x1 + width, y2: 0, lineWidth: 0.6 }], margin };
}

export function headerBlock(c: Pick<ReportContent, 'header' | 'placeDate'>): Content {
  const left = W * 0.4;
  const right = W - left;
  const leftStack: Content[] = [];
  if (c.header.superior) leftStack.push({ text: c.header.superior, fontSize: 12, alignment: 'center' });
  leftStack.push({ text: c.header.organisation, fontSize: 12, bold: true, alignment: 'center' });
  leftStack.push(rule(left, mmToPt(20)));
  leftStack.push({ text: c.header.number, alignment: 'center', margin: [0, 3, 0, 0] });
  const rightStack: Content[] = [
    { text: c.header.motto, fontSize: 12, bold: true, alignment: 'center' },
    { text: c.header.mottoSub, bold: true, alignment: 'center' },
    rule(right, mmToPt(55)),
    { text: c.placeDate, italics: true, alignment: 'center', margin: [0, 3, 0, 0] },
  ];
  return {
    table: { widths: [left, right], body: [[{ stack: leftStack }, { stack: rightStack }]] },
    layout: BARE,
  };
}

/**
 * pdfmake justifies by widening the gap after every piece it may break at, including after "/" and "-": words such as
 * "06/QĐ-TTg" would come apart. They are set as unbreakable pieces.
 */
export function justifiable(text: string): Content[] {
  return text.split(/(\S*[/-]\S*)/).filter((s) => s !== '').map((s) => (/[/-]/.test(s) && !/\s/.test(s) ? { text: s, noWrap: true } : { text: s }));
}

export function bodyPara(p: Para, indent = false): Content {
  return { text: justifiable(p.text), bold: p.bold, italics: p.italic, alignment: 'justify', margin: [0, 0, 0, 4], leadingIndent: indent ? mmToPt(10) : 0 };
}

export function heading(text: string): Content {
  return { text, bold: true, margin: [0, 8, 0, 4] };
}

/** Fixed widths for every column but the one given as '*', so the table is exactly as wide as the text block. */
export function widths(rel: number[], star: number): (number | '*')[] {
  const total = rel.reduce((a, b) => a + b, 0);
  return rel.map((r, i) => (i === star ? '*' : (W * r) / total - GRID_PAD));
}

export const SHADE = '#E7E6E6';

function criteriaCells(r: CriteriaRow): TableCell[] {
  switch (r.kind) {
    case 'criterion':
      return [{ text: r.text, bold: true, colSpan: 5, fillColor: SHADE }, '', '', '', ''];
    case 'indicator': {
      const [id, title, value, points, note] = r.cells;
      return [{ text: id, alignment: 'center' }, title, value, { text: points, alignment: 'center' }, note];
    }
    default:
      return [{ text: r.label, colSpan: 3, bold: true, italics: r.kind === 'subtotal', alignment: 'right' }, '', '', { text: r.points, bold: true, alignment: 'center' }, ''];
  }
}

/**
 * The criteria table. pdfmake cannot keep one table row with the next, so the table is an outer one-column table of
 * unbreakable rows, each holding an inner grid with the same columns: the column header (repeated on every page), a
 * criterion's heading with its first indicator, each further indicator, and the last indicator with the subtotal (and
 * the total). A heading never ends a page and a subtotal never starts one.
 */
function criteriaTable(c: ReportContent): Content {
  const chunks: CriteriaRow[][] = [];
  for (const r of c.criteria.rows) {
    const last = chunks[chunks.length - 1];
    const prev = last?.[last.length - 1];
    if (last && (r.kind === 'subtotal' || r.kind === 'total' || prev?.kind === 'criterion')) last.push(r);
    else chunks.push([r]);
  }
  const w = widths(c.criteria.widths, 1);
  const grid = (body: TableCell[][]): TableCell => ({ table: { widths: w, body }, layout: GRID });
  const head: TableCell[] = c.criteria.columns.map((h) => ({ text: h, bold: true, alignment: 'center', fillColor: SHADE }));
  return {
    table: { headerRows: 1, dontBreakRows: true, widths: [W], body: [[grid([head])], ...chunks.map((rows) => [grid(rows.map(criteriaCells))])] },
    layout: BARE,
  };
}

function evidenceTable(c: ReportContent): Content {
  const head: TableCell[] = c.evidence.columns.map((h) => ({ text: h, bold: true, alignment: 'center', fillColor: SHADE }));
  const rows: TableCell[][] = c.evidence.rows.map((r) => r.map((v, i) => ({ text: v, alignment: i === 2 ? 'left' : 'center' })));
  return { table: { headerRows: 1, dontBreakRows: true, widths: widths(c.evidence.widths, 2), body: [head, ...rows] }, layout: GRID };
}

function signatureBlock(c: ReportContent): Content {
  const left = W * 0.45;
  const right = W - left;
  return {
    unbreakable: true,
    margin: [0, 14, 0, 0],
    table: {
      widths: [left, right],
      body: [
        [
          { stack: [{ text: c.recipients.heading, fontSize: 12, bold: true, italics: true }, ...c.recipients.items.map((i) => ({ text: i, fontSize: 11 }))] },
          {
            stack: [
              ...c.signature.lines.map((l): Content => ({ text: l, bold: true, alignment: 'center' })),
              { text: c.signature.name, bold: true, alignment: 'center', margin: [0, 72, 0, 0] },
            ],
          },
        ],
      ],
    },
    layout: BARE,
  };
}

export function noticeBox(text: string): Content {
  return {
    margin: [mmToPt(5), 8, mmToPt(5), 8],
    table: { widths: ['*'], body: [[{ text, italics: true, bold: true, alignment: 'center' }]] },
    layout: { ...GRID, hLineWidth: () => 0.8, vLineWidth: () => 0.8, paddingTop: () => 4, paddingBottom: () => 4 },
  };
}

/** The PDF for a report: A4, Liberation Serif embedded, "Trang x/y" in the footer; deterministic given the input. */
export async function renderSelfAssessmentPdf(report: SelfAssessmentReport, options: ReportRenderOptions): Promise<Buffer> {
  const c = buildReportContent(report);
  const fonts = pdfFonts(options, { vi: 'báo cáo PDF', en: 'the PDF report' });

  const content: Content[] = [
    headerBlock(c),
    { text: c.title, bold: true, fontSize: 14, alignment: 'center', margin: [0, 18, 0, 0] },
    { text: c.subtitle, bold: true, fontSize: 14, alignment: 'center' },
    rule(W, mmToPt(40), [0, 2, 0, 6]),
  ];
  if (c.provisionalNotice) content.push(noticeBox(c.provisionalNotice));
  content.push(...c.intro.map((p) => bodyPara(p, true)));
  content.push(heading(c.general.heading), ...c.general.lines.map((p) => bodyPara(p)));
  content.push(heading(c.criteria.heading), criteriaTable(c));
  if (c.criteria.footnote) content.push({ text: c.criteria.footnote, italics: true, fontSize: 12, margin: [0, 3, 0, 0] });
  content.push(heading(c.conclusion.heading), ...c.conclusion.lines.map((p) => bodyPara(p)));
  content.push(heading(c.evidence.heading));
  content.push(c.evidence.empty ? bodyPara({ text: c.evidence.empty }) : evidenceTable(c));
  content.push(signatureBlock(c));

  return renderA4Pdf(content, c, fonts, {
    vi: 'Không tạo được tệp PDF của báo cáo',
    en: 'Could not produce the report PDF',
  });
}

/** The bundled fonts for a PDF, allowed for pdfmake to read; `report_font_missing` without a fonts folder. */
export function pdfFonts(options: ReportRenderOptions | undefined, what: { vi: string; en: string }): Record<string, string> {
  if (!options || typeof options.fontsDir !== 'string' || options.fontsDir === '') {
    throw new CfcError(
      'report_font_missing',
      {
        vi: `Không lập được ${what.vi}: chưa chỉ ra thư mục phông chữ (resources/fonts).`,
        en: `Cannot produce ${what.en}: no fonts folder (resources/fonts) was given.`,
      },
      { field: 'fontsDir' },
    );
  }
  const fonts = resolveReportFonts(options.fontsDir);
  for (const f of Object.values(fonts)) allowedFonts.add(path.resolve(f));
  return fonts;
}

/** Document metadata and the page label, as both reports' content builders give them. */
export interface PdfMeta {
  info: { title: string; author: string; subject: string; keywords: string; date: Date };
  pageLabel: { prefix: string; separator: string };
}

/** An A4 document of the administrative format: margins, Liberation Serif, "Trang x/y" in the footer, fixed dates. */
export async function renderA4Pdf(content: Content[], c: PdfMeta, fonts: Record<string, string>, failure: { vi: string; en: string }): Promise<Buffer> {
  const doc: TDocumentDefinitions = {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [mmToPt(PAGE.marginMm.left), mmToPt(PAGE.marginMm.top), mmToPt(PAGE.marginMm.right), mmToPt(PAGE.marginMm.bottom)],
    info: {
      title: c.info.title,
      author: c.info.author,
      subject: c.info.subject,
      keywords: c.info.keywords,
      creator: 'Xã phù hợp với trẻ em',
      producer: 'Xã phù hợp với trẻ em (pdfmake)',
      creationDate: c.info.date,
      modDate: c.info.date,
    },
    language: 'vi-VN',
    defaultStyle: { font: FAMILY, fontSize: PAGE.fontPt, lineHeight: 1.1 },
    footer: (page, pages) => ({
      text: `${c.pageLabel.prefix}${page}${c.pageLabel.separator}${pages}`,
      alignment: 'center',
      fontSize: 11,
      margin: [0, mmToPt(PAGE.marginMm.bottom - PAGE.footerMm), 0, 0],
    }),
    content,
  };
  // setFonts and createPdf run together synchronously: the printer takes the font table when it is created.
  pdfmake.setFonts({ [FAMILY]: { ...fonts } });
  try {
    return await pdfmake.createPdf(doc).getBuffer();
  } catch (e) {
    throw new CfcError(
      'report_render_failed',
      { vi: `${failure.vi}: ${(e as Error).message}`, en: `${failure.en}: ${(e as Error).message}` },
      { field: 'report' },
    );
  }
}
