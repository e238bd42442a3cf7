import type { Criterion, Indicator, IndicatorKind, LoadedPack, UnitClass } from '../criteria/schema';
import { THRESHOLD_SCALE, scaledThreshold } from '../criteria/validate';

/**
 * A pack compiled once for scoring: every indicator in pack order with what its rule needs as plain numbers (bracket
 * thresholds scaled to integers, points, provenance flags, option and group tables), so scoring an input walks arrays
 * and compares integers, and builds no string. Cached per pack object (a pack is immutable once loaded); compiling the
 * built-in pack takes a few microseconds, so a registry that reloads its packs per call pays little.
 */


export interface PlanGroup {
  id: string;
  min: number;
}

export interface PlanIndicator {
  ind: Indicator;
  kind: IndicatorKind;
  max: number;
  confirmed: boolean;
  /** Higher is better (rates, counts, surveys; true for the others). */
  higher: boolean;
  /** Bracket thresholds: counts as they are, rates and rates per N in 1/10^4 (percent or cases per N). */
  scaled: number[];
  /** The largest scaled threshold (rates per N: whether the products stay safe integers). */
  maxScaled: number;
  points: number[];
  bracketConfirmed: boolean[];
  otherwiseConfirmed: boolean;
  /** Rates and rates per N: the rule for 0/0. */
  zeroPoints: number;
  zeroConfirmed: boolean;
  /** Rates per N: N × 10^4, the factor of the numerator in the exact comparison. */
  perScaled: number;
  /** Choices: points and provenance per option id. */
  options: Map<string, { points: number; confirmed: boolean }> | null;
  /** Surveys: the groups in pack order, and whether every group's rule is confirmed. */
  groups: PlanGroup[];
  groupIds: Set<string> | null;
  groupsConfirmed: boolean;
}

export interface PlanCriterion {
  criterion: Criterion;
  first: number;
  end: number;
}

export interface ScorePlan {
  loaded: LoadedPack;
  indicators: PlanIndicator[];
  /** The slot (position in `indicators`) of each indicator id. */
  slotOf: Map<string, number>;
  criteria: PlanCriterion[];
  thresholds: Record<UnitClass, number>;
  /** The pack's own status or its recognition rule is provisional. */
  baseProvisional: boolean;
  noCriterionAtZero: boolean;
}

/** Bracket thresholds scaled to integers (1/10^4 percent for rates, surveys and rates per N; counts as they are). */
export function scaleThresholds(ind: Indicator & { brackets: { threshold: number }[] }): number[] {
  return ind.brackets.map((b) => {
    if (ind.kind === 'count') return b.threshold;
    const v = scaledThreshold(b.threshold);
    if (v === null) throw new Error(`Unvalidated pack: threshold ${b.threshold} of ${ind.id}`);
    return v;
  });
}

const indicatorPlans = new WeakMap<Indicator, PlanIndicator>();

/** One indicator's compiled rule (cached per indicator object). */
export function compileIndicator(ind: Indicator): PlanIndicator {
  let p = indicatorPlans.get(ind);
  if (p === undefined) {
    p = compileRule(ind);
    indicatorPlans.set(ind, p);
  }
  return p;
}

function compileRule(ind: Indicator): PlanIndicator {
  const p: PlanIndicator = {
    ind,
    kind: ind.kind,
    max: ind.max,
    confirmed: ind.confirmed,
    higher: true,
    scaled: [],
    maxScaled: 0,
    points: [],
    bracketConfirmed: [],
    otherwiseConfirmed: true,
    zeroPoints: 0,
    zeroConfirmed: true,
    perScaled: 0,
    options: null,
    groups: [],
    groupIds: null,
    groupsConfirmed: true,
  };
  if (ind.kind === 'choice') p.options = new Map(ind.options.map((o) => [o.id, { points: o.points, confirmed: o.confirmed }]));
  if (ind.kind === 'boolean' || ind.kind === 'choice') return p;
  p.scaled = scaleThresholds(ind);
  p.maxScaled = Math.max(...p.scaled);
  p.points = ind.brackets.map((b) => b.points);
  p.bracketConfirmed = ind.brackets.map((b) => b.confirmed);
  p.otherwiseConfirmed = ind.otherwise.confirmed;
  if (ind.kind === 'survey') {
    p.groups = ind.groups.map((g) => ({ id: g.id, min: g.minRespondents }));
    p.groupIds = new Set(ind.groups.map((g) => g.id));
    p.groupsConfirmed = ind.groups.every((g) => g.confirmed);
    return p;
  }
  p.higher = ind.better === 'higher';
  if (ind.kind === 'rate' || ind.kind === 'rate_per_n') {
    p.zeroPoints = ind.denominatorZero.points;
    p.zeroConfirmed = ind.denominatorZero.confirmed;
  }
  if (ind.kind === 'rate_per_n') p.perScaled = ind.per * THRESHOLD_SCALE;
  return p;
}

function compile(loaded: LoadedPack): ScorePlan {
  const { pack } = loaded;
  const indicators: PlanIndicator[] = [];
  const criteria: PlanCriterion[] = [];
  pack.criteria.forEach((c) => {
    const first = indicators.length;
    for (const ind of c.indicators) indicators.push(compileIndicator(ind));
    criteria.push({ criterion: c, first, end: indicators.length });
  });
  return {
    loaded,
    indicators,
    slotOf: new Map(indicators.map((i, k) => [i.ind.id, k])),
    criteria,
    thresholds: pack.recognition.thresholds,
    baseProvisional: pack.status === 'provisional' || !pack.recognition.confirmed,
    noCriterionAtZero: pack.recognition.noCriterionAtZero,
  };
}

const plans = new WeakMap<object, ScorePlan>();

/** The compiled plan of a loaded pack (compiled on first use). */
export function planOf(loaded: LoadedPack): ScorePlan {
  const cached = plans.get(loaded.pack);
  if (cached !== undefined && cached.loaded.sha256 === loaded.sha256) return cached;
  const plan = compile(loaded);
  plans.set(loaded.pack, plan);
  return plan;
}
