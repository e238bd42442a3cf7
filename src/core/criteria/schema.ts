import { z } from 'zod';

/**
 * The criteria pack format: a criteria set as versioned data, never as code (criteria spec, "What is law and what is
 * provisional"). Pure zod: the renderer reads these schemas through the contract, so this file imports nothing else.
 *
 * The objects are strict, so a validated pack is exactly the JSON that was read and its canonical hash covers
 * everything that was validated.
 */

export const bilingualText = z.object({ vi: z.string().trim().min(1), en: z.string().trim().min(1) }).strict();
export type BilingualText = z.infer<typeof bilingualText>;

export const UNIT_CLASSES = ['urban_ward', 'mountain_island_disadvantaged', 'other'] as const;
export const unitClassSchema = z.enum(UNIT_CLASSES);
export type UnitClass = z.infer<typeof unitClassSchema>;

/** Ids like "1", "2.1", "13.1", "q-a": letters, digits, dots, dashes and underscores. */
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'an id is 1–40 letters, digits, ".", "-" or "_"');
const points = z.number().int().min(0).max(100_000);

/** Where a rule comes from and whether it was checked against the legal text. */
const provenance = {
  confirmed: z.boolean(),
  /** A note on the source: the article, the official summary, or why the rule is a placeholder. */
  source: z.string().trim().min(1),
};

/**
 * One bracket. For `better: "higher"` it matches when the value is at least `threshold`, for `"lower"` when it is at
 * most `threshold`. Rate thresholds are percentages with up to 4 decimals; count thresholds are whole numbers.
 */
export const bracketSchema = z
  .object({
    threshold: z.number().min(0).max(1_000_000_000),
    points,
    ...provenance,
  })
  .strict();
export type Bracket = z.infer<typeof bracketSchema>;

/** The rule for a value that matches no bracket: 0 points, with its provenance. */
const otherwiseSchema = z.object({ ...provenance }).strict();

const better = z.enum(['higher', 'lower']);

const indicatorBase = {
  id,
  title: bilingualText,
  max: points,
  ...provenance,
};

export const booleanIndicatorSchema = z
  .object({
    ...indicatorBase,
    kind: z.literal('boolean'),
  })
  .strict();

export const rateIndicatorSchema = z
  .object({
    ...indicatorBase,
    kind: z.literal('rate'),
    better,
    /** What the numerator counts, for the what-if texts ("children fully immunised"). */
    numeratorLabel: bilingualText,
    /** What the denominator counts ("children under 1"). */
    denominatorLabel: bilingualText,
    brackets: z.array(bracketSchema).min(1),
    otherwise: otherwiseSchema,
    /** The points when the denominator is 0 (nobody in scope). */
    denominatorZero: z.object({ points, ...provenance }).strict(),
  })
  .strict();

/**
 * A rate per N (*tỷ suất*): cases per `per` people in scope, e.g. children abused per 1,000 children. Captured as
 * numerator (cases) and denominator (the population, numerator ≤ denominator); brackets on the exact rate per N
 * (`numerator × per ≤ threshold × denominator`, integers), thresholds with up to 4 decimals, at most `per`.
 */
export const ratePerNIndicatorSchema = z
  .object({
    ...indicatorBase,
    kind: z.literal('rate_per_n'),
    better,
    /** N: the rate is cases per this many people (1,000, 100,000 …). */
    per: z.number().int().min(1).max(1_000_000),
    numeratorLabel: bilingualText,
    denominatorLabel: bilingualText,
    brackets: z.array(bracketSchema).min(1),
    otherwise: otherwiseSchema,
    denominatorZero: z.object({ points, ...provenance }).strict(),
  })
  .strict();

export const countIndicatorSchema = z
  .object({
    ...indicatorBase,
    kind: z.literal('count'),
    better,
    /** What is counted ("children who died from accidents"). */
    countLabel: bilingualText,
    brackets: z.array(bracketSchema).min(1),
    otherwise: otherwiseSchema,
  })
  .strict();

export const choiceOptionSchema = z
  .object({
    id,
    title: bilingualText,
    points,
    ...provenance,
  })
  .strict();

export const choiceIndicatorSchema = z
  .object({
    ...indicatorBase,
    kind: z.literal('choice'),
    options: z.array(choiceOptionSchema).min(1),
  })
  .strict();

export const surveyGroupSchema = z
  .object({
    id,
    title: bilingualText,
    minRespondents: z.number().int().min(1).max(1_000_000),
    ...provenance,
  })
  .strict();

