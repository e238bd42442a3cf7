/**
 * Generated score inputs for the oracle-equality test and `npm run bench:score`: a seeded PRNG (mulberry32), so every
 * run sees the same batch. Values sit on and beside every bracket boundary (threshold − 1, at, + 1 in the indicator's
 * own units, rates on small and very large denominators, 0/0), surveys on and beside their minimum respondents; some
 * values are left out, cleared (null) or overridden. `badInput` derives a rejected input from a good one, one or two
 * faults at a time. `everyKindPack` adds to the test pack of every kind the rates per N (N = 1,000, 100,000 with a
 * decimal threshold, 1,000,000 higher-is-better, where the products pass 2^53), a lower-is-better rate and
 * unconfirmed rules, so provisional flags vary too.
 */
import { loadPack } from '../../../src/core/criteria/registry';
import type { Indicator, LoadedPack, Pack } from '../../../src/core/criteria/schema';
import type { IndicatorValue } from '../../../src/core/scoring/input';
import { kindsPack } from './testpack';

export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const src = { confirmed: true, source: 'test' };
const unconfirmed = { confirmed: false, source: 'placeholder' };
const t = (en: string) => ({ vi: `vi ${en}`, en });

/** The pack of every kind, with rates per N, a lower-is-better rate and some unconfirmed rules (status provisional). */
export function everyKindPack(): LoadedPack {
  const base = kindsPack();
  const perN = (id: string, per: number, better: 'higher' | 'lower', max: number, brackets: [number, number, boolean][]): Indicator => ({
    id,
    kind: 'rate_per_n',
    better,
    per,
    title: t(`Rate per ${per} ${id}`),
    max,
    ...src,
    numeratorLabel: t('cases'),
    denominatorLabel: t('children'),
    brackets: brackets.map(([threshold, points, confirmed]) => ({ threshold, points, confirmed, source: 'test' })),
    otherwise: unconfirmed,
    denominatorZero: { points: max, ...src },
  });
  const pack: Pack = {
    ...base,
    id: 'every-kind',
    status: 'provisional',
    maxTotal: 200,
    recognition: { noCriterionAtZero: true, thresholds: { urban_ward: 180, mountain_island_disadvantaged: 120, other: 160 }, ...unconfirmed },
    criteria: [
      ...base.criteria,
      {
        id: 'D',
        title: t('Rates per N'),
        max: 100,
        ...src,
        indicators: [
          perN('D.1', 1000, 'lower', 40, [[0, 40, true], [1, 25, false], [2.5, 10, true]]),
          perN('D.2', 100_000, 'lower', 30, [[12.5, 30, true], [40, 10, true]]),
          perN('D.3', 1_000_000, 'higher', 20, [[900_000, 20, true], [500_000.25, 5, false]]),
          {
            id: 'D.4',
            kind: 'rate',
            better: 'lower',
            title: t('Lower rate'),
            max: 10,
            ...unconfirmed,
            numeratorLabel: t('children harmed'),
            denominatorLabel: t('children'),
            brackets: [
              { threshold: 5, points: 10, ...src },
              { threshold: 10.5, points: 5, ...unconfirmed },
            ],
            otherwise: src,
            denominatorZero: { points: 10, ...unconfirmed },
          },
        ],
      },
    ],
  };
  return loadPack(pack, 'test');
}

const CLASSES = ['urban_ward', 'mountain_island_disadvantaged', 'other'] as const;

export interface GeneratedInput {
  pack: string;
  packVersion?: string;
  unitClass: (typeof CLASSES)[number];
  values: Record<string, IndicatorValue | null>;
  overrides?: Record<string, { points: number; reason: string }>;
}

/**
 * Inputs for one pack. `varied`: values left out, cleared, overridden, 0/0, huge denominators, surveys under their
 * minimum (what real entries hold besides full data); otherwise every value is entered, as the bench's batch.
 */
