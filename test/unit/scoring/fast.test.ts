import { describe, expect, it } from 'vitest';
import type { CfcError } from '../../../src/core/errors';
import { explainScore, score, scoreFast } from '../../../src/core/scoring/engine';
import { parseScoreInput } from '../../../src/core/scoring/input';
import { planOf } from '../../../src/core/scoring/plan';
import { everyKindPack } from './generate';
import { builtin, fullInput } from './helpers';

/**
 * The fast path's contract beside the oracle-equality test: facts carry no text, `explainScore` writes them, the plan is
 * compiled once per pack, and the fast checker is conservative (what it is not sure of gets the full validation).
 */

const loaded = builtin();

describe('scoreFast', () => {
  it('gives facts without any text, and explainScore turns them into the result score gives', () => {
    const input = fullInput(loaded.pack);
    input.values['2.1'] = { numerator: 97, denominator: 100 };
    const facts = scoreFast(input, loaded);
    expect(facts.total).toBe(975);
    expect(facts.verdict).toBe('recognised');
    expect(facts.criteria.find((c) => c.id === '2')!.indicators[0]).toMatchObject({ id: '2.1', computed: 25, points: 25, bracket: 2, status: 'scored' });
    // No explanation, message or summary anywhere in the facts.
    const json = JSON.stringify({ ...facts, loaded: null });
    expect(json).not.toMatch(/explanation|message|summary|→/);
    expect(explainScore(facts)).toEqual(score(input, loaded));
    expect(explainScore(facts).criteria[1]!.indicators[0]!.explanation.en).toBe('97/100 = 97% ≥ 95% → 25/50');
  });

  it('lists the reasons without messages; explainScore writes them', () => {
    const input = fullInput(loaded.pack);
    input.values['3.1'] = 2;
    input.values['3.2'] = 5;
    delete input.values['13.1'];
    const facts = scoreFast(input, loaded);
    expect(facts.verdict).toBe('incomplete');
    expect(facts.reasons).toEqual([
      { code: 'incomplete', missing: ['13.1'], unscorable: [], criteria: ['13'] },
      { code: 'criterion_zero', criteria: ['3'] },
    ]);
    const result = explainScore(facts);
    expect(result.reasons.map((r) => r.message.en)).toEqual([
      'Not every criterion is assessed: no value for 1 indicator (13.1); not fully entered: criterion 13.',
      'A criterion scores 0 points: 3 (Children who were abused).',
    ]);
  });

  it('rejects a bad input with the full validation: same code, fields and messages as score', () => {
    const input = { pack: loaded.pack.id, unitClass: 'village', values: { '2.1': { numerator: 5, denominator: 3 }, '1.1': 'yes' } };
    const fast = (() => {
      try {
        scoreFast(input, loaded);
      } catch (e) {
        return e as CfcError;
      }
      throw new Error('accepted');
    })();
    expect(fast.code).toBe('invalid_input');
    expect(fast.issues!.map((i) => i.field)).toEqual(['unitClass', 'values.2.1.numerator', 'values.1.1']);
    expect(fast.messages.en).toMatch(/^Invalid score input in field unitClass \(and 2 more fields\)\./);
    expect(() => score(input, loaded)).toThrow(fast.messages.en);
  });

  it('is not fooled by values it is not sure of: an inherited field is not a value, as in the full validation', () => {
    const values = Object.create({ '1.1': true }) as Record<string, unknown>;
    values['1.2'] = true;
    const input = { pack: loaded.pack.id, unitClass: 'other', values };
    expect(parseScoreInput(input, loaded).values).toEqual({ '1.2': true });
    const facts = scoreFast(input, loaded);
    expect(facts.criteria[0]!.indicators.map((i) => i.status)).toEqual(['missing', 'scored', 'missing', 'missing']);
  });

  it('scores rates per N exactly on both sides of 2^53 (N = 1,000,000, a billion children)', () => {
    const kinds = everyKindPack();
    const base = { pack: kinds.pack.id, unitClass: 'other', values: {} as Record<string, unknown> };
    // 900,000 per 1,000,000 is 9/10: exactly at the threshold, then one case short, on a denominator of 10^9.
    const at = scoreFast({ ...base, values: { 'D.3': { numerator: 900_000_000, denominator: 1_000_000_000 } } }, kinds);
    const below = scoreFast({ ...base, values: { 'D.3': { numerator: 899_999_999, denominator: 1_000_000_000 } } }, kinds);
    const small = scoreFast({ ...base, values: { 'D.3': { numerator: 9, denominator: 10 } } }, kinds);
    const ind = (f: typeof at) => f.criteria.find((c) => c.id === 'D')!.indicators.find((i) => i.id === 'D.3')!;
    expect([ind(at).points, ind(at).bracket]).toEqual([20, 0]);
    expect([ind(below).points, ind(below).bracket]).toEqual([5, 1]);
    expect([ind(small).points, ind(small).bracket]).toEqual([20, 0]);
  });

  it('compiles a pack once and reuses the plan', () => {
    expect(planOf(loaded)).toBe(planOf(loaded));
    expect(planOf(loaded).indicators.map((p) => p.ind.id)).toEqual(loaded.pack.criteria.flatMap((c) => c.indicators.map((i) => i.id)));
    expect(planOf(everyKindPack())).not.toBe(planOf(loaded));
  });
});
