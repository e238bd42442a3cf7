import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Indicator } from '../../../src/core/criteria/schema';
import { evaluateIndicator, score } from '../../../src/core/scoring/engine';
import type { IndicatorValue } from '../../../src/core/scoring/input';
import { allIndicators, builtin } from './helpers';

const p = builtin();
const indicators = allIndicators(p.pack).map((x) => x.ind);
const points = (ind: Indicator, v: IndicatorValue) => evaluateIndicator(ind, v).computed ?? 0;

const rateArb = fc.integer({ min: 0, max: 5000 }).chain((d) => fc.record({ numerator: fc.integer({ min: 0, max: d }), denominator: fc.constant(d) }));
function valueArb(ind: Indicator): fc.Arbitrary<IndicatorValue | undefined> {
  const v: fc.Arbitrary<IndicatorValue> = (() => {
    switch (ind.kind) {
      case 'boolean':
        return fc.boolean();
      case 'count':
        return fc.integer({ min: 0, max: 20 });
      case 'rate':
      case 'rate_per_n':
        return rateArb;
      case 'choice':
        return fc.constantFrom(...ind.options.map((o) => o.id));
      case 'survey': {
        const tally = fc.integer({ min: 0, max: 80 }).chain((r) => fc.record({ respondents: fc.constant(r), satisfied: fc.integer({ min: 0, max: r }) }));
        return fc.record({ groups: fc.record(Object.fromEntries(ind.groups.map((g) => [g.id, tally]))) });
      }
    }
  })();
  return fc.option(v, { nil: undefined, freq: 10 });
}

const inputArb = fc.record({
  unitClass: fc.constantFrom('urban_ward', 'mountain_island_disadvantaged', 'other'),
  values: fc.record(Object.fromEntries(indicators.map((ind) => [ind.id, valueArb(ind)]))),
  overrides: fc.dictionary(
    fc.constantFrom(...indicators.map((i) => i.id)),
    fc.record({ points: fc.nat(), reason: fc.constant('checked') }),
    { maxKeys: 3 },
  ),
});

describe('properties of the engine', () => {
  it('points stay within [0, max]; a criterion is the sum of its indicators; the total is the sum of the criteria', () => {
    fc.assert(
      fc.property(inputArb, (gen) => {
        const values = Object.fromEntries(Object.entries(gen.values).filter(([, v]) => v !== undefined));
        const overrides = Object.fromEntries(
          Object.entries(gen.overrides).map(([id, o]) => [id, { ...o, points: o.points % (indicators.find((i) => i.id === id)!.max + 1) }]),
        );
        const r = score({ pack: p.pack.id, unitClass: gen.unitClass, values, overrides }, p);
        let total = 0;
        for (const c of r.criteria) {
          let sum = 0;
          for (const i of c.indicators) {
            expect(i.points).toBeGreaterThanOrEqual(0);
            expect(i.points).toBeLessThanOrEqual(i.max);
            if (i.computed !== null) expect(i.computed).toBeLessThanOrEqual(i.max);
            sum += i.points;
          }
          expect(c.points).toBe(sum);
          expect(c.points).toBeLessThanOrEqual(c.max);
          total += c.points;
        }
        expect(r.total).toBe(total);
        expect(r.recognised).toBe(r.reasons.length === 0);
        expect(r.recognised).toBe(r.total >= r.threshold && r.criteria.every((c) => c.points > 0) && r.verdict === 'recognised');
      }),
      { numRuns: 300 },
    );
  });

  const rates = indicators.filter((i): i is Extract<Indicator, { kind: 'rate' }> => i.kind === 'rate');
  it.each(rates.map((i) => [i.id, i.better, i] as const))('rate %s (%s is better) is monotonic in the numerator', (_id, better, ind) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.nat(), fc.nat(), (d, a, b) => {
        const lo = Math.min(a, b) % (d + 1);
        const hi = Math.max(a, b) % (d + 1);
        const [x, y] = lo <= hi ? [lo, hi] : [hi, lo];
        const px = points(ind, { numerator: x, denominator: d });
        const py = points(ind, { numerator: y, denominator: d });
        if (better === 'higher') expect(py).toBeGreaterThanOrEqual(px);
        else expect(py).toBeLessThanOrEqual(px);
      }),
      { numRuns: 500 },
    );
  });

  const counts = indicators.filter((i): i is Extract<Indicator, { kind: 'count' }> => i.kind === 'count');
  it.each(counts.map((i) => [i.id, i] as const))('count %s: more cases never give more points', (_id, ind) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (a, b) => {
        const [x, y] = a <= b ? [a, b] : [b, a];
        expect(points(ind, y)).toBeLessThanOrEqual(points(ind, x));
      }),
    );
  });

  it('the survey rate is monotonic in the satisfied respondents', () => {
    const survey = indicators.find((i) => i.kind === 'survey')!;
    fc.assert(
      fc.property(fc.integer({ min: 30, max: 500 }), fc.integer({ min: 30, max: 500 }), fc.nat(), (rc, ra, k) => {
        const s = k % (rc + 1);
        const v = (sc: number) => ({ groups: { children: { respondents: rc, satisfied: sc }, adults: { respondents: ra, satisfied: 0 } } });
        expect(points(survey, v(Math.min(rc, s + 1)))).toBeGreaterThanOrEqual(points(survey, v(s)));
      }),
    );
  });
});