export function generator(loaded: LoadedPack, seed: number, varied: boolean): () => GeneratedInput {
  const rand = rng(seed);
  const int = (max: number) => Math.floor(rand() * (max + 1));
  const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
  const indicators = loaded.pack.criteria.flatMap((c) => c.indicators);
  const denominator = () => (varied && rand() < 0.05 ? 0 : varied && rand() < 0.15 ? 1 + int(999_999_999) : 1 + int(2000));

  function value(ind: Indicator): IndicatorValue {
    switch (ind.kind) {
      case 'boolean':
        return rand() < 0.8;
      case 'choice':
        return ind.options[int(ind.options.length - 1)]!.id;
      case 'count': {
        if (rand() < 0.5) return rand() < 0.6 ? 0 : int(varied ? 40 : 4);
        return Math.max(0, ind.brackets[int(ind.brackets.length - 1)]!.threshold + int(2) - 1);
      }
      case 'rate':
      case 'rate_per_n': {
        const d = denominator();
        if (d === 0) return { numerator: 0, denominator: 0 };
        const scale = ind.kind === 'rate' ? 100 : ind.per;
        // Most rates sit on or beside a bracket threshold, where exactness and rounding matter.
        if (rand() < 0.7) {
          const b = ind.brackets[int(ind.brackets.length - 1)]!;
          const at = Math.floor((b.threshold * d) / scale);
          return { numerator: clamp(at + int(3) - 1, 0, d), denominator: d };
        }
        return { numerator: ind.kind === 'rate' ? int(d) : int(Math.min(d, 5)), denominator: d };
      }
      case 'survey': {
        const groups: Record<string, { respondents: number; satisfied: number }> = {};
        for (const g of ind.groups) {
          if (varied && rand() < 0.05) continue; // a group not tallied
          const r = varied && rand() < 0.2 ? clamp(g.minRespondents + int(2) - 1, 0, Infinity) : g.minRespondents + int(60);
          const near = Math.floor((ind.brackets[int(ind.brackets.length - 1)]!.threshold * r) / 100) + int(2) - 1;
          groups[g.id] = { respondents: r, satisfied: rand() < 0.5 ? clamp(near, 0, r) : int(r) };
        }
        return { groups };
      }
    }
  }

  return (): GeneratedInput => {
    const values: Record<string, IndicatorValue | null> = {};
    const overrides: Record<string, { points: number; reason: string }> = {};
    // Half the varied inputs are fully entered (so every verdict occurs), the others may miss values.
    const complete = !varied || rand() < 0.5;
    for (const ind of indicators) {
      const r = complete ? 1 : rand();
      if (r < 0.04) continue; // not entered
      if (r < 0.06) values[ind.id] = null; // cleared
      else values[ind.id] = value(ind);
      if (varied && rand() < 0.03) overrides[ind.id] = { points: int(ind.max), reason: rand() < 0.5 ? ' đã kiểm tra hồ sơ ' : 'checked on site' };
    }
    const input: GeneratedInput = { pack: loaded.pack.id, unitClass: CLASSES[int(2)]!, values };
    if (varied && rand() < 0.2) input.packVersion = loaded.pack.version;
    if (Object.keys(overrides).length > 0) input.overrides = overrides;
    return input;
  };
}

/** Derives bad inputs from good ones: each breaks one thing (sometimes two), chosen by the PRNG. */
export function badInputs(loaded: LoadedPack, seed: number): () => unknown {
  const rand = rng(seed);
  const int = (max: number) => Math.floor(rand() * (max + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length - 1)]!;
  const indicators = loaded.pack.criteria.flatMap((c) => c.indicators);
  const junk: unknown[] = [-1, -0.5, 1.5, 2e9, 1_000_000_001, NaN, Infinity, '12', 'x'.repeat(40), true, false, null, [], {}, { numerator: 1 }, { groups: [] }, { groups: {} }];
  const good = generator(loaded, seed + 1, true);
  const breakOne = (input: Record<string, unknown>): void => {
    const v = input['values'];
    const values = (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : (input['values'] = {})) as Record<string, unknown>;
    const ind = pick(indicators);
    switch (int(12)) {
      case 0:
        values[ind.id] = pick(junk);
        break;
      case 1:
        if (ind.kind === 'rate' || ind.kind === 'rate_per_n') values[ind.id] = { numerator: 10 + int(5), denominator: int(12), ...(rand() < 0.3 ? { extra: 1 } : {}) };
        else values[ind.id] = pick(junk);
        break;
      case 2:
        if (ind.kind === 'survey') {
          const gid = rand() < 0.6 ? ind.groups[int(ind.groups.length - 1)]!.id : 'nobody';
          values[ind.id] = { groups: { [gid]: pick([{ respondents: 3, satisfied: 4 }, { respondents: 3 }, { respondents: 3, satisfied: 1, other: 0 }, ...junk]) } };
        } else values[ind.id] = { groups: {} };
        break;
      case 3:
        values['Z.' + int(9)] = pick([true, null]);
        break;
      case 4:
        input['unitClass'] = pick(['village', '', 3, null, undefined, 'Other']);
        break;
      case 5:
        input['pack'] = pick(['other-pack', '', 7, undefined]);
        break;
      case 6:
        input['packVersion'] = pick(['9.9.9', 1, null]);
        break;
      case 7:
        input[pick(['value', 'extra', 'Values'])] = {};
        break;
      case 8:
        input['overrides'] = {
          [rand() < 0.8 ? ind.id : 'Q.1']: pick([{ points: ind.max + 1, reason: 'x' }, { points: -1, reason: 'x' }, { points: 1.5, reason: 'x' }, { points: 0, reason: '  ' }, { points: 0 }, 'x', { points: 0, reason: 'ok', by: 'me' }, { points: '3', reason: 'x' }]),
        };
        break;
      case 9:
        input['values'] = pick([[], 'values', 5]);
        break;
      case 10:
        input['overrides'] = pick([[], 'none', 1]);
        break;
      case 11:
        if (ind.kind === 'survey') values[ind.id] = { groups: pick([[], 'x', null]), ...(rand() < 0.5 ? { note: 'x' } : {}) };
        else values[ind.id] = pick(junk);
        break;
      default:
        if (ind.kind === 'choice') values[ind.id] = pick(['no-such-option', 'Full', 1]);
        else if (ind.kind === 'count') values[ind.id] = pick([-3, 0.25, 1_000_000_001, '4', -0.0001]);
        else values[ind.id] = pick(junk);
    }
  };
  return (): unknown => {
    if (rand() < 0.02) return pick([null, 'input', 42, [], true]);
    const input = good() as unknown as Record<string, unknown>;
    breakOne(input);
    if (rand() < 0.3) breakOne(input);
    return input;
  };
}
