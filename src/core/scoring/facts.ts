import type { Indicator, IndicatorKind, LoadedPack, Pack, UnitClass } from '../criteria/schema';
import { checkInput } from './check';
import { validateScoreInput, type IndicatorValue, type Override, type RateValue, type ScoreInput, type SurveyTally, type SurveyValue } from './input';
import { THRESHOLD_SCALE } from '../criteria/validate';
import { compileIndicator, planOf, type PlanIndicator, type ScorePlan } from './plan';
import type { ScoreResult } from './result';

/**
 * The fast path: a score input validated and scored into *facts* — every number, bracket, status, flag, total and
 * verdict reason of the result, without one explanation text. `explainScore` (explain.ts) turns facts into the full
 * `ScoreResult` when a result is shown, reported or exported; callers that only count (totals, verdicts, provisional
 * flags) stop at the facts.
 */

export type IndicatorStatus = ScoreResult['criteria'][number]['indicators'][number]['status'];
export type Verdict = ScoreResult['verdict'];

export interface IndicatorFacts {
  id: string;
  kind: IndicatorKind;
  max: number;
  /** As in the result: an override counts as scored. */
  status: IndicatorStatus;
  /** The points the rules give, or null when the indicator could not be computed (missing, not scorable). */
  computed: number | null;
  override: Override | null;
  /** The points that count. */
  points: number;
  provisional: boolean;
  /** The bracket the value met (index), -1 when it met none; null when no bracket table was read. */
  bracket: number | null;
  /** The value scored (undefined: not entered). */
  value: IndicatorValue | undefined;
}

export interface CriterionFacts {
  id: string;
  points: number;
  max: number;
  provisional: boolean;
  indicators: IndicatorFacts[];
}

/** A verdict reason without its message (`explainScore` writes it). */
export type ReasonFacts =
  | { code: 'incomplete'; missing: string[]; unscorable: string[]; criteria: string[] }
  | { code: 'criterion_zero'; criteria: string[] }
  | { code: 'below_threshold'; total: number; threshold: number; gap: number };

/** What a package's summary and entries need of a score: both the explained result and the facts have it. */
export interface Scored {
  total: number;
  maxTotal: number;
  threshold: number;
  verdict: Verdict;
  provisional: boolean;
  criteria: { id: string; points: number; indicators: { id: string; computed: number | null; points: number }[] }[];
}

export interface ScoreFacts {
  /** The pack that scored it (its id, version and hash are `loaded.pack.id`, `.version`, `loaded.sha256`). */
  loaded: LoadedPack;
  unitClass: UnitClass;
  total: number;
  maxTotal: number;
  threshold: number;
  recognised: boolean;
  verdict: Verdict;
  /** Whether any provisional rule took part (the pack's own status included). */
  provisional: boolean;
  criteria: CriterionFacts[];
  reasons: ReasonFacts[];
}

// The last evaluation's bracket, rule provenance and status: module scratch, so the scorer allocates nothing per rule.
let evBracket: number | null = null;
let evRule = true;
let evStatus: IndicatorStatus = 'scored';

/** `numerator × 100 × THRESHOLD_SCALE` (a module constant: read once, not through the import on every rate). */
const PERCENT_SCALE = 100 * THRESHOLD_SCALE;

const NO_TALLY: SurveyTally = { respondents: 0, satisfied: 0 };

function met(p: PlanIndicator, i: number): number {
  evBracket = i;
  evRule = p.bracketConfirmed[i]!;
  return p.points[i]!;
}
function unmet(p: PlanIndicator): number {
  evBracket = -1;
  evRule = p.otherwiseConfirmed;
  return 0;
}

/** The first bracket that numerator/denominator (> 0), in 1/10^4 percent, meets. */
function rateBracket(p: PlanIndicator, lhs: number, d: number, higher: boolean): number {
  const s = p.scaled;
  for (let i = 0; i < s.length; i++) {
    const rhs = s[i]! * d;
    if (higher ? lhs >= rhs : lhs <= rhs) return met(p, i);
  }
  return unmet(p);
}

/**
 * Scores one value by its compiled rule: the computed points, or null (not entered, not scorable); the bracket, the
 * rule's provenance and the status are left in the module scratch. Exact integers as in the engine's comment: rates
 * `n × 100 × 10^4` against `threshold × 10^4 × d`; rates per N in safe integers when both products are below 2^53,
 * else in BigInt.
 */
