import { z } from 'zod';
import { packSchema, packSummarySchema } from '../../core/criteria/schema';
import { scoreInputSchema } from '../../core/scoring/input';
import { scoreResultSchema, whatIfSchema } from '../../core/scoring/result';
import { bilingual } from '../errors';
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

const filePath = z.string().min(1).max(4096);

/** The local contract's scoring calls (CLI, tests): they read files on this machine; neither opens the store. */
export const scoringLocalCalls = {
  'score.file': defineCall({
    summary: 'Score an assessment input file (cfc score); `pack` (a pack file, or id[@version]) wins over the pack the file names',
    input: z.object({ file: filePath, pack: z.string().min(1).max(4096).optional() }).strict(),
    output: assessmentSchema,
  }),
  'packs.validateFile': defineCall({
    summary: 'Check a criteria pack file (cfc pack validate): its identity when valid, every problem (field and message) when not',
    input: z.object({ file: filePath }).strict(),
    output: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), id: z.string(), version: z.string(), sha256: z.string(), status: z.enum(['provisional', 'official']) }),
      z.object({ ok: z.literal(false), problems: z.array(z.object({ field: z.string(), message: bilingual })) }),
    ]),
  }),
};
