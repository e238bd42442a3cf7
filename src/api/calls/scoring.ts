import { z } from 'zod';
import { packSchema, packSummarySchema } from '../../core/criteria/schema';
import { scoreInputSchema } from '../../core/scoring/input';
import { scoreResultSchema, whatIfSchema } from '../../core/scoring/result';
import { defineCall } from './define';

export const assessmentSchema = scoreResultSchema.extend({ whatIf: whatIfSchema.nullable() });

export const scoringCalls = {
  'packs.list': defineCall({
    summary: 'The built-in criteria packs: id, version, content hash, status (provisional or official)',
    input: z.object({}).strict(),
    output: z.object({ items: z.array(packSummarySchema) }),
  }),
  'packs.get': defineCall({
    summary: 'One criteria pack in full (the newest version unless one is named)',
    input: z.object({ id: z.string().min(1), version: z.string().min(1).optional() }).strict(),
    output: z.object({ summary: packSummarySchema, pack: packSchema }),
  }),
  'score.compute': defineCall({
    summary: 'Score an assessment input: points per indicator with explanations, verdict with reasons, and the what-if',
    input: z.object({ input: scoreInputSchema }).strict(),
    output: assessmentSchema,
  }),
};
