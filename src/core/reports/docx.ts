import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  type IBorderOptions,
  type ITableBordersOptions,
} from 'docx';
import { buildReportContent, type Para, type ReportContent } from './content';
import { PAGE } from './layout';
import type { ReportRenderOptions, SelfAssessmentReport } from './selfAssessment';
import { readZipEntries, writeZip } from './zip';

/**
 * The self-assessment report as DOCX (for officials to edit): A4, Nghị định 30/2020 margins, Times New Roman 13 pt
 * (the PDF embeds Liberation Serif, which has the same metrics).
 */

export const FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman', eastAsia: 'Times New Roman' };
/** docx sizes are half-points. */
export const pt = (n: number) => n * 2;
/** Millimetres to twips, rounded (docx's convertMillimetersToTwip floors: 210 mm would be 11905, not A4's 11906). */
export const mm = (n: number) => Math.round((n * 1440) / 25.4);
export const CONTENT_WIDTH = mm(PAGE.widthMm - PAGE.marginMm.left - PAGE.marginMm.right);

interface RunStyle {
  bold?: boolean;
  italic?: boolean;
  size?: number;
  underline?: boolean;
}

/** Runs for a text that may hold new lines (each becomes a line break). */
export function runs(text: string, style: RunStyle = {}): TextRun[] {
  return text.split('\n').map(
    (line, i) =>
      new TextRun({
        text: line,
        bold: style.bold,
        italics: style.italic,
        size: style.size === undefined ? undefined : pt(style.size),
        underline: style.underline ? {} : undefined,
        break: i > 0 ? 1 : undefined,
      }),
  );
}

export function para(
  text: string,
  opts: RunStyle & { align?: (typeof AlignmentType)[keyof typeof AlignmentType]; before?: number; after?: number; indentFirst?: number; keepNext?: boolean } = {},
): Paragraph {
  return new Paragraph({
    children: runs(text, opts),
    alignment: opts.align,
    spacing: { before: opts.before ?? 0, after: opts.after ?? 0, line: 276 },
    indent: opts.indentFirst ? { firstLine: opts.indentFirst } : undefined,
    keepNext: opts.keepNext,
  });
}

const NONE: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
export const NO_BORDERS: ITableBordersOptions = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };
const LINE: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
export const GRID: ITableBordersOptions = { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE };

/** A short centred rule (a paragraph with a bottom border, narrowed by its indents). */
export function rule(cellWidth: number, ruleWidth: number): Paragraph {
  const side = Math.max(0, Math.round((cellWidth - ruleWidth) / 2));
  return new Paragraph({
    children: [],
    spacing: { before: 0, after: 60, line: 120 },
    indent: { left: side, right: side },
    border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 } },
  });
}

export function cell(children: Paragraph[], width: number, opts: { span?: number; shade?: boolean; borders?: boolean } = {}): TableCell {
  return new TableCell({
    children,
    width: { size: width, type: WidthType.DXA },
    columnSpan: opts.span,
    verticalAlign: VerticalAlign.CENTER,
    shading: opts.shade ? { type: ShadingType.CLEAR, color: 'auto', fill: 'E7E6E6' } : undefined,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
  });
}

export function headerTable(c: Pick<ReportContent, 'header' | 'placeDate'>): Table {
  const left = Math.round(CONTENT_WIDTH * 0.4);
  const right = CONTENT_WIDTH - left;
  const leftParas: Paragraph[] = [];
  if (c.header.superior) leftParas.push(para(c.header.superior, { size: 12, align: AlignmentType.CENTER }));
  leftParas.push(para(c.header.organisation, { size: 12, bold: true, align: AlignmentType.CENTER }));
  leftParas.push(rule(left, mm(20)));
  leftParas.push(para(c.header.number, { size: 13, align: AlignmentType.CENTER, before: 60 }));
  const rightParas = [
    para(c.header.motto, { size: 12, bold: true, align: AlignmentType.CENTER }),
    para(c.header.mottoSub, { size: 13, bold: true, align: AlignmentType.CENTER }),
    rule(right, mm(55)),
    para(c.placeDate, { size: 13, italic: true, align: AlignmentType.CENTER, before: 60 }),
  ];
  return new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths: [left, right],
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [cell(leftParas, left), cell(rightParas, right)] })],
  });
}

