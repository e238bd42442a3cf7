import { describe, expect, it } from 'vitest';
import { validatePack } from '../../../src/core/criteria/validate';
import type { Bracket, Pack, RatePerNIndicator } from '../../../src/core/criteria/schema';
import { score } from '../../../src/core/scoring/engine';
import { whatIf } from '../../../src/core/scoring/whatif';
import type { CfcError } from '../../../src/core/errors';
import { fraction, loaded } from './helpers';

/**
 * The rate-per-N kind (tỷ suất): cases per N children, brackets on the exact rate. Every bracket boundary is tried
 * just below, at and just above, with the expected points read from the bracket table by the test's own BigInt
 * arithmetic (never from the engine), for N = 1,000 (lower is better), N = 100,000 with a decimal threshold, and a
 * higher-is-better indicator.
 */
const src = { confirmed: true, source: 'test' };
const t = (en: string) => ({ vi: `vi ${en}`, en });

function perN(id: string, per: number, better: 'higher' | 'lower', brackets: Bracket[], max: number): RatePerNIndicator {
  return {
    id,
    kind: 'rate_per_n',
    better,
    per,
    title: t(`Rate ${id}`),
    max,
    ...src,
    numeratorLabel: t('children abused'),
    denominatorLabel: t('children'),
    brackets,
    otherwise: src,
    denominatorZero: { points: max, ...src },
  };
}

function pack(): Pack {
  return {
    format: 'cfc-criteria-pack',
    formatVersion: 1,
    id: 'perN',
    version: '1.0.0',
    title: t('Per N'),
    legalBasis: t('None'),
    effectiveDate: '2025-01-01',
    status: 'official',
    provisionalNotice: t('Provisional'),
    maxTotal: 150,
    recognition: { noCriterionAtZero: false, thresholds: { urban_ward: 100, mountain_island_disadvantaged: 100, other: 100 }, ...src },
    criteria: [
      {
        id: '3',
        title: t('Abuse'),
        max: 150,
        ...src,
        indicators: [
          perN('3.1', 1000, 'lower', [{ threshold: 0, points: 75, ...src }, { threshold: 1, points: 50, ...src }, { threshold: 2.5, points: 25, ...src }], 75),
          perN('3.2', 100_000, 'lower', [{ threshold: 12.5, points: 50, ...src }, { threshold: 40, points: 10, ...src }], 50),
          perN('3.3', 1000, 'higher', [{ threshold: 900, points: 25, ...src }, { threshold: 500.25, points: 5, ...src }], 25),
        ],
      },
    ],
  };
}

const lp = loaded(pack());
const inds = lp.pack.criteria[0]!.indicators as RatePerNIndicator[];

/** The test's reading: n/d × per against the threshold, exactly (n·per·den vs num·d), first match wins. */
function expected(ind: RatePerNIndicator, n: number, d: number): number {
  if (d === 0) return ind.denominatorZero.points;
  for (const b of ind.brackets) {
    const f = fraction(b.threshold);
    const lhs = BigInt(n) * BigInt(ind.per) * f.den;
    const rhs = f.num * BigInt(d);
    if (ind.better === 'higher' ? lhs >= rhs : lhs <= rhs) return b.points;
  }
  return 0;
}

function pointsOf(id: string, n: number, d: number) {
  const r = score({ pack: 'perN', unitClass: 'other', values: { [id]: { numerator: n, denominator: d } } }, lp);
  return r.criteria[0]!.indicators.find((i) => i.id === id)!;
}

describe('the pack with rate-per-N indicators', () => {
  it('is a valid pack', () => {
    expect(validatePack(pack())).toMatchObject({ ok: true });
  });
});

