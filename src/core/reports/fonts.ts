import fs from 'node:fs';
import path from 'node:path';
import { CfcError } from '../errors';

/** The four styles of Liberation Serif 2.x that the PDF embeds (resources/fonts). */
export const REPORT_FONT_FILES = {
  normal: 'LiberationSerif-Regular.ttf',
  bold: 'LiberationSerif-Bold.ttf',
  italics: 'LiberationSerif-Italic.ttf',
  bolditalics: 'LiberationSerif-BoldItalic.ttf',
} as const;

export type ReportFonts = Record<keyof typeof REPORT_FONT_FILES, string>;

/** TrueType ("\0\1\0\0" or "true") or OpenType-with-TrueType-outlines magic. */
function isTrueType(head: Buffer): boolean {
  const tag = head.readUInt32BE(0);
  return tag === 0x00010000 || head.toString('latin1', 0, 4) === 'true';
}

/**
 * The absolute paths of the report fonts in `fontsDir`, each checked to exist and to be a TrueType file. Throws
 * `report_font_missing` naming the file and the folder, or `report_font_invalid`.
 */
export function resolveReportFonts(fontsDir: string): ReportFonts {
  const dir = path.resolve(fontsDir);
  const out = {} as ReportFonts;
  for (const [style, file] of Object.entries(REPORT_FONT_FILES) as [keyof ReportFonts, string][]) {
    const p = path.join(dir, file);
    let head: Buffer;
    try {
      const fd = fs.openSync(p, 'r');
      try {
        head = Buffer.alloc(4);
        const n = fs.readSync(fd, head, 0, 4, 0);
        if (n < 4) head = Buffer.alloc(4);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      throw new CfcError(
        'report_font_missing',
        {
          vi: `Không tìm thấy phông chữ ${file} trong thư mục ${dir}. Báo cáo PDF cần phông Liberation Serif 2.x (có dấu tiếng Việt) đi kèm phần mềm (resources/fonts); hãy cài lại phần mềm.`,
          en: `The font ${file} is missing from ${dir}. The PDF report needs the bundled Liberation Serif 2.x fonts (with Vietnamese glyphs) from resources/fonts; reinstall the application.`,
        },
        { field: 'fontsDir' },
      );
    }
    if (!isTrueType(head)) {
      throw new CfcError(
        'report_font_invalid',
        {
          vi: `Tệp ${p} không phải phông chữ TrueType. Báo cáo PDF cần phông Liberation Serif 2.x đi kèm phần mềm; hãy cài lại phần mềm.`,
          en: `The file ${p} is not a TrueType font. The PDF report needs the bundled Liberation Serif 2.x fonts; reinstall the application.`,
        },
        { field: 'fontsDir' },
      );
    }
    out[style] = p;
  }
  return out;
}
