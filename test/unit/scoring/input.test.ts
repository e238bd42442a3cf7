import { describe, expect, it } from 'vitest';
import { CfcError } from '../../../src/core/errors';
import { PackRegistry } from '../../../src/core/criteria/registry';
import { assess, packForInput } from '../../../src/core/scoring/assess';
import { score } from '../../../src/core/scoring/engine';
import { builtin, fullInput } from './helpers';

const p = builtin();

function rejection(f: () => unknown): CfcError {
  try {
    f();
  } catch (e) {
    if (e instanceof CfcError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

type Mutate = (input: Record<string, unknown> & { values: Record<string, unknown>; overrides: Record<string, unknown> }) => void;

const bad: [string, Mutate, string][] = [
  ['unknown indicator', (i) => (i.values['2.9'] = true), 'values.2.9'],
  ['boolean given a number', (i) => (i.values['1.1'] = 1), 'values.1.1'],
  ['rate given a number', (i) => (i.values['2.1'] = 98), 'values.2.1'],
  ['count given a string', (i) => (i.values['3.1'] = '0'), 'values.3.1'],
  ['survey given an array', (i) => (i.values['13.1'] = []), 'values.13.1'],
  ['negative count', (i) => (i.values['3.2'] = -1), 'values.3.2'],
  ['non-integer count', (i) => (i.values['3.2'] = 1.5), 'values.3.2'],
  ['negative numerator', (i) => (i.values['2.1'] = { numerator: -1, denominator: 10 }), 'values.2.1.numerator'],
  ['non-integer denominator', (i) => (i.values['2.1'] = { numerator: 1, denominator: 10.5 }), 'values.2.1.denominator'],
  ['missing denominator', (i) => (i.values['2.1'] = { numerator: 1 }), 'values.2.1.denominator'],
  ['numerator > denominator', (i) => (i.values['2.1'] = { numerator: 130, denominator: 120 }), 'values.2.1.numerator'],
  ['unknown field in a rate', (i) => (i.values['2.1'] = { numerator: 1, denominator: 2, ratio: 0.5 }), 'values.2.1.ratio'],
  ['satisfied > respondents', (i) => (i.values['13.1'] = { groups: { children: { respondents: 30, satisfied: 31 }, adults: { respondents: 30, satisfied: 30 } } }), 'values.13.1.groups.children.satisfied'],
  ['unknown survey group', (i) => (i.values['13.1'] = { groups: { teachers: { respondents: 30, satisfied: 30 } } }), 'values.13.1.groups.teachers'],
  ['negative respondents', (i) => (i.values['13.1'] = { groups: { adults: { respondents: -3, satisfied: 0 } } }), 'values.13.1.groups.adults.respondents'],
  ['override above the maximum', (i) => (i.overrides['9.1'] = { points: 51, reason: 'x' }), 'overrides.9.1.points'],
  ['negative override', (i) => (i.overrides['9.1'] = { points: -1, reason: 'x' }), 'overrides.9.1.points'],
  ['override without a reason', (i) => (i.overrides['9.1'] = { points: 10 }), 'overrides.9.1.reason'],
  ['override with a blank reason', (i) => (i.overrides['9.1'] = { points: 10, reason: '  ' }), 'overrides.9.1.reason'],
  ['override of an unknown indicator', (i) => (i.overrides['99'] = { points: 1, reason: 'x' }), 'overrides.99'],
  ['unknown unitClass', (i) => (i.unitClass = 'city'), 'unitClass'],
  ['missing unitClass', (i) => delete i.unitClass, 'unitClass'],
  ['values not an object', (i) => (i.values = [] as never), 'values'],
  ['unknown top-level field', (i) => (i.overide = {}), 'overide'],
  ['input for another pack', (i) => (i.pack = 'qd34-2014'), 'pack'],
];

describe('bad input is rejected with invalid_input naming the field', () => {
  it.each(bad)('%s', (_name, mutate, field) => {
    const input = fullInput(p.pack) as unknown as Parameters<Mutate>[0];
    mutate(input);
    const e = rejection(() => score(input, p));
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe(field);
    expect(e.messages.vi).toContain(field);
    expect(e.messages.en).toContain(field);
    expect(e.messages.vi).not.toBe(e.messages.en);
    expect(e.issues?.[0]?.field).toBe(field);
  });

  it('reports every problem, the first in the message', () => {
    const input = fullInput(p.pack) as unknown as Parameters<Mutate>[0];
    input.values['3.2'] = -1;
    input.values['2.1'] = { numerator: 5, denominator: 4 };
    const e = rejection(() => score(input, p));
    expect(e.issues?.map((i) => i.field).sort()).toEqual(['values.2.1.numerator', 'values.3.2']);
    expect(e.messages.en).toMatch(/and 1 more field/);
  });

  it('a non-object input names the root', () => {
    const e = rejection(() => score([1, 2], p));
    expect(e).toMatchObject({ code: 'invalid_input', field: '(root)' });
  });
});

describe('the pack an input names', () => {
  const registry = new PackRegistry([p]);
  it('unknown pack → unknown_pack naming the field', () => {
    const e = rejection(() => packForInput({ pack: 'qd99', unitClass: 'other' }, registry));
    expect(e).toMatchObject({ code: 'unknown_pack', field: 'pack' });
    expect(e.messages.en).toContain('qd99');
    expect(e.messages.vi).toContain('qd99');
  });
  it('unknown version → unknown_pack naming packVersion', () => {
    expect(rejection(() => packForInput({ pack: 'qd06-2019', packVersion: '9.9.9' }, registry))).toMatchObject({ code: 'unknown_pack', field: 'packVersion' });
  });
  it('no pack → invalid_input naming pack', () => {
    expect(rejection(() => packForInput({ unitClass: 'other' }, registry))).toMatchObject({ code: 'invalid_input', field: 'pack' });
  });
  it('a known pack scores, with the what-if only when not recognised', () => {
    const a = assess(fullInput(p.pack), packForInput(fullInput(p.pack), registry));
    expect(a.total).toBe(1000);
    expect(a.whatIf).toBeNull();
  });
});
