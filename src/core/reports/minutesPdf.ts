import type { Content, TableCell } from 'pdfmake/interfaces';
import { mmToPt } from './layout';
import { buildMinutesContent, type MinutesContent, type MinutesReport, type MinutesTable } from './minutesContent';
import { BARE, bodyPara, GRID, headerBlock, heading, noticeBox, pdfFonts, renderA4Pdf, rule, SHADE, W, widths } from './pdf';
import type { ReportRenderOptions } from './selfAssessment';

/** The minutes as PDF (A4, Liberation Serif embedded), laid out with the self-assessment report's helpers. */

function grid(t: MinutesTable, star: number): Content {
  const head: TableCell[] = t.columns.map((h) => ({ text: h, bold: true, alignment: 'center', fillColor: SHADE }));
  const rows: TableCell[][] = t.rows.map((r) => r.cells.map((v, i) => ({ text: v, bold: r.bold ?? false, alignment: t.center.includes(i) ? 'center' : 'left' })));
  return { table: { headerRows: 1, dontBreakRows: true, widths: widths(t.widths, star), body: [head, ...rows] }, layout: GRID };
}

function section(t: MinutesTable, star: number): Content[] {
  return [heading(t.heading), t.empty ? bodyPara({ text: t.empty }) : grid(t, star)];
}

function signatures(c: MinutesContent): Content {
  const half = W / 2;
  return {
    unbreakable: true,
    margin: [0, 14, 0, 0],
    table: {
      widths: [half, W - half],
      body: [
        c.signatures.map(
          (s): TableCell => ({
            stack: [
              ...s.lines.map((l): Content => ({ text: l, bold: true, alignment: 'center' })),
              { text: '(Ký, ghi rõ họ tên)', italics: true, fontSize: 12, alignment: 'center' },
              { text: s.name, bold: true, alignment: 'center', margin: [0, 60, 0, 0] },
            ],
          }),
        ),
      ],
    },
    layout: BARE,
  };
}

export async function renderMinutesPdf(report: MinutesReport, options: ReportRenderOptions): Promise<Buffer> {
  const c = buildMinutesContent(report);
  const fonts = pdfFonts(options, { vi: 'biên bản PDF', en: 'the minutes PDF' });
  const content: Content[] = [
    headerBlock(c),
    { text: c.title, bold: true, fontSize: 14, alignment: 'center', margin: [0, 18, 0, 0] },
    { text: c.subtitle, bold: true, fontSize: 14, alignment: 'center' },
    rule(W, mmToPt(40), [0, 2, 0, 6]),
  ];
  if (c.provisionalNotice) content.push(noticeBox(c.provisionalNotice));
  content.push(...c.intro.map((p) => bodyPara(p, true)));
  content.push(...section(c.members, 1), ...section(c.criteria, 1), ...section(c.differences, 4));
  content.push(heading(c.findings.heading), ...c.findings.lines.map((p) => bodyPara(p)));
  content.push(heading(c.conclusion.heading), ...c.conclusion.lines.map((p) => bodyPara(p)));
  content.push(signatures(c));
  return renderA4Pdf(content, c, fonts, {
    vi: 'Không tạo được tệp PDF của biên bản',
    en: 'Could not produce the minutes PDF',
  });
}
