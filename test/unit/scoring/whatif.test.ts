import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { score } from '../../../src/core/scoring/engine';
import { whatIf } from '../../../src/core/scoring/whatif';
import type { IndicatorValue } from '../../../src/core/scoring/input';
import { builtin, fixturesDir, fullInput } from './helpers';

const p = builtin();
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(fixturesDir, name), 'utf8')) as ReturnType<typeof fullInput>;

describe('what-if', () => {
  it('proposes nothing for a recognised result', () => {
    const w = whatIf(fullInput(p.pack), p);
    expect(w.recognised).toBe(true);
    expect(w.options).toEqual([]);
  });

  it('gives the next bracket of an immunisation rate in children (the spec example)', () => {
    const input = fullInput(p.pack, 'urban_ward');
    input.values['7.1'] = { numerator: 96, denominator: 100 };
    input.values['2.1'] = { numerator: 90, denominator: 100 };
    input.values['1.4'] = false;
    const w = whatIf(input, p);
    const step = w.options.find((o) => o.indicatorId === '7.1')!;
    expect(step).toMatchObject({ from: '96/100', to: '98/100', effort: 2, gain: 15, pointsBefore: 35, pointsAfter: 50 });
    expect(step.text.en).toBe('7.1: 2 more children fully immunised: 96/100 → 98/100 gives +15 points');
    expect(step.text.vi).toBe('7.1: thêm 2 trẻ em dưới 1 tuổi được tiêm chủng đầy đủ: 96/100 → 98/100, được thêm 15 điểm');
  });

  it('counts fewer cases for lower-is-better rates and counts, and "yes" for booleans', () => {
    const input = fullInput(p.pack, 'urban_ward');
    input.values['5.2'] = { numerator: 7, denominator: 200 }; // 3.5% → 0; ≤ 2% needs 4/200
    input.values['3.2'] = 4; // → 0; ≤ 2 needs 2 fewer
    input.values['12.3'] = false;
    input.values['9.1'] = { numerator: 1, denominator: 100 };
    input.values['10.1'] = { numerator: 1, denominator: 100 };
    const w = whatIf(input, p);
    const by = (id: string) => w.options.find((o) => o.indicatorId === id)!;
    expect(by('5.2')).toMatchObject({ from: '7/200', to: '4/200', effort: 3, gain: 20 });
    expect(by('5.2').text.en).toBe('5.2: 3 fewer injured children: 7/200 → 4/200 gives +20 points');
    expect(by('3.2')).toMatchObject({ from: '4', to: '2', effort: 2, gain: 25 });
    expect(by('12.3')).toMatchObject({ effort: 1, gain: 20 });
    expect(by('12.3').text.en).toContain('yes');
  });

  it('puts criteria at 0 first, then the most points per unit of effort', () => {
    const w = whatIf(fixture('not-recognised.json'), p);
    expect(w.options[0]).toMatchObject({ indicatorId: '2.1', liftsCriterionFromZero: true, effort: 4, gain: 25 });
    const rest = w.options.slice(1);
    for (let i = 1; i < rest.length; i++) {
      expect(rest[i - 1]!.gain / rest[i - 1]!.effort).toBeGreaterThanOrEqual(rest[i]!.gain / rest[i]!.effort);
    }
  });

  it('plans steps that reach recognition when applied', () => {
    const input = fixture('not-recognised.json');
    const w = whatIf(input, p);
    expect(w.plan.reachable).toBe(true);
    expect(w.plan.steps.length).toBeGreaterThan(0);
    // Apply the plan's steps ourselves, from their target values, and score again.
    const values: Record<string, IndicatorValue> = { ...input.values };
    for (const s of w.plan.steps) {
      const [n, d] = s.to.split('/');
      const before = values[s.indicatorId];
      if (s.kind === 'boolean') values[s.indicatorId] = true;
      else if (s.kind === 'count') values[s.indicatorId] = Number(s.to);
      else if (s.kind === 'rate') values[s.indicatorId] = { numerator: Number(n), denominator: Number(d) };
      else throw new Error(`unexpected ${s.kind} ${JSON.stringify(before)}`);
    }
    const r = score({ ...input, values }, p);
    expect(r.recognised).toBe(true);
    expect(r.total).toBe(w.plan.totalAfter);
  });

  it('says when recognition cannot be reached', () => {
    const input = fullInput(p.pack);
    input.overrides['1.1'] = { points: 0, reason: 'a' };
    input.overrides['1.2'] = { points: 0, reason: 'a' };
    input.overrides['1.3'] = { points: 0, reason: 'a' };
    input.overrides['1.4'] = { points: 0, reason: 'a' };
    const w = whatIf(input, p);
    expect(w.plan.reachable).toBe(false);
    expect(w.plan.message.en).toMatch(/cannot be reached/);
    expect(w.plan.message.vi).toMatch(/Không thể đạt chuẩn/);
  });

  it('lists indicators without scorable data', () => {
    const w = whatIf(fixture('incomplete.json'), p);
    expect(w.requiresData).toEqual(['10.1', '12.3', '13.1']);
    expect(w.recognised).toBe(false);
  });

  it('the plan is reachable exactly when raising every improvable indicator to its best reaches recognition', () => {
    const ids = p.pack.criteria.flatMap((c) => c.indicators.map((i) => i.id));
    fc.assert(
      fc.property(fc.subarray(ids, { minLength: 0, maxLength: 12 }), fc.constantFrom('urban_ward', 'other', 'mountain_island_disadvantaged'), (lowered, cls) => {
        const input = fullInput(p.pack, cls);
        // Some indicators fixed at 0 by override (cannot improve), one rate lowered (can improve).
        for (const id of lowered.slice(0, lowered.length / 2)) input.overrides[id] = { points: 0, reason: 'x' };
        for (const id of lowered.slice(lowered.length / 2)) {
          const ind = p.pack.criteria.flatMap((c) => c.indicators).find((i) => i.id === id)!;
          if (ind.kind === 'boolean') input.values[id] = false;
          if (ind.kind === 'count') input.values[id] = 9;
          if (ind.kind === 'rate') input.values[id] = ind.better === 'higher' ? { numerator: 1, denominator: 100 } : { numerator: 99, denominator: 100 };
        }
        const best = score({ ...input, values: fullInput(p.pack, cls).values }, p);
        const w = whatIf(input, p);
        expect(w.plan.reachable).toBe(best.recognised);
        if (w.plan.reachable && !w.recognised) expect(w.plan.totalAfter).toBeGreaterThanOrEqual(best.threshold);
      }),
      { numRuns: 150 },
    );
  });
});