export function evaluateSlot(p: PlanIndicator, v: IndicatorValue | undefined): number | null {
  evBracket = null;
  evRule = true;
  evStatus = 'scored';
  if (v === undefined) {
    evStatus = 'missing';
    return null;
  }
  switch (p.kind) {
    case 'boolean':
      return v === true ? p.max : 0;
    case 'choice': {
      const o = p.options!.get(v as string);
      if (o === undefined) return 0;
      evRule = o.confirmed;
      return o.points;
    }
    case 'count': {
      const c = v as number;
      const s = p.scaled;
      for (let i = 0; i < s.length; i++) if (p.higher ? c >= s[i]! : c <= s[i]!) return met(p, i);
      return unmet(p);
    }
    case 'rate': {
      const { numerator: n, denominator: d } = v as RateValue;
      if (d === 0) {
        evRule = p.zeroConfirmed;
        return p.zeroPoints;
      }
      return rateBracket(p, n * PERCENT_SCALE, d, p.higher);
    }
    case 'rate_per_n': {
      const { numerator: n, denominator: d } = v as RateValue;
      if (d === 0) {
        evRule = p.zeroConfirmed;
        return p.zeroPoints;
      }
      const lhs = n * p.perScaled;
      if (lhs <= Number.MAX_SAFE_INTEGER && p.maxScaled * d <= Number.MAX_SAFE_INTEGER) return rateBracket(p, lhs, d, p.higher);
      const bl = BigInt(n) * BigInt(p.perScaled);
      const bd = BigInt(d);
      const s = p.scaled;
      for (let i = 0; i < s.length; i++) {
        const rhs = BigInt(s[i]!) * bd;
        if (p.higher ? bl >= rhs : bl <= rhs) return met(p, i);
      }
      return unmet(p);
    }
    default: {
      const groups = (v as SurveyValue).groups;
      let respondents = 0;
      let satisfied = 0;
      let short = false;
      for (const g of p.groups) {
        const t = groups[g.id] ?? NO_TALLY;
        respondents += t.respondents;
        satisfied += t.satisfied;
        if (t.respondents < g.min) short = true;
      }
      if (short) {
        evStatus = 'not_scorable';
        evRule = p.groupsConfirmed;
        return null;
      }
      return rateBracket(p, satisfied * PERCENT_SCALE, respondents, true);
    }
  }
}

/** One indicator's rule applied to a value, without text: what the what-if and `evaluateIndicator` build on. */
export function evaluateRule(ind: Indicator, value: IndicatorValue | undefined): { status: IndicatorStatus; computed: number | null; ruleConfirmed: boolean; bracket: number | null } {
  const computed = evaluateSlot(compileIndicator(ind), value);
  return { status: evStatus, computed, ruleConfirmed: evRule, bracket: evBracket };
}

/** One indicator's facts: its rule applied, the override beside it, the points that count. */
function indicatorFacts(p: PlanIndicator, v: IndicatorValue | undefined, o: Override | undefined): IndicatorFacts {
  const computed = evaluateSlot(p, v);
  return {
    id: p.ind.id,
    kind: p.ind.kind,
    max: p.max,
    // An override is an assessor's decision with a written reason: the indicator counts as assessed.
    status: o === undefined ? evStatus : 'scored',
    computed,
    override: o ?? null,
    points: o === undefined ? (computed ?? 0) : o.points,
    provisional: !p.confirmed || !evRule,
    bracket: evBracket,
    value: v,
  };
}

/**
 * The reasons that stand between a set of criteria points and recognition (the rules are stated at `verdictReasons`
 * in engine.ts, which adds the messages).
 */