export function widthsOf(rel: number[]): number[] {
  const total = rel.reduce((a, b) => a + b, 0);
  const out = rel.map((r) => Math.floor((CONTENT_WIDTH * r) / total));
  out[out.length - 1]! += CONTENT_WIDTH - out.reduce((a, b) => a + b, 0);
  return out;
}

export const TABLE_PT = 13;

function criteriaTable(c: ReportContent): Table {
  const w = widthsOf(c.criteria.widths);
  const sum = (from: number, to: number) => w.slice(from, to).reduce((a, b) => a + b, 0);
  const th = (text: string) => para(text, { size: TABLE_PT, bold: true, align: AlignmentType.CENTER });
  const rows: TableRow[] = [
    new TableRow({
      tableHeader: true,
      children: c.criteria.columns.map((h, i) => cell([th(h)], w[i]!, { shade: true })),
    }),
  ];
  // Word keeps a row with the next when its paragraphs "keep with next": a criterion's heading with its first
  // indicator, its last indicator with the subtotal, the last subtotal with the total.
  const all = c.criteria.rows;
  all.forEach((r, i) => {
    const next = all[i + 1];
    const keepNext = r.kind === 'criterion' || next?.kind === 'subtotal' || next?.kind === 'total';
    const t = (text: string, o: RunStyle & { align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}) => para(text, { size: TABLE_PT, keepNext, ...o });
    if (r.kind === 'criterion') {
      rows.push(new TableRow({ cantSplit: true, children: [cell([t(r.text, { bold: true })], CONTENT_WIDTH, { span: 5, shade: true })] }));
    } else if (r.kind === 'indicator') {
      const [id, title, value, points, note] = r.cells;
      rows.push(
        new TableRow({
          cantSplit: true,
          children: [
            cell([t(id, { align: AlignmentType.CENTER })], w[0]!),
            cell([t(title)], w[1]!),
            cell([t(value)], w[2]!),
            cell([t(points, { align: AlignmentType.CENTER })], w[3]!),
            cell([t(note)], w[4]!),
          ],
        }),
      );
    } else {
      const bold = true;
      rows.push(
        new TableRow({
          cantSplit: true,
          children: [
            cell([t(r.label, { bold, italic: r.kind === 'subtotal', align: AlignmentType.RIGHT })], sum(0, 3), { span: 3 }),
            cell([t(r.points, { bold, align: AlignmentType.CENTER })], w[3]!),
            cell([t('')], w[4]!),
          ],
        }),
      );
    }
  });
  return new Table({ width: { size: CONTENT_WIDTH, type: WidthType.DXA }, columnWidths: w, layout: TableLayoutType.FIXED, borders: GRID, rows });
}

function evidenceTable(c: ReportContent): Table {
  const w = widthsOf(c.evidence.widths);
  const t = (text: string, o: RunStyle & { align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}) => para(text, { size: TABLE_PT, ...o });
  const rows = [
    new TableRow({ tableHeader: true, children: c.evidence.columns.map((h, i) => cell([t(h, { bold: true, align: AlignmentType.CENTER })], w[i]!, { shade: true })) }),
    ...c.evidence.rows.map(
      (r) =>
        new TableRow({
          cantSplit: true,
          children: r.map((v, i) => cell([t(v, { align: i === 2 ? AlignmentType.LEFT : AlignmentType.CENTER })], w[i]!)),
        }),
    ),
  ];
  return new Table({ width: { size: CONTENT_WIDTH, type: WidthType.DXA }, columnWidths: w, layout: TableLayoutType.FIXED, borders: GRID, rows });
}

function signatureTable(c: ReportContent): Table {
  const left = Math.round(CONTENT_WIDTH * 0.45);
  const right = CONTENT_WIDTH - left;
  const leftParas = [para(c.recipients.heading, { size: 12, bold: true, italic: true }), ...c.recipients.items.map((i) => para(i, { size: 11 }))];
  const rightParas = [
    ...c.signature.lines.map((l) => para(l, { size: 13, bold: true, align: AlignmentType.CENTER })),
    ...[0, 1, 2, 3, 4].map(() => para('', { size: 13 })),
    para(c.signature.name, { size: 13, bold: true, align: AlignmentType.CENTER }),
  ];
  return new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths: [left, right],
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [new TableRow({ cantSplit: true, children: [cell(leftParas, left), cell(rightParas, right)] })],
  });
}

