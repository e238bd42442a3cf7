import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CfcError } from '../../../src/core/errors';
import { assertUnitCurrent, resolveUnitForYear } from '../../../src/core/units/current';
import { UnitEditions } from '../../../src/core/units/editions';
import { keyCovers } from '../../../src/core/units/jurisdiction';
import { loadEdition } from '../../../src/core/units/load';
import { UnitMapping } from '../../../src/core/units/mapping';
import { repoRoot, snapshotDir, tempDir } from '../../helpers';

const editions = UnitEditions.open(path.join(repoRoot, 'resources'));
const OLD = '2025-03-01';
const NEW = '2025-07-01';

function caught(f: () => unknown): CfcError {
  try {
    f();
  } catch (e) {
    if (e instanceof CfcError) return e;
    throw e;
  }
  throw new Error('expected a CfcError');
}

describe('catalogue editions', () => {
  it('ships both editions; the newest (2025-07-01) is current, with its counts, source and canonical SHA-256', () => {
    expect(editions.dates()).toEqual([OLD, NEW]);
    expect(editions.currentEdition).toBe(NEW);
    const now = editions.summary(NEW);
    expect(now.counts).toEqual({ provinces: 34, districts: 0, communes: 3321 });
    expect(now.source).toMatch(/202\/2025\/QH15/);
    expect(now.sha256).toMatch(/^[0-9a-f]{64}$/);
    const old = editions.summary(OLD);
    expect(old.counts).toEqual({ provinces: 63, districts: 696, communes: 10047 });
    expect(old.sha256).not.toBe(now.sha256);
  });

  it('reads only the current edition at start-up; the old one on first use', () => {
    const fresh = UnitEditions.open(path.join(repoRoot, 'resources'));
    fresh.current();
    const sources = (fresh as unknown as { sources: { dataDate: string; loaded?: unknown }[] }).sources;
    expect(sources.find((s) => s.dataDate === OLD)!.loaded).toBeUndefined();
    expect(fresh.get(OLD).has('29269')).toBe(true);
    expect(sources.find((s) => s.dataDate === OLD)!.loaded).toBeDefined();
  });

  it('finds Xã Càng Long in Tỉnh Vĩnh Long (86) without diacritics, communes directly under the province', () => {
    const r = editions.current().search('cang long', { level: 'commune', limit: 5 });
    expect(r.items[0]).toMatchObject({ code: '29266', name: 'Xã Càng Long', edition: NEW, parentCode: '86' });
    expect(r.items[0]!.ancestors).toEqual([{ code: '86', name: 'Tỉnh Vĩnh Long', level: 'province' }]);
    expect(editions.current().formerProvincesOf('86')).toEqual(['83', '84', '86']);
  });

  it('keeps reused codes apart: the same code names another unit in each edition', () => {
    expect(editions.get(OLD).record('00004')!.name).toBe('Phường Trúc Bạch');
    expect(editions.get(NEW).record('00004')!.name).toBe('Phường Ba Đình');
    expect(editions.get(OLD).record('86')!.name).toBe('Tỉnh Vĩnh Long');
    expect(editions.get(NEW).record('86')!.name).toBe('Tỉnh Vĩnh Long');
    expect(editions.get(OLD).communesUnder('86').length).toBeLessThan(editions.get(NEW).communesUnder('86').length);
    expect(editions.get(OLD).record('29266')!.name).toBe('Thị trấn Càng Long');
    expect(editions.get(NEW).record('29266')!.name).toBe('Xã Càng Long');
    expect(editions.editionsWith('29266')).toEqual([OLD, NEW]);
    expect(editions.editionsWith('29269')).toEqual([OLD]);
    // Before and after: 00004 of 2025-03 went into 00004 of 2025-07 together with others.
    expect(editions.successors(OLD, '00004')).toEqual([expect.objectContaining({ edition: NEW, code: '00004', name: 'Phường Ba Đình', whole: true })]);
    expect(editions.predecessors(NEW, '00004').map((p) => p.code)).toContain('00013');
  });

  it('gives a merged commune its predecessors and an old commune its successor', () => {
    const h = editions.history(NEW, '29266');
    expect(h.name).toBe('Xã Càng Long');
    expect(h.predecessors.map((p) => `${p.code} ${p.name}`)).toEqual(expect.arrayContaining(['29266 Thị trấn Càng Long', '29269 Xã Mỹ Cẩm']));
    const old = editions.history(OLD, '29269');
    expect(old.successors).toEqual([{ edition: NEW, code: '29266', name: 'Xã Càng Long', place: 'Tỉnh Vĩnh Long', whole: true }]);
    expect(old.place).toBe('Huyện Càng Long, Tỉnh Trà Vinh');
  });

  it('the shipped mapping fits both catalogues: every old commune mapped, every target a new commune', () => {
    const m = editions.mapping(OLD, NEW)!;
    expect(m.problems(editions.get(OLD), editions.get(NEW), 1000)).toEqual([]);
    for (const c of editions.get(OLD).communesUnder(null)) expect(m.successors(c.code).length).toBeGreaterThan(0);
    // Every new commune has at least one predecessor.
    for (const c of editions.get(NEW).communesUnder(null)) expect(m.predecessors(c.code).length, c.code).toBeGreaterThan(0);
    // The problems check does bite.
    const broken = JSON.parse(fs.readFileSync(path.join(repoRoot, 'resources/units/vn-admin-units-2025-03-to-2025-07.json'), 'utf8'));
    delete broken.communes['29269'];
    broken.communes['29272'] = [{ code: '99999', whole: true }];
    const problems = new UnitMapping(broken).problems(editions.get(OLD), editions.get(NEW));
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('29269'), expect.stringContaining('99999')]));
  });
});