export function reasonFacts(
  pack: Pack,
  criteria: readonly { id: string; points: number }[],
  total: number,
  threshold: number,
  missing: string[],
  unscorable: string[],
): ReasonFacts[] {
  const reasons: ReasonFacts[] = [];
  let notAssessed: string[] = [];
  let stillPossible = 0;
  if (missing.length > 0 || unscorable.length > 0) {
    const pending = new Set([...missing, ...unscorable]);
    notAssessed = pack.criteria.filter((c) => c.indicators.some((i) => pending.has(i.id))).map((c) => c.id);
    stillPossible = pack.criteria.reduce((n, c) => n + c.indicators.reduce((m, i) => m + (pending.has(i.id) ? i.max : 0), 0), 0);
    reasons.push({ code: 'incomplete', missing, unscorable, criteria: notAssessed });
  }
  if (pack.recognition.noCriterionAtZero) {
    let zero: string[] | null = null;
    for (const c of criteria) if (c.points === 0 && !notAssessed.includes(c.id)) (zero ??= []).push(c.id);
    if (zero !== null) reasons.push({ code: 'criterion_zero', criteria: zero });
  }
  if (total + stillPossible < threshold) reasons.push({ code: 'below_threshold', total, threshold, gap: threshold - total });
  return reasons;
}

/** Scores values given per slot (pack order); `overrides` per slot too. */
function scoreSlots(plan: ScorePlan, loaded: LoadedPack, unitClass: UnitClass, values: readonly (IndicatorValue | undefined)[], overrides: readonly (Override | undefined)[]): ScoreFacts {
  let total = 0;
  let anyProvisional = plan.baseProvisional;
  let pending = 0;
  const criteria: CriterionFacts[] = new Array(plan.criteria.length);
  for (let ci = 0; ci < plan.criteria.length; ci++) {
    const pc = plan.criteria[ci]!;
    let points = 0;
    let provisional = !pc.criterion.confirmed;
    const indicators: IndicatorFacts[] = new Array(pc.end - pc.first);
    for (let k = pc.first; k < pc.end; k++) {
      const f = indicatorFacts(plan.indicators[k]!, values[k], overrides[k]);
      if (f.status !== 'scored') pending++;
      points += f.points;
      provisional ||= f.provisional;
      indicators[k - pc.first] = f;
    }
    total += points;
    anyProvisional ||= provisional;
    criteria[ci] = { id: pc.criterion.id, points, max: pc.criterion.max, provisional, indicators };
  }
  const missing: string[] = [];
  const unscorable: string[] = [];
  if (pending > 0) {
    for (const c of criteria) {
      for (const f of c.indicators) {
        if (f.status === 'missing') missing.push(f.id);
        else if (f.status === 'not_scorable') unscorable.push(f.id);
      }
    }
  }
  const threshold = plan.thresholds[unitClass];
  const reasons = reasonFacts(loaded.pack, criteria, total, threshold, missing, unscorable);
  const recognised = reasons.length === 0;
  return {
    loaded,
    unitClass,
    total,
    maxTotal: loaded.pack.maxTotal,
    threshold,
    recognised,
    verdict: recognised ? 'recognised' : reasons[0]!.code === 'incomplete' ? 'incomplete' : 'not_recognised',
    provisional: anyProvisional,
    criteria,
    reasons,
  };
}

/** Scores an input already validated by `parseScoreInput`, into facts. */
export function computeFacts(input: ScoreInput, loaded: LoadedPack): ScoreFacts {
  const plan = planOf(loaded);
  const n = plan.indicators.length;
  const values: (IndicatorValue | undefined)[] = new Array(n);
  const overrides: (Override | undefined)[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const id = plan.indicators[k]!.ind.id;
    values[k] = input.values[id];
    overrides[k] = input.overrides[id];
  }
  return scoreSlots(plan, loaded, input.unitClass, values, overrides);
}

/**
 * Validates and scores in one pass, into facts: the checker compiled from the pack (check.ts) accepts the inputs it is
 * sure of; anything else goes through `parseScoreInput`'s full validation, which throws the same `invalid_input`
 * (codes, fields, messages) as ever, or, if the input is valid after all, scores it.
 */
export function scoreFast(input: unknown, loaded: LoadedPack): ScoreFacts {
  const plan = planOf(loaded);
  const n = plan.indicators.length;
  const values: (IndicatorValue | undefined)[] = new Array(n);
  const overrides: (Override | undefined)[] = new Array(n);
  const unitClass = checkInput(input, plan, values, overrides);
  if (unitClass === null) return computeFacts(validateScoreInput(input, loaded), loaded);
  return scoreSlots(plan, loaded, unitClass, values, overrides);
}