export function body(p: Para, opts: { indent?: boolean } = {}): Paragraph {
  return para(p.text, { bold: p.bold, italic: p.italic, align: AlignmentType.JUSTIFIED, after: 80, indentFirst: opts.indent ? mm(10) : undefined });
}

export function heading(text: string): Paragraph {
  return para(text, { bold: true, before: 200, after: 100, keepNext: true });
}

export function noticeBox(text: string): Paragraph {
  const b: IBorderOptions = { style: BorderStyle.SINGLE, size: 8, color: '000000', space: 4 };
  return new Paragraph({
    children: runs(text, { italic: true, bold: true }),
    alignment: AlignmentType.CENTER,
    spacing: { before: 120, after: 120 },
    indent: { left: mm(5), right: mm(5) },
    border: { top: b, bottom: b, left: b, right: b },
  });
}

/** The DOCX for a report: deterministic (document dates and zip times come from `report.date`). */
export async function renderSelfAssessmentDocx(report: SelfAssessmentReport, _options?: Partial<ReportRenderOptions>): Promise<Buffer> {
  const c = buildReportContent(report);
  const children: (Paragraph | Table)[] = [
    headerTable(c),
    para(c.title, { bold: true, size: 14, align: AlignmentType.CENTER, before: 360 }),
    para(c.subtitle, { bold: true, size: 14, align: AlignmentType.CENTER }),
    rule(CONTENT_WIDTH, mm(40)),
  ];
  if (c.provisionalNotice) children.push(noticeBox(c.provisionalNotice));
  children.push(...c.intro.map((p) => body(p, { indent: true })));
  children.push(heading(c.general.heading), ...c.general.lines.map((p) => body(p)));
  children.push(heading(c.criteria.heading), criteriaTable(c));
  if (c.criteria.footnote) children.push(para(c.criteria.footnote, { italic: true, size: 12, before: 60 }));
  children.push(heading(c.conclusion.heading), ...c.conclusion.lines.map((p) => body(p)));
  children.push(heading(c.evidence.heading));
  children.push(c.evidence.empty ? body({ text: c.evidence.empty }) : evidenceTable(c));
  children.push(para('', { after: 200 }), signatureTable(c));

  return renderA4Docx(children, c, Math.max(1, Math.trunc(report.revision) || 1));
}


/** An A4 document of the administrative format: margins, Times New Roman, "Trang x/y" in the footer, fixed dates. */
export async function renderA4Docx(
  children: (Paragraph | Table)[],
  c: { info: { title: string; author: string; subject: string; keywords: string; date: Date }; pageLabel: { prefix: string; separator: string } },
  revision?: number,
): Promise<Buffer> {
  const doc = new Document({
    creator: c.info.author,
    title: c.info.title,
    subject: c.info.subject,
    keywords: c.info.keywords,
    lastModifiedBy: c.info.author,
    ...(revision !== undefined ? { revision } : {}),
    styles: { default: { document: { run: { font: FONT, size: pt(PAGE.fontPt) }, paragraph: { spacing: { line: 276 } } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(PAGE.widthMm), height: mm(PAGE.heightMm) },
            margin: {
              top: mm(PAGE.marginMm.top),
              bottom: mm(PAGE.marginMm.bottom),
              left: mm(PAGE.marginMm.left),
              right: mm(PAGE.marginMm.right),
              footer: mm(PAGE.footerMm),
            },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ size: pt(11), children: [c.pageLabel.prefix, PageNumber.CURRENT, c.pageLabel.separator, PageNumber.TOTAL_PAGES] })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return fixDates(await Packer.toBuffer(doc), c.info.date);
}

/** Sets the core properties' created/modified dates and every zip entry time to the report date. */
export async function fixDates(docx: Buffer, date: Date): Promise<Buffer> {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const entries = await readZipEntries(docx);
  for (const e of entries) {
    if (e.name === 'docProps/core.xml') {
      e.data = Buffer.from(
        e.data
          .toString('utf8')
          .replace(/(<dcterms:created\b[^>]*>)[^<]*(<\/dcterms:created>)/, `$1${iso}$2`)
          .replace(/(<dcterms:modified\b[^>]*>)[^<]*(<\/dcterms:modified>)/, `$1${iso}$2`),
        'utf8',
      );
    }
  }
  // The zip's DOS time is local time: the report instant's UTC wall-clock wherever this runs.
  return writeZip(entries, new Date(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()));
}
