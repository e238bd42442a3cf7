import { z } from 'zod';
import { defineCall } from './define';

export const reportFile = z.object({
  fileName: z.string(),
  /** Where the file was written (the data directory's reports folder). */
  path: z.string(),
  size: z.number().int(),
  mediaType: z.string(),
});
export type ReportFile = z.infer<typeof reportFile>;

export const reportsCalls = {
  'reports.selfAssessment': defineCall({
    summary: 'Báo cáo kết quả tự đánh giá of a revision, as DOCX (to edit) or PDF (to print)',
    input: z.object({ id: z.string().uuid(), format: z.enum(['docx', 'pdf']) }).strict(),
    output: reportFile,
  }),
};

