import { z } from 'zod';
import { defineCall } from './define';

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
};


