import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalSha256 } from '../../../src/core/criteria/hash';
import { compareVersions, loadPackFile, PackRegistry, packRegistry } from '../../../src/core/criteria/registry';
import type { Pack } from '../../../src/core/criteria/schema';
import { validatePack } from '../../../src/core/criteria/validate';
import { CfcError } from '../../../src/core/errors';

const resourcesDir = path.resolve(import.meta.dirname, '../../../resources');
const builtinFile = path.join(resourcesDir, 'packs', 'qd06-2019.json');
const raw = () => JSON.parse(fs.readFileSync(builtinFile, 'utf8')) as Pack;

function problemsOf(pack: unknown): { field: string; en: string; vi: string }[] {
  const v = validatePack(pack);
  if (v.ok) return [];
  return v.problems.map((p) => ({ field: p.field, en: p.message.en, vi: p.message.vi }));
}

/** The same JSON with every object's keys in reverse order. */
function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)]));
  return v;
}

describe('the built-in pack', () => {
  it('validates', () => {
    expect(problemsOf(raw())).toEqual([]);
  });
  it('has the 13 criteria of the spec with their maxima, 1000 in all', () => {
    const p = raw();
    expect(p.criteria.map((c) => [c.id, c.max])).toEqual([
      ['1', 100], ['2', 50], ['3', 125], ['4', 75], ['5', 100], ['6', 125], ['7', 50],
      ['8', 75], ['9', 50], ['10', 50], ['11', 75], ['12', 75], ['13', 50],
    ]);
    expect(p.criteria.flatMap((c) => c.indicators.map((i) => i.id))).toEqual([
      '1.1', '1.2', '1.3', '1.4', '2.1', '3.1', '3.2', '4.1', '4.2', '5.1', '5.2', '6.1', '6.2', '7.1',
      '8.1', '8.2', '9.1', '10.1', '11.1', '11.2', '11.3', '12.1', '12.2', '12.3', '13.1',
    ]);
    expect(p.status).toBe('provisional');
    expect(p.recognition.thresholds).toEqual({ urban_ward: 900, mountain_island_disadvantaged: 800, other: 850 });
  });
  it('marks as confirmed exactly what the spec confirms', () => {
    const p = raw();
    const confirmedCriteria = p.criteria.filter((c) => c.confirmed).map((c) => c.id);
    expect(confirmedCriteria).toEqual(['1', '6', '7']);
    const confirmedBrackets = p.criteria.flatMap((c) => c.indicators.flatMap((i) => ('brackets' in i ? i.brackets.filter((b) => b.confirmed).map((b) => `${i.id}:${b.threshold}`) : [])));
    expect(confirmedBrackets).toEqual(['6.1:95', '6.2:100', '7.1:98']);
  });
  it('has a sha256 stable under key reordering and formatting, and sensitive to content', () => {
    const p = raw();
    const h = canonicalSha256(p);
    expect(canonicalSha256(reorder(p))).toBe(h);
    expect(canonicalJson(reorder(p))).toBe(canonicalJson(p));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-pack-'));
    const file = path.join(tmp, 'p.json');
    fs.writeFileSync(file, JSON.stringify(reorder(p)));
    expect(loadPackFile(file).sha256).toBe(h);
    expect(packRegistry(resourcesDir).require('qd06-2019').sha256).toBe(h);
    const changed = raw();
    changed.criteria[0]!.title.en += '.';
    expect(canonicalSha256(changed)).not.toBe(h);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});

describe('pack validation names each inconsistency', () => {
  const cases: [string, (p: Pack) => void, string, RegExp][] = [
    ['duplicate criterion id', (p) => (p.criteria[1]!.id = '1'), 'criteria.1.id', /criterion id "1" is used twice/],
    ['duplicate indicator id', (p) => (p.criteria[1]!.indicators[0]!.id = '1.1'), 'criteria.1.indicators.0.id', /indicator id "1.1" is used twice/],
    ['criterion max ≠ sum of indicators', (p) => (p.criteria[1]!.max = 55), 'criteria.1.max', /criterion 2 has a maximum of 55 but its indicators' maxima add up to 50/],
    ['criteria do not add up to maxTotal', (p) => (p.maxTotal = 999), 'maxTotal', /maxTotal is 999 but the criteria maxima add up to 1000/],
    ['threshold above maxTotal', (p) => (p.recognition.thresholds.urban_ward = 1001), 'recognition.thresholds.urban_ward', /threshold 1001 is above maxTotal 1000/],
    ['brackets out of order', (p) => { const i = p.criteria[1]!.indicators[0]! as Extract<typeof p.criteria[0]['indicators'][0], { kind: 'rate' }>; i.brackets[1]!.threshold = 100; i.brackets[0]!.threshold = 98; }, 'criteria.1.indicators.0.brackets.1.threshold', /out of order/],
    ['bracket points above the maximum', (p) => { const i = p.criteria[2]!.indicators[1]! as { brackets: { points: number }[] }; i.brackets[1]!.points = 60; }, 'criteria.2.indicators.1.brackets.1.points', /gives 60 points, above the maximum 50/],
    ['bracket points not decreasing', (p) => { const i = p.criteria[2]!.indicators[1]! as { brackets: { points: number }[] }; i.brackets[1]!.points = 50; }, 'criteria.2.indicators.1.brackets.1.points', /must decrease/],
    ['top bracket below the maximum', (p) => { const i = p.criteria[3]!.indicators[1]! as { brackets: { points: number }[]; max: number }; i.max = 30; p.criteria[3]!.max = 80; p.maxTotal = 1005; }, 'criteria.3.indicators.1.brackets.0.points', /top bracket gives 25 points, not the maximum 30/],
    ['rate threshold above 100%', (p) => { const i = p.criteria[1]!.indicators[0]! as { brackets: { threshold: number }[] }; i.brackets[0]!.threshold = 101; }, 'criteria.1.indicators.0.brackets.0.threshold', /above 100%/],
    ['too many decimals', (p) => { const i = p.criteria[1]!.indicators[0]! as { brackets: { threshold: number }[] }; i.brackets[1]!.threshold = 97.12345; }, 'criteria.1.indicators.0.brackets.1.threshold', /more than 4 decimals/],
    ['denominator-zero points above the maximum', (p) => { const i = p.criteria[1]!.indicators[0]! as { denominatorZero: { points: number } }; i.denominatorZero.points = 51; }, 'criteria.1.indicators.0.denominatorZero.points', /zero denominator, above the maximum 50/],
    ['official pack with provisional rules', (p) => (p.status = 'official'), 'status', /official but \d+ rule\(s\) are not confirmed/],
    ['schema: unknown kind', (p) => ((p.criteria[0]!.indicators[0] as { kind: string }).kind = 'scale'), 'criteria.0.indicators.0.kind', /./],
    ['schema: missing English title', (p) => delete (p.criteria[0]!.title as { en?: string }).en, 'criteria.0.title.en', /./],
    ['schema: unknown field', (p) => ((p as unknown as Record<string, unknown>)['extra'] = 1, undefined), '(root)', /extra/],
  ];
  it.each(cases)('%s', (_name, mutate, field, pattern) => {
    const p = raw();
    mutate(p);
    const problems = problemsOf(p);
    const hit = problems.find((x) => x.field === field);
    expect(hit, JSON.stringify(problems, null, 1)).toBeDefined();
    expect(hit!.en).toMatch(pattern);
    expect(hit!.en.startsWith(field)).toBe(true);
    expect(hit!.vi.startsWith(field)).toBe(true);
  });
  it('a survey group id used twice', () => {
    const p = raw();
    const s = p.criteria[12]!.indicators[0]! as { groups: { id: string }[] };
    s.groups[1]!.id = 'children';
    expect(problemsOf(p)).toEqual([expect.objectContaining({ field: 'criteria.12.indicators.0.groups.1.id' })]);
  });
});

describe('the registry', () => {
  it('orders versions numerically and picks the newest', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-draft', '1.0.0')).toBeLessThan(0);
    const a = raw();
    const b = { ...raw(), version: '1.10.0' };
    const c = { ...raw(), version: '1.9.0' };
    const reg = new PackRegistry([a, b, c].map((pack) => ({ pack, sha256: canonicalSha256(pack), origin: 'test' })));
    expect(reg.find('qd06-2019')?.pack.version).toBe('1.10.0');
    expect(reg.find('qd06-2019', '1.9.0')?.pack.version).toBe('1.9.0');
    expect(() => reg.require('qd06-2019', '2.0.0')).toThrow(CfcError);
  });
  it('an invalid pack file is rejected with invalid_pack listing every problem', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-pack-'));
    const file = path.join(tmp, 'bad.json');
    const p = raw();
    p.maxTotal = 999;
    p.criteria[1]!.max = 55;
    fs.writeFileSync(file, JSON.stringify(p));
    try {
      loadPackFile(file);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CfcError);
      expect((e as CfcError).code).toBe('invalid_pack');
      expect((e as CfcError).issues?.map((i) => i.field)).toEqual(['criteria.1.max', 'maxTotal']);
    }
    fs.writeFileSync(file, '{ not json');
    expect(() => loadPackFile(file)).toThrow(/not valid JSON/);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
