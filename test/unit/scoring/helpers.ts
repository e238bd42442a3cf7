import path from 'node:path';
import { packRegistry } from '../../../src/core/criteria/registry';
import type { Bracket, Indicator, LoadedPack, Pack } from '../../../src/core/criteria/schema';
import { canonicalSha256 } from '../../../src/core/criteria/hash';
import type { IndicatorValue } from '../../../src/core/scoring/input';

export const resourcesDir = path.resolve(import.meta.dirname, '../../../resources');
export const fixturesDir = path.resolve(import.meta.dirname, '../../fixtures/scoring');

export function builtin(): LoadedPack {
  return packRegistry(resourcesDir).require('qd06-2019');
}

export function allIndicators(pack: Pack): { criterionId: string; ind: Indicator }[] {
  return pack.criteria.flatMap((c) => c.indicators.map((ind) => ({ criterionId: c.id, ind })));
}

/** A value that earns an indicator's maximum, written from the spec's rules (not from the engine). */
export function bestValue(ind: Indicator): IndicatorValue {
  switch (ind.kind) {
    case 'boolean':
      return true;
    case 'count':
      return ind.better === 'lower' ? 0 : ind.brackets[0]!.threshold;
    case 'rate':
    case 'rate_per_n':
      return ind.better === 'higher' ? { numerator: 100, denominator: 100 } : { numerator: 0, denominator: 100 };
    case 'choice':
      return [...ind.options].sort((a, b) => b.points - a.points)[0]!.id;
    case 'survey':
      return { groups: Object.fromEntries(ind.groups.map((g) => [g.id, { respondents: g.minRespondents, satisfied: g.minRespondents }])) };
  }
}

/** An input where every indicator is at its best. */
export function fullInput(pack: Pack, unitClass = 'other'): { pack: string; unitClass: string; values: Record<string, IndicatorValue>; overrides: Record<string, { points: number; reason: string }> } {
  return { pack: pack.id, unitClass, values: Object.fromEntries(allIndicators(pack).map(({ ind }) => [ind.id, bestValue(ind)])), overrides: {} };
}

/**
 * The test's own reading of a bracket table, independent of the engine: a decimal threshold becomes the exact fraction
 * of its decimal digits, and "value ≥ threshold" (or ≤) is decided by BigInt cross-multiplication. First match wins.
 */
export function fraction(decimal: number): { num: bigint; den: bigint } {
  const [int, frac = ''] = String(decimal).split('.');
  return { num: BigInt(int! + frac), den: 10n ** BigInt(frac.length) };
}
export function expectedRatePoints(brackets: Bracket[], better: 'higher' | 'lower', n: number, d: number): number {
  for (const b of brackets) {
    const t = fraction(b.threshold);
    // n/d*100 vs t.num/t.den  <=>  n*100*t.den vs t.num*d
    const lhs = BigInt(n) * 100n * t.den;
    const rhs = t.num * BigInt(d);
    if (better === 'higher' ? lhs >= rhs : lhs <= rhs) return b.points;
  }
  return 0;
}
export function expectedCountPoints(brackets: Bracket[], better: 'higher' | 'lower', c: number): number {
  for (const b of brackets) if (better === 'higher' ? c >= b.threshold : c <= b.threshold) return b.points;
  return 0;
}

/** A loaded pack from a pack object (tests build small packs). */
export function loaded(pack: Pack): LoadedPack {
  return { pack, sha256: canonicalSha256(pack), origin: 'test' };
}
