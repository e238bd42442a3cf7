import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCfcError } from '../../../src/core/errors';
import { validatePack } from '../../../src/core/criteria/validate';
import { score } from '../../../src/core/scoring/engine';
import type { ScoreResult } from '../../../src/core/scoring/result';
import { allIndicators, builtin, fixturesDir, fullInput, loaded } from './helpers';
import { kindsPack } from './testpack';

const p = builtin();
const ind = (r: ScoreResult, id: string) => r.criteria.flatMap((c) => c.indicators).find((i) => i.id === id)!;
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(fixturesDir, name), 'utf8')) as unknown;

/** Overrides that take `deficit` points off a full input without bringing any criterion to 0. */
function lowerBy(input: ReturnType<typeof fullInput>, deficit: number): void {
  let left = deficit;
  for (const c of p.pack.criteria) {
    for (const i of c.indicators) {
      if (left === 0) return;
      const take = Math.min(left, i.max - 1);
      input.overrides[i.id] = { points: i.max - take, reason: 'test' };
      left -= take;
    }
  }
  if (left) throw new Error('cannot lower that much');
}

describe('the full built-in input', () => {
  it('scores 1000 and is recognised, provisional with the honesty notice', () => {
    const r = score(fullInput(p.pack), p);
    expect(r.total).toBe(1000);
    expect(r.maxTotal).toBe(1000);
    expect(r.recognised).toBe(true);
    expect(r.verdict).toBe('recognised');
    expect(r.reasons).toEqual([]);
    expect(r.provisional).toBe(true);
    expect(r.provisionalNotice?.vi).toBe('Kết quả tạm tính: thang điểm của một số tiêu chí chưa được đối chiếu với văn bản gốc');
    expect(r.pack).toMatchObject({ id: 'qd06-2019', version: '1.0.0', sha256: p.sha256, status: 'provisional' });
    expect(r.criteria.map((c) => c.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13']);
  });

  it('marks confirmed rules as not provisional (criterion 1 and the confirmed top brackets)', () => {
    const r = score(fullInput(p.pack), p);
    expect(ind(r, '1.1').provisional).toBe(false);
    expect(ind(r, '7.1').provisional).toBe(false); // ≥ 98 → 50 is confirmed
    expect(ind(r, '2.1').provisional).toBe(true);
    const input = fullInput(p.pack);
    input.values['7.1'] = { numerator: 96, denominator: 100 }; // the provisional ≥ 95 bracket
    expect(ind(score(input, p), '7.1').provisional).toBe(true);
  });
});

describe('fixtures', () => {
  it('recognised-other.json: 875 points, recognised (hand total in the file comment of the report)', () => {
    // 80 + 40 + 100 + 75 + 80 + 125 + 35 + 75 + 50 + 50 + 75 + 55 + 35 = 875
    const r = score(fixture('recognised-other.json'), p);
    expect(r.criteria.map((c) => c.points)).toEqual([80, 40, 100, 75, 80, 125, 35, 75, 50, 50, 75, 55, 35]);
    expect(r.total).toBe(875);
    expect(r.threshold).toBe(850);
    expect(r.verdict).toBe('recognised');
  });
  it('not-recognised.json: 675 points, criterion 2 at 0, 175 short, 9.1 overridden', () => {
    // 80 + 0 + 75 + 50 + 60 + 110 + 35 + 40 + 30 + 35 + 50 + 75 + 35 = 675
    const r = score(fixture('not-recognised.json'), p);
    expect(r.total).toBe(675);
    expect(r.verdict).toBe('not_recognised');
    expect(r.reasons.map((x) => x.code)).toEqual(['criterion_zero', 'below_threshold']);
    expect(r.reasons[0]).toMatchObject({ criteria: ['2'] });
    expect(r.reasons[1]).toMatchObject({ total: 675, threshold: 850, gap: 175 });
    expect(ind(r, '9.1')).toMatchObject({ computed: 15, points: 30, override: { points: 30 } });
  });
  it('incomplete.json: 10.1 and 12.3 missing, 13.1 under the survey minimum', () => {
    // 100 + 50 + 125 + 75 + 100 + 125 + 50 + 75 + 50 + 0 + 75 + 55 + 0 = 880
    const r = score(fixture('incomplete.json'), p);
    expect(r.total).toBe(880);
    expect(r.threshold).toBe(800);
    expect(r.verdict).toBe('incomplete');
    expect(r.recognised).toBe(false);
    expect(r.reasons[0]).toMatchObject({ code: 'incomplete', missing: ['10.1', '12.3'], unscorable: ['13.1'] });
  });
});

describe('explanations', () => {
  it('writes rates in both number formats', () => {
    const input = fullInput(p.pack);
    input.values['2.1'] = { numerator: 118, denominator: 120 };
    const r = ind(score(input, p), '2.1');
    expect(r.explanation.vi).toBe('118/120 = 98,33% ≥ 98% → 40/50');
    expect(r.explanation.en).toBe('118/120 = 98.33% ≥ 98% → 40/50');
    expect(r.percentage).toBe('98.33');
  });
  it('never shows a rounded rate that contradicts the comparison', () => {
    const input = fullInput(p.pack);
    input.values['6.2'] = { numerator: 24_999, denominator: 25_000 }; // 99.996%: rounds to 100.00 but is below 100
    const r = ind(score(input, p), '6.2');
    expect(r.points).toBe(0);
    expect(r.percentage).toBe('100.00');
    expect(r.explanation.en).toBe('24,999/25,000 = 99.996% < 100% → 0/75');
    expect(r.explanation.vi).toBe('24.999/25.000 = 99,996% < 100% → 0/75');
    input.values['9.1'] = { numerator: 17_499, denominator: 25_000 }; // 69.996%
    expect(ind(score(input, p), '9.1').explanation.en).toBe('17,499/25,000 = 69.996% < 70% → 0/50');
    input.values['9.1'] = { numerator: 2449, denominator: 2500 }; // 97.96%: plain rounding suffices
    expect(ind(score(input, p), '9.1').explanation.vi).toBe('2.449/2.500 = 97,96% ≥ 90% → 50/50');
  });
  it('explains lower-is-better rates, counts, booleans, misses, denominator 0 and overrides', () => {
    const input = fullInput(p.pack);
    input.values['5.2'] = { numerator: 6, denominator: 200 };
    input.values['3.2'] = 3;
    input.values['1.4'] = false;
    input.values['6.1'] = { numerator: 0, denominator: 0 };
    delete input.values['12.3'];
    input.overrides['2.1'] = { points: 45, reason: 'sổ hộ tịch' };
    const r = score(input, p);
    expect(ind(r, '5.2').explanation.en).toBe('6/200 = 3% > 2% → 0/40');
    expect(ind(r, '3.2').explanation.vi).toBe('3 > 2 → 0/50');
    expect(ind(r, '1.4').explanation).toEqual({ vi: 'Không → 0/20', en: 'No → 0/20' });
    expect(ind(r, '6.1').explanation.en).toBe('0/0: nobody in scope → 50/50');
    expect(ind(r, '12.3').explanation.en).toBe('No value entered → 0/20');
    expect(ind(r, '2.1').explanation.vi).toBe('100/100 = 100% ≥ 100% → 50/50; điều chỉnh thành 45/50 (lý do: sổ hộ tịch)');
  });
});

describe('overrides', () => {
  it('replace the points and keep the computed value beside them', () => {
    const input = fullInput(p.pack);
    input.overrides['9.1'] = { points: 30, reason: 'records incomplete' };
    const r = score(input, p);
    expect(ind(r, '9.1')).toMatchObject({ computed: 50, points: 30, override: { points: 30, reason: 'records incomplete' } });
    expect(r.total).toBe(980);
  });
  it('make a missing indicator assessed', () => {
    const input = fullInput(p.pack);
    delete input.values['9.1'];
    input.overrides['9.1'] = { points: 40, reason: 'team count' };
    const r = score(input, p);
    expect(ind(r, '9.1')).toMatchObject({ status: 'scored', computed: null, points: 40 });
    expect(r.verdict).toBe('recognised');
  });
});

describe('incomplete and survey minimums', () => {
  it('a missing indicator counts 0 and makes the result incomplete', () => {
    const input = fullInput(p.pack);
    delete input.values['7.1'];
    input.values['2.1'] = null as never;
    const r = score(input, p);
    expect(r.total).toBe(900);
    expect(r.verdict).toBe('incomplete');
    expect(r.recognised).toBe(false);
    expect(r.reasons.find((x) => x.code === 'incomplete')).toMatchObject({ missing: ['2.1', '7.1'] });
    expect(r.reasons.find((x) => x.code === 'incomplete')!.message.en).toContain('2.1, 7.1');
  });
  it.each([
    [29, 30, false],
    [30, 29, false],
    [30, 30, true],
  ])('children %i and adults %i respondents → scorable %s', (children, adults, scorable) => {
    const input = fullInput(p.pack);
    input.values['13.1'] = { groups: { children: { respondents: children, satisfied: children }, adults: { respondents: adults, satisfied: adults } } };
    const r = score(input, p);
    const s = ind(r, '13.1');
    expect(s.status).toBe(scorable ? 'scored' : 'not_scorable');
    expect(s.points).toBe(scorable ? 50 : 0);
    if (!scorable) {
      expect(s.explanation.en).toMatch(/at least 30 are needed/);
      expect(s.explanation.vi).toMatch(/cần ít nhất 30/);
      expect(r.reasons[0]).toMatchObject({ code: 'incomplete', unscorable: ['13.1'], missing: [] });
    }
  });
  it('a survey group left out counts as 0 respondents', () => {
    const input = fullInput(p.pack);
    input.values['13.1'] = { groups: { children: { respondents: 40, satisfied: 40 } } };
    expect(ind(score(input, p), '13.1').status).toBe('not_scorable');
  });
  it('shows both groups\' rates', () => {
    const input = fullInput(p.pack);
    input.values['13.1'] = { groups: { children: { respondents: 40, satisfied: 36 }, adults: { respondents: 35, satisfied: 30 } } };
    const s = ind(score(input, p), '13.1');
    expect(s.groups?.map((g) => g.percentage)).toEqual(['90.00', '85.71']);
    expect(s.percentage).toBe('88.00');
    expect(s.points).toBe(35);
  });
});

describe('unit class thresholds at the exact boundary', () => {
  it.each([
    ['other', 849, false],
    ['other', 850, true],
    ['other', 851, true],
    ['urban_ward', 899, false],
    ['urban_ward', 900, true],
    ['urban_ward', 901, true],
    ['mountain_island_disadvantaged', 799, false],
    ['mountain_island_disadvantaged', 800, true],
    ['mountain_island_disadvantaged', 801, true],
  ] as const)('%s with %i points → recognised %s', (unitClass, total, recognised) => {
    const input = fullInput(p.pack, unitClass);
    lowerBy(input, 1000 - total);
    const r = score(input, p);
    expect(r.total).toBe(total);
    expect(r.recognised).toBe(recognised);
    if (!recognised) expect(r.reasons).toEqual([expect.objectContaining({ code: 'below_threshold', gap: 1 })]);
  });
});

describe('a criterion at 0', () => {
  it('blocks recognition even with a total above the threshold', () => {
    const input = fullInput(p.pack, 'urban_ward');
    input.values['4.1'] = 2;
    input.values['4.2'] = 1;
    const r = score(input, p);
    expect(r.total).toBe(925);
    expect(r.total).toBeGreaterThan(r.threshold);
    expect(r.recognised).toBe(false);
    expect(r.verdict).toBe('not_recognised');
    expect(r.reasons).toEqual([expect.objectContaining({ code: 'criterion_zero', criteria: ['4'] })]);
    expect(r.reasons[0]!.message.vi).toContain('Trẻ em vi phạm pháp luật, nghiện ma túy');
  });
});

describe('every kind, on a small test pack', () => {
  const kp = kindsPack();
  it('is a valid pack', () => {
    expect(validatePack(kp)).toEqual({ ok: true, pack: kp });
  });
  const lp = loaded(kp);
  const base = () => ({
    pack: 'kinds',
    unitClass: 'other',
    values: {
      'A.1': 'full',
      'A.2': true,
      'B.1': { numerator: 197, denominator: 200 },
      'B.2': 3,
      'C.1': { groups: { children: { respondents: 10, satisfied: 8 }, adults: { respondents: 10, satisfied: 7 } } },
    } as Record<string, unknown>,
  });
  it.each([
    ['full', 20],
    ['partial', 10],
    ['none', 0],
  ])('choice %s → %i', (option, points) => {
    const input = base();
    input.values['A.1'] = option;
    const r = score(input, lp);
    expect(ind(r, 'A.1').points).toBe(points);
    expect(ind(r, 'A.1').explanation.en).toBe(`"${option[0]!.toUpperCase()}${option.slice(1)}" → ${points}/20`);
  });
  it.each([
    [197, 30], // 98.5% exactly
    [196, 10], // 98%
    [1970, 30, 2000],
    [1969, 10, 2000], // 98.45%: below 98.5 at the hundredths
  ])('decimal threshold 98.5: %i → %i points', (n, points, d = 200) => {
    const input = base();
    input.values['B.1'] = { numerator: n, denominator: d };
    expect(ind(score(input, lp), 'B.1').points).toBe(points);
  });
  it('a decimal threshold shows in each language', () => {
    const r = score(base(), lp);
    expect(ind(r, 'B.1').explanation).toEqual({ vi: '197/200 = 98,5% ≥ 98,5% → 30/30', en: '197/200 = 98.5% ≥ 98.5% → 30/30' });
  });
  it.each([
    [0, 0],
    [1, 5],
    [2, 5],
    [3, 20],
    [9, 20],
  ])('higher-is-better count %i → %i', (c, points) => {
    const input = base();
    input.values['B.2'] = c;
    expect(ind(score(input, lp), 'B.2').points).toBe(points);
  });
  it('survey: 15/20 = 75% → 20; denominator-zero rule of a rate gives its own points', () => {
    const r = score(base(), lp);
    expect(ind(r, 'C.1').points).toBe(20);
    expect(r.total).toBe(100);
    expect(r.provisional).toBe(false);
    expect(r.provisionalNotice).toBeNull();
    const input = base();
    input.values['B.1'] = { numerator: 0, denominator: 0 };
    expect(ind(score(input, lp), 'B.1').points).toBe(0);
  });
  it('a survey under one group minimum cannot be scored', () => {
    const input = base();
    input.values['C.1'] = { groups: { children: { respondents: 10, satisfied: 10 }, adults: { respondents: 4, satisfied: 4 } } };
    const r = score(input, lp);
    expect(ind(r, 'C.1').status).toBe('not_scorable');
    expect(ind(r, 'C.1').explanation.en).toBe('Cannot be scored: the Adults group has 4 respondents, at least 5 are needed → 0/20');
  });
});

describe('scores every indicator of the pack', () => {
  it('has a result for each indicator, in pack order', () => {
    const r = score(fullInput(p.pack), p);
    expect(r.criteria.flatMap((c) => c.indicators.map((i) => i.id))).toEqual(allIndicators(p.pack).map((x) => x.ind.id));
  });
  it('throws only CfcErrors for bad input', () => {
    try {
      score('nope', p);
      expect.unreachable();
    } catch (e) {
      expect(isCfcError(e)).toBe(true);
    }
  });
});