export const surveyIndicatorSchema = z
  .object({
    ...indicatorBase,
    kind: z.literal('survey'),
    /** How a respondent counts as satisfied (shown to the people who tally the forms). */
    satisfiedWhen: bilingualText,
    groups: z.array(surveyGroupSchema).min(1),
    /** Brackets on the satisfaction rate of all respondents, higher is better. */
    brackets: z.array(bracketSchema).min(1),
    otherwise: otherwiseSchema,
  })
  .strict();

export const indicatorSchema = z.discriminatedUnion('kind', [
  booleanIndicatorSchema,
  rateIndicatorSchema,
  ratePerNIndicatorSchema,
  countIndicatorSchema,
  choiceIndicatorSchema,
  surveyIndicatorSchema,
]);
export type Indicator = z.infer<typeof indicatorSchema>;
export type IndicatorKind = Indicator['kind'];
/** Every indicator kind, read from the schema (the workbook's validation lists and the result schema use it). */
export const INDICATOR_KINDS = indicatorSchema.options.map((o) => o.shape.kind.value) as [IndicatorKind, ...IndicatorKind[]];
export const BETTER_DIRECTIONS = better.options;
export type BooleanIndicator = z.infer<typeof booleanIndicatorSchema>;
export type RateIndicator = z.infer<typeof rateIndicatorSchema>;
export type RatePerNIndicator = z.infer<typeof ratePerNIndicatorSchema>;
export type CountIndicator = z.infer<typeof countIndicatorSchema>;
export type ChoiceIndicator = z.infer<typeof choiceIndicatorSchema>;
export type SurveyIndicator = z.infer<typeof surveyIndicatorSchema>;

export const criterionSchema = z
  .object({
    id,
    title: bilingualText,
    max: points,
    ...provenance,
    indicators: z.array(indicatorSchema).min(1),
  })
  .strict();
export type Criterion = z.infer<typeof criterionSchema>;

export const recognitionSchema = z
  .object({
    /** Every criterion must score more than 0 points. */
    noCriterionAtZero: z.boolean(),
    /** The minimum total for each unit class. */
    thresholds: z.object({ urban_ward: points, mountain_island_disadvantaged: points, other: points }).strict(),
    ...provenance,
  })
  .strict();

export const packSchema = z
  .object({
    /** The format of this file, for future changes. */
    format: z.literal('cfc-criteria-pack'),
    formatVersion: z.literal(1),
    id,
    version: z.string().regex(/^\d+(\.\d+){0,3}(-[A-Za-z0-9.]+)?$/, 'a version looks like 1.0.0 or 1.1.0-draft'),
    title: bilingualText,
    legalBasis: bilingualText,
    effectiveDate: z.iso.date(),
    status: z.enum(['provisional', 'official']),
    /** What a result scored with any provisional rule says wherever it appears. */
    provisionalNotice: bilingualText,
    maxTotal: points,
    recognition: recognitionSchema,
    criteria: z.array(criterionSchema).min(1),
  })
  .strict();
export type Pack = z.infer<typeof packSchema>;

/** Who signed an installed signed pack (from the trust store at installation). */
export const packIssuerSchema = z.object({ keyId: z.string(), fingerprint: z.string(), name: z.string(), role: z.string(), unitCode: z.string() });
export type PackIssuer = z.infer<typeof packIssuerSchema>;

/** A validated pack with its identity: id + version + SHA-256 of its canonical JSON (RFC 8785). */
export interface LoadedPack {
  pack: Pack;
  sha256: string;
  /** `builtin` for the packs shipped in resources/packs, `installed` / `signed` for the data folder's, else the file it was read from. */
  origin: string;
  /** For a signed installed pack: who issued it. */
  issuer?: PackIssuer | null | undefined;
  installedAt?: string | undefined;
}

/** How a pack appears in lists. */
export const packSummarySchema = z.object({
  id: z.string(),
  version: z.string(),
  sha256: z.string(),
  status: z.enum(['provisional', 'official']),
  title: bilingualText,
  legalBasis: bilingualText,
  effectiveDate: z.string(),
  maxTotal: z.number().int(),
  criteria: z.number().int(),
  indicators: z.number().int(),
  origin: z.string(),
  /** For a signed installed pack, who issued it; else null. */
  issuer: packIssuerSchema.nullable(),
  /** Every rule of the pack is confirmed against the legal text. */
  allConfirmed: z.boolean(),
});
export type PackSummary = z.infer<typeof packSummarySchema>;