describe('rate-per-N bracket boundaries', () => {
  for (const ind of inds) {
    // A population where each threshold is an exact number of cases: per × 10^4 / gcd makes every 4-decimal threshold whole.
    const d = ind.per * 40; // thresholds are multiples of 1/40 (0.025 steps): 2.5, 12.5, 500.25 → exact case counts
    describe(`${ind.id} (per ${ind.per}, ${ind.better} is better), ${d} children`, () => {
      ind.brackets.forEach((b, bi) => {
        const atExact = (b.threshold * d) / ind.per;
        const at = Math.round(atExact);
        it(`bracket ${bi + 1} (${b.threshold}/${ind.per}): just below, at, just above`, () => {
          expect(at).toBeCloseTo(atExact, 9); // the test's population puts the threshold on a whole case
          expect(pointsOf(ind.id, at, d).points).toBe(b.points);
          for (const n of [at - 1, at + 1]) {
            if (n < 0 || n > d) continue;
            expect(pointsOf(ind.id, n, d).points).toBe(expected(ind, n, d));
          }
          // One case on the worse side leaves the bracket: the next one (or 0) applies.
          const worse = ind.better === 'higher' ? at - 1 : at + 1;
          if (worse >= 0 && worse <= d) expect(pointsOf(ind.id, worse, d).points).toBe(ind.brackets[bi + 1]?.points ?? 0);
        });
      });
      it('0/0 gives the denominator-zero points', () => {
        expect(pointsOf(ind.id, 0, 0).points).toBe(ind.denominatorZero.points);
      });
    });
  }

  it('decides on the exact rate, not a rounded one: 1 case per 999 children is above 1/1000', () => {
    // 1/999 × 1000 = 1.001…, rounds to 1.00 but is above the bracket "≤ 1 per 1,000".
    expect(pointsOf('3.1', 1, 999).points).toBe(25);
    expect(pointsOf('3.1', 1, 1000).points).toBe(50);
    // 12.5 per 100,000: 1 in 8,000 is exactly on it, 1 in 7,999 is above.
    expect(pointsOf('3.2', 1, 8000).points).toBe(50);
    expect(pointsOf('3.2', 1, 7999).points).toBe(10);
  });

  it('stays exact where floating point would not (large N × large populations)', () => {
    // n × per × 10^4 = 999,999,999 × 100,000 × 10^4 passes 2^53; BigInt keeps it exact.
    const d = 1_000_000_000;
    const n = (40 * d) / 100_000; // exactly 40 per 100,000
    expect(pointsOf('3.2', n, d).points).toBe(10);
    expect(pointsOf('3.2', n + 1, d).points).toBe(0);
  });

  it('explains the rate per N and the bracket that applied, in both languages', () => {
    const r = pointsOf('3.1', 3, 2000);
    expect(r.explanation.vi).toBe('3/2.000 = 1,5/1.000 ≤ 2,5/1.000 → 25/75');
    expect(r.explanation.en).toBe('3/2,000 = 1.5/1,000 ≤ 2.5/1,000 → 25/75');
    const none = pointsOf('3.1', 6, 2000);
    expect(none.explanation.en).toBe('6/2,000 = 3/1,000 > 2.5/1,000 → 0/75');
    expect(none.kind).toBe('rate_per_n');
  });
});

describe('rate-per-N input and what-if', () => {
  it('refuses a numerator above the denominator and a non-object, naming the field', () => {
    const bad = (v: unknown) => {
      try {
        score({ pack: 'perN', unitClass: 'other', values: { '3.1': v } }, lp);
      } catch (e) {
        return e as CfcError;
      }
      throw new Error('accepted');
    };
    const e1 = bad({ numerator: 5, denominator: 4 });
    expect(e1.code).toBe('invalid_input');
    expect(e1.field).toBe('values.3.1.numerator');
    const e2 = bad(3);
    expect(e2.field).toBe('values.3.1');
    expect(e2.messages.vi).toContain('rate_per_n');
  });

  it('the what-if names the cases to avoid to reach the next bracket', () => {
    const w = whatIf({ pack: 'perN', unitClass: 'other', values: { '3.1': { numerator: 3, denominator: 2000 }, '3.2': { numerator: 0, denominator: 100 }, '3.3': { numerator: 0, denominator: 100 } } }, lp);
    const step = w.options.find((o) => o.indicatorId === '3.1')!;
    // 3/2000 = 1.5 per 1,000 → the bracket "≤ 1 per 1,000" needs at most 2 cases in 2,000.
    expect(step).toMatchObject({ from: '3/2000', to: '2/2000', effort: 1, pointsBefore: 25, gain: 25 });
  });
});

describe('rate-per-N pack validation', () => {
  it('refuses a threshold above N, naming the bracket', () => {
    const p = pack();
    (p.criteria[0]!.indicators[0] as RatePerNIndicator).brackets[2]!.threshold = 1001;
    const v = validatePack(p);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.problems.map((x) => x.field)).toContain('criteria.0.indicators.0.brackets.2.threshold');
  });
  it('refuses a missing or zero N', () => {
    const p = pack() as unknown as { criteria: { indicators: Record<string, unknown>[] }[] };
    p.criteria[0]!.indicators[0]!['per'] = 0;
    const v = validatePack(p);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.problems[0]!.field).toBe('criteria.0.indicators.0.per');
  });
});
