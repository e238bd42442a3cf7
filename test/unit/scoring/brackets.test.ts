import { describe, expect, it } from 'vitest';
import { score } from '../../../src/core/scoring/engine';
import type { IndicatorValue } from '../../../src/core/scoring/input';
import { allIndicators, builtin, expectedCountPoints, expectedRatePoints, fullInput } from './helpers';

/**
 * Every bracket boundary of every indicator of the built-in pack: just below, at, and just above, generated from the
 * pack data. The expected points come from the test's own reading of the bracket table (and, at the boundary, from
 * the table position itself), never from the engine.
 */
const p = builtin();

function pointsFor(id: string, value: IndicatorValue): number {
  const input = fullInput(p.pack);
  input.values[id] = value;
  const r = score(input, p);
  const ind = r.criteria.flatMap((c) => c.indicators).find((i) => i.id === id)!;
  return ind.points;
}

interface Case {
  name: string;
  value: IndicatorValue;
  expected: number;
}

const cases: { id: string; cases: Case[] }[] = [];
for (const { ind } of allIndicators(p.pack)) {
  const list: Case[] = [];
  if (ind.kind === 'rate') {
    // 10 000 children: steps of 0.01%; 400: steps of 0.25% (every threshold of the pack is a whole percentage).
    for (const d of [10_000, 400]) {
      ind.brackets.forEach((b, bi) => {
        const at = (b.threshold * d) / 100;
        if (!Number.isInteger(at)) throw new Error(`${ind.id}: threshold ${b.threshold} is not a multiple of 100/${d}`);
        list.push({ name: `${at}/${d} at bracket ${bi + 1} (${b.threshold}%)`, value: { numerator: at, denominator: d }, expected: b.points });
        for (const n of [at - 1, at + 1]) {
          if (n < 0 || n > d) continue;
          list.push({ name: `${n}/${d} next to bracket ${bi + 1} (${b.threshold}%)`, value: { numerator: n, denominator: d }, expected: expectedRatePoints(ind.brackets, ind.better, n, d) });
        }
        // Position check: one step on the worse side of the top bracket falls to the next bracket (or 0).
        if (bi === 0) {
          const worse = ind.better === 'higher' ? at - 1 : at + 1;
          if (worse >= 0 && worse <= d) list.push({ name: `${worse}/${d} just worse than the top`, value: { numerator: worse, denominator: d }, expected: ind.brackets[1]?.points ?? 0 });
        }
      });
    }
    list.push({ name: 'denominator 0', value: { numerator: 0, denominator: 0 }, expected: ind.denominatorZero.points });
  } else if (ind.kind === 'count') {
    ind.brackets.forEach((b, bi) => {
      list.push({ name: `${b.threshold} at bracket ${bi + 1}`, value: b.threshold, expected: b.points });
      for (const c of [b.threshold - 1, b.threshold + 1]) {
        if (c < 0) continue;
        list.push({ name: `${c} next to bracket ${bi + 1} (${b.threshold})`, value: c, expected: expectedCountPoints(ind.brackets, ind.better, c) });
      }
    });
    const last = ind.brackets[ind.brackets.length - 1]!;
    list.push({ name: `${last.threshold + 1} beyond the last bracket`, value: last.threshold + 1, expected: 0 });
  } else if (ind.kind === 'survey') {
    // 60 children + 40 adults = 100 respondents, so the rate in % is the number satisfied.
    const [g1, g2] = ind.groups;
    const split = (s: number) => ({ groups: { [g1!.id]: { respondents: 60, satisfied: Math.min(60, s) }, [g2!.id]: { respondents: 40, satisfied: Math.max(0, s - 60) } } });
    ind.brackets.forEach((b, bi) => {
      list.push({ name: `${b.threshold}/100 at bracket ${bi + 1}`, value: split(b.threshold), expected: b.points });
      for (const s of [b.threshold - 1, b.threshold + 1]) {
        if (s < 0 || s > 100) continue;
        list.push({ name: `${s}/100 next to bracket ${bi + 1}`, value: split(s), expected: expectedRatePoints(ind.brackets, 'higher', s, 100) });
      }
    });
  } else if (ind.kind === 'boolean') {
    list.push({ name: 'yes', value: true, expected: ind.max }, { name: 'no', value: false, expected: 0 });
  }
  cases.push({ id: ind.id, cases: list });
}

describe('bracket boundaries of the built-in pack', () => {
  it('covers every indicator', () => {
    expect(cases.map((c) => c.id)).toEqual(allIndicators(p.pack).map((x) => x.ind.id));
    expect(cases.every((c) => c.cases.length >= 2)).toBe(true);
  });
  for (const { id, cases: list } of cases) {
    describe(`indicator ${id}`, () => {
      it.each(list.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        expect(pointsFor(id, c.value)).toBe(c.expected);
      });
    });
  }
});

describe('the spec values of the brackets', () => {
  // A few rows typed from the criteria spec by hand, so a pack edit that changes the law is caught here.
  it.each([
    ['2.1', { numerator: 118, denominator: 120 }, 40],
    ['2.1', { numerator: 114, denominator: 120 }, 25],
    ['2.1', { numerator: 113, denominator: 120 }, 0],
    ['6.1', { numerator: 19, denominator: 20 }, 50],
    ['6.2', { numerator: 4, denominator: 5 }, 0],
    ['6.2', { numerator: 0, denominator: 0 }, 75],
    ['7.1', { numerator: 96, denominator: 100 }, 35],
    ['7.1', { numerator: 98, denominator: 100 }, 50],
    ['8.1', { numerator: 5, denominator: 100 }, 40],
    ['8.2', { numerator: 16, denominator: 100 }, 0],
    ['10.1', { numerator: 86, denominator: 100 }, 35],
    ['3.2', 2, 25],
    ['4.1', 1, 25],
    ['5.1', 1, 0],
    ['1.4', true, 20],
    ['12.1', true, 30],
  ] as const)('%s %j → %i', (id, value, expected) => {
    expect(pointsFor(id, value as IndicatorValue)).toBe(expected);
  });
});
