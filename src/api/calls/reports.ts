import { z } from 'zod';
import { defineCall } from './define';
import { saveToken } from './packages';

/** A generated file, as the page sees it: the name to download it by (`/reports/<fileName>`), never where it is. */
export const reportFile = z.object({
  fileName: z.string(),
  size: z.number().int(),
  mediaType: z.string(),
});
export type ReportFile = z.infer<typeof reportFile>;
/** The local contract's (CLI, tests): also where the file was written (the data directory's reports folder). */
export const reportFileLocal = reportFile.extend({ path: z.string() });

export const reportsCalls = {
  'reports.selfAssessment': defineCall({
    summary: 'Báo cáo kết quả tự đánh giá of a revision, as DOCX (to edit) or PDF (to print)',
    input: z.object({ id: z.string().uuid(), format: z.enum(['docx', 'pdf']) }).strict(),
    output: reportFile,
  }),
  'reports.saveCopy': defineCall({
    summary:
      "Desktop app's Save as… for a file already made: a copy of a report (/reports/<fileName>) or of an exported package or backup (/exports/<fileName>) written where the save dialog said (saveToken); the page names the file by its download name, never a path",
    input: z
      .object({
        route: z.enum(['reports', 'exports']),
        fileName: z.string().regex(/^[\w.-]{1,200}$/, 'A download name: letters, digits, dot, dash, underscore'),
        saveToken,
      })
      .strict(),
    output: z.object({ fileName: z.string(), size: z.number().int() }),
  }),
};


