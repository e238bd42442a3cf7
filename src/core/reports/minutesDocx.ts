import { AlignmentType, Table, TableLayoutType, TableRow, WidthType, type Paragraph } from 'docx';
import { body, cell, CONTENT_WIDTH, GRID, headerTable, heading, mm, NO_BORDERS, noticeBox, para, renderA4Docx, rule, TABLE_PT, widthsOf } from './docx';
import { buildMinutesContent, type MinutesContent, type MinutesReport, type MinutesTable } from './minutesContent';

/** The minutes as DOCX (for officials to edit), laid out with the self-assessment report's helpers. */

function grid(t: MinutesTable): Table {
  const w = widthsOf(t.widths);
  const align = (i: number) => (t.center.includes(i) ? AlignmentType.CENTER : AlignmentType.LEFT);
  const rows = [
    new TableRow({ tableHeader: true, children: t.columns.map((h, i) => cell([para(h, { size: TABLE_PT, bold: true, align: AlignmentType.CENTER })], w[i]!, { shade: true })) }),
    ...t.rows.map(
      (r) =>
        new TableRow({
          cantSplit: true,
          children: r.cells.map((v, i) => cell([para(v, { size: TABLE_PT, bold: r.bold, align: align(i) })], w[i]!)),
        }),
    ),
  ];
  return new Table({ width: { size: CONTENT_WIDTH, type: WidthType.DXA }, columnWidths: w, layout: TableLayoutType.FIXED, borders: GRID, rows });
}

function section(t: MinutesTable): (Paragraph | Table)[] {
  return [heading(t.heading), t.empty ? body({ text: t.empty }) : grid(t)];
}

function signatures(c: MinutesContent): Table {
  const half = Math.round(CONTENT_WIDTH / 2);
  const widths = [half, CONTENT_WIDTH - half];
  const block = (s: MinutesContent['signatures'][number]) => [
    ...s.lines.map((l) => para(l, { size: 13, bold: true, align: AlignmentType.CENTER })),
    para('(Ký, ghi rõ họ tên)', { size: 12, italic: true, align: AlignmentType.CENTER }),
    ...[0, 1, 2, 3].map(() => para('', { size: 13 })),
    para(s.name, { size: 13, bold: true, align: AlignmentType.CENTER }),
  ];
  return new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [new TableRow({ cantSplit: true, children: c.signatures.map((s, i) => cell(block(s), widths[i]!)) })],
  });
}

export async function renderMinutesDocx(report: MinutesReport): Promise<Buffer> {
  const c = buildMinutesContent(report);
  const children: (Paragraph | Table)[] = [
    headerTable(c),
    para(c.title, { bold: true, size: 14, align: AlignmentType.CENTER, before: 360 }),
    para(c.subtitle, { bold: true, size: 14, align: AlignmentType.CENTER }),
    rule(CONTENT_WIDTH, mm(40)),
  ];
  if (c.provisionalNotice) children.push(noticeBox(c.provisionalNotice));
  children.push(...c.intro.map((p) => body(p, { indent: true })));
  children.push(...section(c.members), ...section(c.criteria), ...section(c.differences));
  children.push(heading(c.findings.heading), ...c.findings.lines.map((p) => body(p)));
  children.push(heading(c.conclusion.heading), ...c.conclusion.lines.map((p) => body(p)));
  children.push(para('', { after: 200 }), signatures(c));

  return renderA4Docx(children, c);
}
