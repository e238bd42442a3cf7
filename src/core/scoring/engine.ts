import type { Bilingual } from '../errors';
import type { Bracket, Indicator, LoadedPack, Pack, UnitClass } from '../criteria/schema';
import { THRESHOLD_SCALE } from '../criteria/validate';
import { explainIndicator, explainScore, reasonMessage } from './explain';
import { computeFacts, evaluateRule, reasonFacts, scoreFast, type IndicatorFacts } from './facts';
import type { IndicatorValue, Override, ScoreInput } from './input';
import { compileIndicator } from './plan';
import type { IndicatorResult, Reason, ScoreResult } from './result';

/**
 * The scoring engine: `score(input, pack) → result`, a pure function. Rates compare exactly on integers:
 * `numerator × 100 × 10^4 ≥ threshold × 10^4 × denominator`; with counts up to 10^9 and thresholds up to 100 every
 * product stays below 2^53, so no floating point takes part in a bracket decision.
 *
 * Two steps (issue 11): `scoreFast` (facts.ts) validates and scores into facts with no text, on a plan compiled once
 * per pack (plan.ts); `explainScore` (explain.ts) writes the texts. `score` is both, for callers that show the result;
 * callers that only count take `scoreFast`.
 */

export { UNIT_CLASS_TITLES } from './explain';
export { explainScore, scoreFast };

/** `numerator × 100 × THRESHOLD_SCALE`: the left side of every rate comparison. */
const PERCENT_SCALE = 100 * THRESHOLD_SCALE;

/** Bracket thresholds scaled to integers (1/10^4 percent for rates and surveys; counts as they are), per pack. */
export function scaledThresholds(ind: Indicator & { brackets: Bracket[] }): number[] {
  return compileIndicator(ind).scaled;
}

/** Does numerator/denominator (denominator > 0) reach a scaled threshold in the better direction? */
export function rateMeets(numerator: number, denominator: number, scaled: number, better: 'higher' | 'lower'): boolean {
  const lhs = numerator * PERCENT_SCALE;
  const rhs = scaled * denominator;
  return better === 'higher' ? lhs >= rhs : lhs <= rhs;
}

/** The index of the first bracket a rate meets, or -1. */
export function rateBracketIndex(scaled: number[], better: 'higher' | 'lower', numerator: number, denominator: number): number {
  for (let i = 0; i < scaled.length; i++) if (rateMeets(numerator, denominator, scaled[i]!, better)) return i;
  return -1;
}

/**
 * Does numerator/denominator per `per` (denominator > 0) reach a scaled threshold (1/10^4 cases per N)? Exact:
 * `numerator × per × 10^4` against `threshold × 10^4 × denominator` in BigInt (the products pass 2^53 for large N).
 */
export function perNMeets(numerator: number, denominator: number, per: number, scaled: number, better: 'higher' | 'lower'): boolean {
  const lhs = BigInt(numerator) * BigInt(per) * BigInt(THRESHOLD_SCALE);
  const rhs = BigInt(scaled) * BigInt(denominator);
  return better === 'higher' ? lhs >= rhs : lhs <= rhs;
}

/** The index of the first bracket a rate per N meets, or -1. */
export function perNBracketIndex(scaled: number[], better: 'higher' | 'lower', per: number, numerator: number, denominator: number): number {
  for (let i = 0; i < scaled.length; i++) if (perNMeets(numerator, denominator, per, scaled[i]!, better)) return i;
  return -1;
}

/** The index of the first bracket a count meets, or -1. */
export function countBracketIndex(thresholds: number[], better: 'higher' | 'lower', count: number): number {
  for (let i = 0; i < thresholds.length; i++) {
    const t = thresholds[i]!;
    if (better === 'higher' ? count >= t : count <= t) return i;
  }
  return -1;
}

interface Evaluation {
  status: IndicatorResult['status'];
  computed: number | null;
  /** The rule that produced the points is confirmed. */
  ruleConfirmed: boolean;
  percentage: string | null;
  groups: IndicatorResult['groups'];
  explanation: Bilingual;
}

function factsOf(ind: Indicator, value: IndicatorValue | undefined, override: Override | undefined): { facts: IndicatorFacts; ruleConfirmed: boolean; status: IndicatorResult['status'] } {
  const e = evaluateRule(ind, value);
  const facts: IndicatorFacts = {
    id: ind.id,
    kind: ind.kind,
    max: ind.max,
    status: override ? 'scored' : e.status,
    computed: e.computed,
    override: override ?? null,
    points: override ? override.points : (e.computed ?? 0),
    provisional: !ind.confirmed || !e.ruleConfirmed,
    bracket: e.bracket,
    value,
  };
  return { facts, ruleConfirmed: e.ruleConfirmed, status: e.status };
}

/** Scores one indicator from its value (undefined: not entered), with its explanation. */
export function evaluateIndicator(ind: Indicator, value: IndicatorValue | undefined): Evaluation {
  const { facts, ruleConfirmed, status } = factsOf(ind, value, undefined);
  const r = explainIndicator(facts, compileIndicator(ind));
  return { status, computed: facts.computed, ruleConfirmed, percentage: r.percentage, groups: r.groups, explanation: r.explanation };
}

/** One indicator's result: the evaluation, the override beside it, the points that count. */
export function indicatorResult(ind: Indicator, value: IndicatorValue | undefined, override: Override | undefined): IndicatorResult {
  return explainIndicator(factsOf(ind, value, override).facts, compileIndicator(ind));
}

/**
 * The reasons that stand between a set of criteria points and recognition. A criterion with an indicator not entered
 * (or not scorable) is *not assessed*: it is listed under `incomplete`, never under `criterion_zero`, which names only
 * criteria whose indicators are all assessed and which score 0. `below_threshold` is reported only when the points the
 * indicators not yet assessed could still bring would not close the gap (so an unfinished entry reads "incomplete",
 * not "failed").
 */
export function verdictReasons(
  pack: Pack,
  criteria: { id: string; title: Bilingual; points: number }[],
  total: number,
  threshold: number,
  unitClass: UnitClass,
  missing: string[],
  unscorable: string[],
): Reason[] {
  return reasonFacts(pack, criteria, total, threshold, missing, unscorable).map((r) => reasonMessage(r, unitClass, criteria));
}

/** Scores a validated input. */
export function computeScore(input: ScoreInput, loaded: LoadedPack): ScoreResult {
  return explainScore(computeFacts(input, loaded));
}

/** Validates a score input against the pack (CfcError `invalid_input` naming the field) and scores it. */
export function score(input: unknown, loaded: LoadedPack): ScoreResult {
  return explainScore(scoreFast(input, loaded));
}