describe('no new assessment for a unit that no longer exists', () => {
  it('refuses 29269 for 2026 naming Xã Càng Long (29266)', () => {
    const e = caught(() => resolveUnitForYear(editions, { unitCode: '29269', year: 2026 }));
    expect(e.code).toBe('unit_superseded');
    expect(e.messages.vi).toContain('Xã Mỹ Cẩm (29269) đã nhập vào Xã Càng Long (29266) từ 01/07/2025');
    expect(e.messages.en).toContain('Xã Mỹ Cẩm (29269) was merged into Xã Càng Long (29266) on 01/07/2025');
    expect(e.field).toBe('unitCode');
  });

  it('names every successor of a split commune', () => {
    const e = caught(() => assertUnitCurrent(editions, OLD, '00007', 2025));
    expect(e.messages.vi).toContain('Phường Ngọc Hà (00008)');
    expect(e.messages.vi).toContain('Phường Giảng Võ (00025)');
  });

  it('allows an old unit for a year before 2025, in the old edition', () => {
    const r = resolveUnitForYear(editions, { unitCode: '29269', year: 2024 });
    expect(r.catalogue.dataDate).toBe(OLD);
    expect(r.unit.name).toBe('Xã Mỹ Cẩm');
    // A reused code is the current unit unless the old edition is asked for.
    expect(resolveUnitForYear(editions, { unitCode: '00004', year: 2024 }).unit.name).toBe('Phường Ba Đình');
    expect(resolveUnitForYear(editions, { unitCode: '00004', year: 2024, unitEdition: OLD }).unit.name).toBe('Phường Trúc Bạch');
    expect(caught(() => resolveUnitForYear(editions, { unitCode: '00004', year: 2025, unitEdition: OLD })).code).toBe('unit_superseded');
  });

  it('accepts a current unit for any year, and names an unknown edition', () => {
    expect(resolveUnitForYear(editions, { unitCode: '29266', year: 2026 }).unit.name).toBe('Xã Càng Long');
    const e = caught(() => resolveUnitForYear(editions, { unitCode: '29266', year: 2026, unitEdition: '2030-01-01' }));
    expect(e.code).toBe('unknown_edition');
    expect(e.messages.en).toContain('2025-03-01, 2025-07-01');
  });
});

describe('jurisdiction across the reform', () => {
  const c = (role: 'commune' | 'assessor' | 'province', unitCode: string, unitEdition: string, edition: string, code: string) =>
    keyCovers(editions, { role, unitCode, unitEdition }, { edition, code });
  it('a commune key covers its own commune in its own edition only (reused codes kept apart)', () => {
    expect(c('commune', '29269', OLD, OLD, '29269')).toBe(true);
    expect(c('commune', '29266', OLD, NEW, '29266')).toBe(false); // Thị trấn Càng Long's key is not Xã Càng Long's
    expect(c('commune', '00004', OLD, NEW, '00004')).toBe(false);
    expect(c('commune', '29266', NEW, NEW, '29266')).toBe(true);
  });
  it('an old district key covers its old district communes of the old edition, nothing of the new one', () => {
    expect(c('assessor', '844', OLD, OLD, '29269')).toBe(true);
    expect(c('assessor', '844', OLD, OLD, '00004')).toBe(false);
    expect(c('assessor', '844', OLD, NEW, '29266')).toBe(false);
  });
  it('a province key covers its province in its edition, and across editions what the mapping puts wholly in it', () => {
    expect(c('province', '86', NEW, NEW, '29266')).toBe(true);
    expect(c('assessor', '86', NEW, NEW, '00004')).toBe(false);
    // New Tỉnh Vĩnh Long (86 of 2025-07-01) covers old Trà Vinh's Xã Mỹ Cẩm; old Vĩnh Long (86 of 2025-03-01) does not
    // cover it in its own edition (another province then), though the code is the same.
    expect(c('province', '86', NEW, OLD, '29269')).toBe(true);
    expect(c('province', '86', OLD, OLD, '29269')).toBe(false);
    // Old Tỉnh Trà Vinh covers the new Xã Càng Long, made only of its communes; not a Hà Nội ward.
    expect(c('province', '84', OLD, NEW, '29266')).toBe(true);
    expect(c('province', '84', OLD, NEW, '00004')).toBe(false);
  });
});

