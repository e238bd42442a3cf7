import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cfcInProcess } from './cli-io';
import { packRegistry } from '../../src/core/criteria/registry';
import { score } from '../../src/core/scoring';
import { checkoutResourcesDir } from '../../src/server/resources';
import { repoRoot, tempDir } from '../helpers';

/**
 * Issue 9 item 6: `criterion_zero` names only criteria whose indicators are all entered and score 0; a criterion with
 * an indicator not entered is not assessed and is listed under `incomplete`; `below_threshold` is not claimed while the
 * indicators still to enter could close the gap. `cfc score --json` is run in process through `run(argv, io)`.
 */

const { dir, cleanup } = tempDir('cfc-verdict-');
afterAll(cleanup);

const base = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json'), 'utf8')) as {
  pack: string;
  unitClass: string;
  values: Record<string, unknown>;
};
const pack = packRegistry(checkoutResourcesDir).require('qd06-2019');

function input(change: (v: Record<string, unknown>) => void) {
  const values = structuredClone(base.values);
  change(values);
  return { ...base, values };
}

function write(name: string, data: unknown): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, JSON.stringify(data));
  return f;
}

async function cfc(...argv: string[]) {
  const r = await cfcInProcess(['--data-dir', path.join(dir, 'data'), ...argv], { cwd: dir });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('cfc score --json, in process', () => {
  it('an input missing 13.1 gives the reason `incomplete` only, listing criterion 13 as not fully entered', async () => {
    const r = await cfc('score', write('no-13.1.json', input((v) => delete v['13.1'])), '--json');
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { verdict: string; total: number; threshold: number; reasons: { code: string; criteria?: string[]; missing?: string[] }[] };
    expect(result.verdict).toBe('incomplete');
    expect(result.reasons.map((x) => x.code)).toEqual(['incomplete']);
    expect(result.reasons[0]).toMatchObject({ missing: ['13.1'], criteria: ['13'] });
    // 13.1 (50 points) could still lift 840 past 850: no below_threshold yet; criterion 13 is at 0 but not assessed.
    expect([result.total, result.threshold]).toEqual([840, 850]);
  });

  it('the same input with 13.1 entered and scoring 0 gives criterion_zero for 13 (and the gap it leaves)', async () => {
    const zero = { groups: { children: { respondents: 40, satisfied: 0 }, adults: { respondents: 60, satisfied: 0 } } };
    const r = await cfc('score', write('zero-13.1.json', input((v) => (v['13.1'] = zero))), '--json');
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { verdict: string; reasons: { code: string; criteria?: string[] }[] };
    expect(result.verdict).toBe('not_recognised');
    expect(result.reasons.map((x) => x.code)).toEqual(['criterion_zero', 'below_threshold']);
    expect(result.reasons[0]!.criteria).toEqual(['13']);
  });

  it('the table names criterion 13 as not fully entered, in Vietnamese and English', async () => {
    const r = await cfc('score', write('no-13.1-table.json', input((v) => delete v['13.1'])));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('tiêu chí chưa nhập đủ: 13');
    expect(r.out).toContain('not fully entered: criterion 13');
    expect(r.out).not.toContain('Có tiêu chí đạt 0 điểm');
    expect(r.out).not.toContain('below the');
  });
});

describe('verdict reasons, on the engine', () => {
  it('a criterion with one of two indicators entered is not assessed, even at 0 points', () => {
    // Criterion 12 has 12.1, 12.2, 12.3: 12.1 and 12.2 "no" (0 points), 12.3 not entered.
    const r = score(input((v) => ((v['12.1'] = false), (v['12.2'] = false), delete v['12.3'])), pack);
    expect(r.criteria.find((c) => c.id === '12')!.points).toBe(0);
    const codes = r.reasons.map((x) => x.code);
    expect(codes).not.toContain('criterion_zero');
    expect(r.reasons[0]).toMatchObject({ code: 'incomplete', missing: ['12.3'], criteria: ['12'] });
  });

  it('a fully entered criterion at 0 is named while another is not assessed; below_threshold once the gap cannot close', () => {
    const zero = { groups: { children: { respondents: 40, satisfied: 0 }, adults: { respondents: 60, satisfied: 0 } } };
    // 13 entered at 0 (875 - 35 = 840) and 2.1 (40 of 50) not entered: 800 now, 850 at most once 2.1 is entered — the
    // threshold can still be reached exactly, so no below_threshold yet.
    const atBoundary = score(input((v) => ((v['13.1'] = zero), delete v['2.1'])), pack);
    expect([atBoundary.total, atBoundary.threshold]).toEqual([800, 850]);
    expect(atBoundary.verdict).toBe('incomplete');
    expect(atBoundary.reasons.map((x) => x.code)).toEqual(['incomplete', 'criterion_zero']);
    expect(atBoundary.reasons[0]).toMatchObject({ criteria: ['2'] });
    expect(atBoundary.reasons[1]).toMatchObject({ criteria: ['13'] });
    // 9.1 at 0/150 as well: 850 can no longer be reached, whatever 2.1 turns out to be.
    const r = score(input((v) => ((v['13.1'] = zero), delete v['2.1'], (v['9.1'] = { numerator: 0, denominator: 150 }))), pack);
    expect(r.total + 50).toBeLessThan(r.threshold);
    expect(r.verdict).toBe('incomplete');
    expect(r.reasons.map((x) => x.code)).toEqual(['incomplete', 'criterion_zero', 'below_threshold']);
  });

  it('an override on an indicator without a value makes its criterion assessed (the assessor decided, with a reason)', () => {
    const values = structuredClone(base.values);
    delete values['13.1'];
    const r = score({ ...base, values, overrides: { '13.1': { points: 0, reason: 'Không tổ chức khảo sát' } } }, pack);
    expect(r.reasons.map((x) => x.code)).toEqual(['criterion_zero', 'below_threshold']);
    expect(r.reasons[0]).toMatchObject({ criteria: ['13'] });
  });
});
