/**
 * The local contract's report calls (CLI, tests), apart from calls/reports.ts only because they use the dashboard's
 * schemas and calls/dashboard.ts imports calls/reports.ts (a cycle otherwise).
 */
import { z } from 'zod';
import { overviewOutput } from './dashboard';
import { defineCall, withLocalOutput } from './define';
import { reportFileLocal, reportsCalls } from './reports';

/** The local contract's report calls (CLI, tests): they write to a path on this machine. */
export const reportsLocalCalls = {
  'reports.selfAssessment': withLocalOutput(reportsCalls['reports.selfAssessment'], reportFileLocal),
  'reports.summary': defineCall({
    summary: 'The province summary (one row per commune, by district, progress against the target) written as XLSX, CSV or JSON',
    input: z
      .object({
        year: z.number().int().min(2000, 'A year from 2000 to 2100').max(2100, 'A year from 2000 to 2100'),
        outPath: z.string().min(1).max(4096),
        /** A province or district code; default: the profile's province (assessor, province), else the whole country. */
        scope: z.string().regex(/^\d{2,5}$/, 'A unit code has 2 to 5 digits').optional(),
      })
      .strict(),
    output: z.object({
      file: z.string(),
      format: z.enum(['xlsx', 'csv', 'json']),
      size: z.number().int(),
      year: z.number().int(),
      scope: overviewOutput.shape.scope,
      total: overviewOutput.shape.total,
    }),
  }),
};