describe('loading a newer edition', () => {
  let t: ReturnType<typeof tempDir>;
  afterEach(() => t.cleanup());

  const current = JSON.parse(fs.readFileSync(path.join(repoRoot, 'resources/units/vn-admin-units-2025-07.json'), 'utf8'));
  function newer(edit?: (c: typeof current) => void) {
    const c = structuredClone(current);
    c.dataDate = '2026-01-01';
    edit?.(c);
    return c;
  }
  function identity(c: typeof current) {
    const communes: Record<string, { code: string; whole: boolean }[]> = {};
    for (const p of current.provinces) for (const x of p.communes) communes[x.code] = [{ code: x.code, whole: true }];
    void c;
    return { source: 'test', from: NEW, to: '2026-01-01', communes };
  }
  function write(name: string, value: unknown): string {
    const f = path.join(t.dir, 'in', name);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
    return f;
  }

  const bad: [string, unknown, RegExp, string][] = [
    ['not JSON', '{ "provinces": [', /not valid JSON/, 'invalid_json'],
    ['no dataDate', (() => { const c = newer(); delete c.dataDate; return c; })(), /dataDate/, 'units_invalid'],
    ['a commune code of 4 digits', newer((c) => (c.provinces[0].communes[0].code = '1234')), /provinces\.0\.communes\.0\.code: a commune code has 5 digits/, 'units_invalid'],
    ['a code twice', newer((c) => (c.provinces[1].communes[0].code = c.provinces[0].communes[0].code)), /00004 appears twice/, 'units_duplicate'],
    ['a province without communes', newer((c) => (c.provinces[2].communes = [])), /has no commune/, 'units_invalid'],
    ['not newer than the current edition', newer((c) => (c.dataDate = '2025-05-01')), /not newer than the edition in use, 2025-07-01/, 'edition_not_newer'],
    ['the current date with other content', newer((c) => { c.dataDate = NEW; c.provinces[0].name = 'X'; }), /other content/, 'edition_conflict'],
  ];
  for (const [what, value, message, code] of bad) {
    it(`refuses ${what}, naming the problem, and writes nothing`, () => {
      t = tempDir();
      const file = write('c.json', value);
      const before = snapshotDir(path.join(t.dir, 'data'));
      const e = caught(() => loadEdition(editions, path.join(t.dir, 'data'), file));
      expect(e.code).toBe(code);
      expect(e.messages.en).toMatch(message);
      expect(e.messages.vi.length).toBeGreaterThan(10);
      expect(snapshotDir(path.join(t.dir, 'data'))).toEqual(before);
      expect(fs.existsSync(path.join(t.dir, 'data', 'units'))).toBe(false);
    });
  }

  it('refuses a mapping whose targets or sources do not exist, writing nothing', () => {
    t = tempDir();
    const file = write('c.json', newer());
    const m = identity(current);
    m.communes['00004'] = [{ code: '77777', whole: true }];
    delete m.communes['00008'];
    const e = caught(() => loadEdition(editions, path.join(t.dir, 'data'), file, write('m.json', m)));
    expect(e.code).toBe('mapping_invalid');
    expect(e.messages.en).toContain('77777 is not a commune of 2026-01-01');
    expect(e.messages.en).toContain('commune 00008 (Phường Ngọc Hà) of 2025-07-01 is not mapped');
    expect(fs.existsSync(path.join(t.dir, 'data', 'units'))).toBe(false);
    const wrong = { ...identity(current), from: OLD };
    expect(caught(() => loadEdition(editions, path.join(t.dir, 'data'), file, write('m2.json', wrong))).messages.en).toContain('needs 2025-07-01 → 2026-01-01');
  });

  it('loads a newer edition with its mapping into the data folder; it becomes current; loading it again changes nothing', () => {
    t = tempDir();
    const data = path.join(t.dir, 'data');
    const file = write('c.json', newer((c) => (c.provinces[0].communes[0].name = 'Phường Ba Đình Mới')));
    const { result, editions: after } = loadEdition(editions, data, file, write('m.json', identity(current)));
    expect(result.added).toBe(true);
    expect(result.edition).toMatchObject({ dataDate: '2026-01-01', origin: 'loaded', current: true, counts: { communes: 3321 } });
    expect(result.mapping).toEqual({ from: NEW, to: '2026-01-01', communes: 3321 });
    const reopened = UnitEditions.open(path.join(repoRoot, 'resources'), data);
    expect(reopened.currentEdition).toBe('2026-01-01');
    expect(reopened.current().record('00004')!.name).toBe('Phường Ba Đình Mới');
    expect(reopened.currentSuccessors(OLD, '29269').map((s) => s.code)).toEqual(['29266']);
    expect(after.currentEdition).toBe('2026-01-01');
    const snap = snapshotDir(data);
    const again = loadEdition(reopened, data, file);
    expect(again.result.added).toBe(false);
    expect(snapshotDir(data)).toEqual(snap);
  });
});
