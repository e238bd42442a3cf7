import { z } from 'zod';
import { INDICATOR_KINDS, bilingualText, unitClassSchema } from '../criteria/schema';

/**
 * The score result (product.md, "Score input and result") and the what-if, as zod schemas: the types below are
 * inferred from them, and the contract reuses them as output schemas. Pure zod.
 */

const text = bilingualText;

export const indicatorResultSchema = z.object({
  id: z.string(),
  kind: z.enum(INDICATOR_KINDS),
  title: text,
  max: z.number().int(),
  /** `scored`; `missing` (no value: counts 0 and makes the result incomplete); `not_scorable` (e.g. too few respondents). */
  status: z.enum(['scored', 'missing', 'not_scorable']),
  /** The points the rules give, or null when the indicator could not be computed. */
  computed: z.number().int().nullable(),
  /** The assessor's override, shown beside the computed points. */
  override: z.object({ points: z.number().int(), reason: z.string() }).nullable(),
  /** The points that count: the override if any, else the computed points, else 0. */
  points: z.number().int(),
  /** True when the rule that gave the points (or the indicator itself) is not confirmed against the legal text. */
  provisional: z.boolean(),
  /** For rates and surveys: the exact rate rounded half up to 2 decimals ("98.33"); null otherwise or when 0/0. */
  percentage: z.string().nullable(),
  /** For surveys: each group's tally and rate. */
  groups: z
    .array(z.object({ id: z.string(), title: text, respondents: z.number().int(), satisfied: z.number().int(), minRespondents: z.number().int(), percentage: z.string().nullable() }))
    .nullable(),
  /** Why this indicator has these points, e.g. "118/120 = 98,33% ≥ 98% → 40/50". */
  explanation: text,
});
export type IndicatorResult = z.infer<typeof indicatorResultSchema>;

export const criterionResultSchema = z.object({
  id: z.string(),
  title: text,
  points: z.number().int(),
  max: z.number().int(),
  provisional: z.boolean(),
  indicators: z.array(indicatorResultSchema),
});
export type CriterionResult = z.infer<typeof criterionResultSchema>;

export const reasonSchema = z.discriminatedUnion('code', [
  z.object({
    code: z.literal('incomplete'),
    /** Indicators without a value. */
    missing: z.array(z.string()),
    /** Indicators with a value that cannot be scored (e.g. survey groups under the minimum). */
    unscorable: z.array(z.string()),
    /** Criteria not assessed: those with an indicator above (not entered or not scorable), shown "chưa nhập đủ". */
    criteria: z.array(z.string()),
    message: text,
  }),
  /** Criteria whose indicators are all assessed and that score 0 (a criterion not fully entered is never here). */
  z.object({ code: z.literal('criterion_zero'), criteria: z.array(z.string()), message: text }),
  /** Only when the indicators not yet assessed could not close the gap even at their maximum. */
  z.object({ code: z.literal('below_threshold'), total: z.number().int(), threshold: z.number().int(), gap: z.number().int(), message: text }),
]);
export type Reason = z.infer<typeof reasonSchema>;

export const scoreResultSchema = z.object({
  pack: z.object({ id: z.string(), version: z.string(), sha256: z.string(), status: z.enum(['provisional', 'official']), title: text }),
  unitClass: unitClassSchema,
  unitClassTitle: text,
  total: z.number().int(),
  maxTotal: z.number().int(),
  threshold: z.number().int(),
  recognised: z.boolean(),
  verdict: z.enum(['recognised', 'not_recognised', 'incomplete']),
  /** Whether any provisional rule took part (the pack's own status included). */
  provisional: z.boolean(),
  /** The pack's honesty wording, when `provisional`. */
  provisionalNotice: text.nullable(),
  criteria: z.array(criterionResultSchema),
  reasons: z.array(reasonSchema),
  /** The verdict in one sentence. */
  summary: text,
});
export type ScoreResult = z.infer<typeof scoreResultSchema>;

export const whatIfStepSchema = z.object({
  indicatorId: z.string(),
  criterionId: z.string(),
  kind: z.enum(INDICATOR_KINDS),
  /** The value now and the value that reaches the next bracket, as the indicator writes them ("96/100" → "98/100"). */
  from: z.string(),
  to: z.string(),
  /** The size of the change in the indicator's own units (children, cases, respondents; 1 for a yes or an option). */
  effort: z.number().int(),
  unit: text,
  pointsBefore: z.number().int(),
  pointsAfter: z.number().int(),
  gain: z.number().int(),
  /** The step lifts a criterion that is at 0 points. */
  liftsCriterionFromZero: z.boolean(),
  text,
});
export type WhatIfStep = z.infer<typeof whatIfStepSchema>;

export const whatIfSchema = z.object({
  /** Already recognised: nothing to propose. */
  recognised: z.boolean(),
  /** Per indicator, the next bracket up, the shortest path first. */
  options: z.array(whatIfStepSchema),
  /** Indicators that need data before the verdict can be final (missing values, surveys under the minimum). */
  requiresData: z.array(z.string()),
  plan: z.object({
    reachable: z.boolean(),
    steps: z.array(whatIfStepSchema),
    totalAfter: z.number().int(),
    threshold: z.number().int(),
    message: text,
  }),
});
export type WhatIf = z.infer<typeof whatIfSchema>;
