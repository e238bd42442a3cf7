import type { UnitClass } from '../criteria/schema';
import type { IndicatorValue, Override, SurveyTally } from './input';
import { type PlanIndicator, type ScorePlan } from './plan';

/**
 * The fast validator: the rules of `validateScoreInput` (input.ts) specialised to one compiled pack, answering only
 * "certainly valid" (the unit class, with every value and override written into its slot, normalised as
 * `parseScoreInput` normalises them) or "not sure" (null). It builds no message: on null the caller runs the full
 * validation, which names every problem, so rejections stay exactly those of `validateScoreInput`. It is
 * conservative: anything unusual (a key not of the object itself, an unknown field) is "not sure".
 */

/** The largest count the engine takes: a commune's children number in the thousands; this keeps every product exact. */
export const MAX_COUNT = 1_000_000_000;

const hasOwn = Object.prototype.hasOwnProperty;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A whole number in 0..MAX_COUNT. */
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COUNT;
}

/** Only the keys `a` and `b`, each of the object itself. */
function onlyKeys(o: Record<string, unknown>, a: string, b: string | null): boolean {
  for (const k in o) if ((k !== a && k !== b) || !hasOwn.call(o, k)) return false;
  return true;
}

/** A value checked against its indicator's kind, normalised; undefined when not sure. */
function checkValue(p: PlanIndicator, v: unknown): IndicatorValue | undefined {
  switch (p.kind) {
    case 'boolean':
      return typeof v === 'boolean' ? v : undefined;
    case 'count':
      return isCount(v) ? v : undefined;
    case 'choice':
      return typeof v === 'string' && p.options!.has(v) ? v : undefined;
    case 'rate':
    case 'rate_per_n': {
      if (!isObject(v) || !onlyKeys(v, 'numerator', 'denominator')) return undefined;
      const n = v['numerator'];
      const d = v['denominator'];
      return isCount(n) && isCount(d) && n <= d ? { numerator: n, denominator: d } : undefined;
    }
    default: {
      if (!isObject(v) || !onlyKeys(v, 'groups', null)) return undefined;
      const groups = v['groups'];
      if (!isObject(groups)) return undefined;
      const out: Record<string, SurveyTally> = {};
      for (const gid in groups) {
        if (!hasOwn.call(groups, gid) || !p.groupIds!.has(gid)) return undefined;
        const t = groups[gid];
        if (!isObject(t) || !onlyKeys(t, 'respondents', 'satisfied')) return undefined;
        const r = t['respondents'];
        const s = t['satisfied'];
        if (!isCount(r) || !isCount(s) || s > r) return undefined;
        out[gid] = { respondents: r, satisfied: s };
      }
      return { groups: out };
    }
  }
}

/** An override checked against its indicator's maximum, its reason trimmed; undefined when not sure. */
function checkOverride(p: PlanIndicator, o: unknown): Override | undefined {
  if (!isObject(o) || !onlyKeys(o, 'points', 'reason')) return undefined;
  const points = o['points'];
  const reason = o['reason'];
  if (typeof points !== 'number' || !Number.isInteger(points) || points < 0 || points > p.max) return undefined;
  if (typeof reason !== 'string') return undefined;
  const trimmed = reason.trim();
  return trimmed === '' ? undefined : { points, reason: trimmed };
}

/**
 * Checks each field of an object keyed by indicator id (absent: none) with `check`, writing the result into `out` at the
 * indicator's slot; `skipEmpty`: a null or undefined field is not entered. False when not sure.
 */
function checkEach<T>(obj: unknown, plan: ScorePlan, out: (T | undefined)[], check: (p: PlanIndicator, v: unknown) => T | undefined, skipEmpty: boolean): boolean {
  const o = obj ?? {};
  if (!isObject(o)) return false;
  for (const id in o) {
    const slot = plan.slotOf.get(id);
    if (slot === undefined || !hasOwn.call(o, id)) return false;
    const v = o[id];
    if (skipEmpty && (v === null || v === undefined)) continue;
    const ok = check(plan.indicators[slot]!, v);
    if (ok === undefined) return false;
    out[slot] = ok;
  }
  return true;
}

function unitClassOf(v: unknown): UnitClass | null {
  return v === 'urban_ward' || v === 'mountain_island_disadvantaged' || v === 'other' ? v : null;
}

/**
 * Checks a raw score input against a compiled pack. Valid for certain: returns its unit class, with `values[slot]` and
 * `overrides[slot]` set (slots in pack order; absent or null values stay undefined). Otherwise null.
 */
export function checkInput(raw: unknown, plan: ScorePlan, values: (IndicatorValue | undefined)[], overrides: (Override | undefined)[]): UnitClass | null {
  if (!isObject(raw)) return null;
  for (const k in raw) {
    if (!hasOwn.call(raw, k)) return null;
    if (k !== 'pack' && k !== 'packVersion' && k !== 'unitClass' && k !== 'values' && k !== 'overrides') return null;
  }
  const { pack } = plan.loaded;
  if (raw['pack'] !== pack.id) return null;
  const version = raw['packVersion'];
  if (version !== undefined && version !== pack.version) return null;
  const unitClass = unitClassOf(raw['unitClass']);
  if (unitClass === null) return null;

  if (!checkEach(raw['values'], plan, values, checkValue, true)) return null;
  if (!checkEach(raw['overrides'], plan, overrides, checkOverride, false)) return null;
  return unitClass;
}
