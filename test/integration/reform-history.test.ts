import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { attributedStatus } from '../../src/core/dashboard/history';
import { tempDir, testService } from '../helpers';
import { editions, publicKeyText } from '../unit/packages/helpers';
import { makeReformPackages, type ReformCase } from './reform-data';

/**
 * History across the merger (issue 10 item 5, rule 11) for a reviewer of the new Tỉnh Vĩnh Long (86 of 2025-07-01):
 * 2024 packages of old communes (2025-03-01) attributed to today's communes through the mapping, the drill-down of a
 * merged commune listing its predecessors, the grouping by former province and district, and the targets per edition.
 *
 * The cases, by what the mapping says of them:
 * - Xã Càng Long (29266 new) took in three old communes wholly: Thị trấn Càng Long (29266 old — the same code, another
 *   unit), Xã Mỹ Cẩm (29269) and Xã Nhị Long Phú (29299), all three recognised in 2024;
 * - Xã An Trường (29275 new) took in 29272 (recognised), 29275 (not recognised), 29284 (no package);
 * - Xã Hòa Lộc (28924, Bến Tre) was split between 28921 and 29734 (whole: false): recognised in 2024;
 * - 2026: the new Xã Càng Long's own self-assessment (same code 29266 as the old town, another unit).
 */

const OLD = editions.get('2025-03-01');
const NEW = editions.get('2025-07-01');
const MAPPING = editions.mapping('2025-03-01', '2025-07-01')!;
const CASES: ReformCase[] = [
  { code: '29266', edition: '2025-03-01', year: 2024, gets: 'recognised', version1: true },
  { code: '29269', edition: '2025-03-01', year: 2024, gets: 'recognised' },
  { code: '29299', edition: '2025-03-01', year: 2024, gets: 'recognised', version1: true },
  { code: '29272', edition: '2025-03-01', year: 2024, gets: 'recognised' },
  { code: '29275', edition: '2025-03-01', year: 2024, gets: 'not_recognised' },
  { code: '28924', edition: '2025-03-01', year: 2024, gets: 'recognised' },
  { code: '29266', edition: '2025-07-01', year: 2026, gets: 'self' },
];
/** What each old commune's 2024 status is, from the cases (independent of the app). */
const status2024 = new Map(CASES.filter((c) => c.year === 2024).map((c) => [c.code, c.gets === 'self' ? 'self_recognised' : c.gets]));

let dir: string;
let cleanup: () => void;
let service: Service;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cfc-reform-history-'));
  const made = await makeReformPackages(path.join(dir, 'made'), CASES);
  service = testService(path.join(dir, 'data'));
  await service.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế tỉnh Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
  for (const k of made.keys) await service.call('trust.add', { publicKey: publicKeyText(k) });
  const r = await service.call('packages.import', { paths: made.files });
  expect(r.summary.rejected, JSON.stringify(r.items.map((i) => i.error))).toBe(0);
}, 300_000);

afterAll(async () => {
  await service?.close();
  cleanup?.();
});

const snapshot = async () => {
  const db = (await service.open()).db;
  return {
    targets: await db.selectFrom('target').selectAll().orderBy('id').execute(),
    history: await db.selectFrom('target_history').selectAll().orderBy('seq').execute(),
    counted: await db.selectFrom('counted').selectAll().orderBy('year').orderBy('unit_edition').orderBy('unit_code').execute(),
  };
};

describe('rule 11: the attributed status of a new commune', () => {
  it('all whole predecessors recognised → recognised; parts never decide; only parts → only_parts', () => {
    expect(attributedStatus([{ whole: true, status: 'recognised' }, { whole: true, status: 'recognised' }])).toBe('recognised');
    expect(attributedStatus([{ whole: true, status: 'recognised' }, { whole: true, status: 'self_recognised' }])).toBe('not_recognised');
    expect(attributedStatus([{ whole: true, status: 'recognised' }, { whole: true, status: 'not_assessed' }])).toBe('not_recognised');
    expect(attributedStatus([{ whole: true, status: 'not_assessed' }, { whole: false, status: 'recognised' }])).toBe('not_assessed');
    expect(attributedStatus([{ whole: true, status: 'recognised' }, { whole: false, status: 'not_recognised' }])).toBe('recognised');
    expect(attributedStatus([{ whole: false, status: 'recognised' }])).toBe('only_parts');
    expect(attributedStatus([])).toBe('only_parts');
  });
});

describe('2024 in today\'s communes (dashboard.history)', () => {
  it('each new commune once with its predecessors; several → one counted once; the rule is one of the counting rules', async () => {
    const h = await service.call('dashboard.history', { year: 2024, scope: '86' });
    expect(h).toMatchObject({ year: 2024, edition: '2025-03-01', shownIn: '2025-07-01', scope: { code: '86', name: 'Tỉnh Vĩnh Long' } });
    expect(h.rows.map((r) => r.code)).toEqual(NEW.communesUnder('86').map((c) => c.code));
    const cl = h.rows.filter((r) => r.code === '29266');
    expect(cl).toHaveLength(1);
    expect(cl[0]).toMatchObject({ name: 'Xã Càng Long', edition: '2025-07-01', status: 'recognised' });
    expect(cl[0]!.predecessors.map((p) => [p.code, p.name, p.edition, p.whole, p.status, p.reviewed])).toEqual([
      ['29266', 'Thị trấn Càng Long', '2025-03-01', true, 'recognised', true],
      ['29269', 'Xã Mỹ Cẩm', '2025-03-01', true, 'recognised', true],
      ['29299', 'Xã Nhị Long Phú', '2025-03-01', true, 'recognised', true],
    ]);
    expect(cl[0]!.predecessors[1]!.place).toBe('Huyện Càng Long, Tỉnh Trà Vinh');
    expect(h.rows.find((r) => r.code === '29275')).toMatchObject({ status: 'not_recognised' });
    expect(h.rows.find((r) => r.code === '29275')!.predecessors.map((p) => p.status)).toEqual(['recognised', 'not_recognised', 'not_assessed']);
    // Independent count: a new commune is recognised when all its whole predecessors are (rule 11).
    const expected = NEW.communesUnder('86').map((c) => {
      const whole = MAPPING.predecessors(c.code).filter((p) => p.whole);
      if (whole.length === 0) return 'only_parts';
      if (whole.every((p) => status2024.get(p.code) === 'recognised')) return 'recognised';
      return whole.some((p) => status2024.has(p.code)) ? 'not_recognised' : 'not_assessed';
    });
    expect(h.rows.map((r) => r.status)).toEqual(expected);
    expect(h.totals).toMatchObject({ communes: 124, recognised: 1, notRecognised: 1 });
    // Five distinct old communes recognised (each once), six assessed.
    expect(h.totals).toMatchObject({ formerAssessed: 6, formerRecognised: 5 });
    const ov = await service.call('dashboard.overview', { year: 2024, scope: '86' });
    expect(ov.countingRules).toHaveLength(11);
    expect(ov.countingRules[10]!.vi).toMatch(/^11\. .*mọi xã cũ nhập trọn vào nó đều được đoàn thẩm định công nhận/);
  });

  it('a partial split is shown under each successor, marked, decides neither and is counted once', async () => {
    const h = await service.call('dashboard.history', { year: 2024, scope: '86' });
    expect(MAPPING.successors('28924').map((s) => [s.code, s.whole])).toEqual([['28921', false], ['29734', false]]);
    for (const code of ['28921', '29734']) {
      const row = h.rows.find((r) => r.code === code)!;
      expect(row.predecessors.find((p) => p.code === '28924'), code).toMatchObject({ name: 'Xã Hòa Lộc', whole: false, status: 'recognised' });
      // Its whole predecessors have no package: the recognised part does not make it recognised.
      expect(row.status, code).toBe('not_assessed');
    }
    const formerIn86 = new Set(h.rows.flatMap((r) => r.predecessors.map((p) => p.code)));
    expect(h.totals.formerCommunes).toBe(formerIn86.size);
    expect(h.totals.formerSplit).toBe([...formerIn86].filter((c) => MAPPING.successors(c).some((s) => !s.whole)).length);
    expect(h.totals.formerSplit).toBeGreaterThan(0);
  });

  it('the rate of a year keeps the denominator of the edition in force (old communes for 2024, new ones for 2026)', async () => {
    const old = NEW.formerProvincesOf('86').reduce((n, p) => n + OLD.communesUnder(p).length, 0);
    const o24 = await service.call('dashboard.overview', { year: 2024, scope: '86' });
    expect(o24.total).toMatchObject({ communes: old, recognised: 5, assessed: 6 });
    expect(o24.total.ratePercent).toBeCloseTo(500 / old, 10);
    const o26 = await service.call('dashboard.overview', { year: 2026, scope: '86' });
    expect(o26.total).toMatchObject({ communes: 124, assessed: 1, recognised: 0, recognisedSelf: 1 });
  });

  it('reused codes are counted apart: 29266 of 2025-03-01 (2024, reviewed) and 29266 of 2025-07-01 (2026, self)', async () => {
    const rows = (await snapshot()).counted.filter((c) => c.unit_code === '29266').map((c) => [c.year, c.unit_edition, c.status]);
    expect(rows).toEqual([
      [2024, '2025-03-01', 'recognised'],
      [2026, '2025-07-01', 'self_recognised'],
    ]);
    const c26 = await service.call('dashboard.communes', { year: 2026, scope: '86' });
    expect(c26.rows.find((r) => r.code === '29266')).toMatchObject({ name: 'Xã Càng Long', status: 'self_recognised' });
    const c24 = await service.call('dashboard.communes', { year: 2024, scope: '84' });
    expect(c24.rows.find((r) => r.code === '29266')).toMatchObject({ name: 'Thị trấn Càng Long', status: 'recognised' });
  });

  it('bad input is refused naming the problem, and nothing is written', async () => {
    const before = await snapshot();
    await expect(service.call('dashboard.history', { year: 2026, scope: '86' })).rejects.toMatchObject({
      error: { code: 'bad_year', field: 'year', message: { vi: /Năm 2026 đã theo danh mục 2025-07-01/, en: /2026 is already counted in the .*2025-07-01/ } },
    });
    await expect(service.call('dashboard.history', { year: 2024, scope: '29266' })).rejects.toMatchObject({ error: { code: 'bad_scope', field: 'scope' } });
    await expect(service.call('dashboard.history', { year: 2024, scope: '99' })).rejects.toMatchObject({ error: { code: 'unknown_scope' } });
    await expect(service.call('dashboard.commune', { unitCode: '29269' })).rejects.toMatchObject({ error: { code: 'unknown_unit', message: { en: /no commune 29269 in the 2025-07-01 catalogue/ } } });
    await expect(service.call('dashboard.commune', { unitCode: '29266', edition: '2024-01-01' })).rejects.toMatchObject({ error: { code: 'unknown_edition', field: 'edition' } });
    await expect(service.call('dashboard.overview', { year: 2026, scope: '86', groupBy: 'tinh' as never })).rejects.toMatchObject({ error: { code: 'invalid_input' } });
    expect(await snapshot()).toEqual(before);
  });
});

describe('the drill-down of a merged commune', () => {
  it('lists its predecessors with their pre-reform packages, each in its edition, and only its own packages', async () => {
    const d = await service.call('dashboard.commune', { unitCode: '29266' });
    expect(d.unit).toMatchObject({ code: '29266', name: 'Xã Càng Long', edition: '2025-07-01' });
    // Only the new commune's own package: the old town's 2024 packages (same code) are not its own.
    expect(d.years.map((y) => [y.year, y.status, y.packages.length])).toEqual([[2026, 'self_recognised', 1]]);
    expect(d.predecessors.map((p) => [p.unit.code, p.unit.name, p.unit.edition, p.whole])).toEqual([
      ['29266', 'Thị trấn Càng Long', '2025-03-01', true],
      ['29269', 'Xã Mỹ Cẩm', '2025-03-01', true],
      ['29299', 'Xã Nhị Long Phú', '2025-03-01', true],
    ]);
    for (const p of d.predecessors) {
      expect(p.years.map((y) => [y.year, y.status]), p.unit.name).toEqual([[2024, 'recognised']]);
      const kinds = p.years[0]!.packages.map((x) => [x.kind, x.counted]);
      expect(kinds).toEqual([['self-assessment', false], ['review', true]]);
    }
    // The old town itself, asked in its edition: its packages, no predecessors (2025-03-01 is the first edition).
    const old = await service.call('dashboard.commune', { unitCode: '29266', edition: '2025-03-01' });
    expect(old.unit).toMatchObject({ name: 'Thị trấn Càng Long', edition: '2025-03-01' });
    expect(old.years.map((y) => y.year)).toEqual([2024]);
    expect(old.predecessors).toEqual([]);
    // A split commune's successor lists the split one as a part.
    const hl = await service.call('dashboard.commune', { unitCode: '28921' });
    expect(hl.predecessors.find((p) => p.unit.code === '28924')).toMatchObject({ whole: false, years: [{ year: 2024, status: 'recognised' }] });
  });
});

describe('grouping by former province and former district ("theo tỉnh cũ / huyện cũ")', () => {
  it('2024 for 86 by former district: the districts of Vĩnh Long, Bến Tre and Trà Vinh of 2025-03-01', async () => {
    const ov = await service.call('dashboard.overview', { year: 2024, scope: '86', groupBy: 'former_district' });
    expect(ov.scope.groupBy).toBe('former_district');
    const districts = NEW.formerProvincesOf('86').flatMap((p) => OLD.children(p).filter((d) => d.level === 'district').map((d) => d.code)).sort();
    expect(ov.rows.map((r) => r.code)).toEqual(districts);
    expect(ov.rows.find((r) => r.code === '844')).toMatchObject({ name: 'Huyện Càng Long', communes: OLD.communesUnder('844').length, assessed: 5, recognised: 4 });
    expect(ov.rows.reduce((n, r) => n + r.communes, 0)).toBe(ov.total.communes);
  });

  it('2026 for 86 (no districts any more) by former district and province: each new commune once, where its old communes were', async () => {
    const ov = await service.call('dashboard.overview', { year: 2026, scope: '86', groupBy: 'former_district' });
    expect(ov.rows.reduce((n, r) => n + r.communes, 0)).toBe(124);
    expect(ov.rows.find((r) => r.code === '844')).toMatchObject({ name: 'Huyện Càng Long', assessed: 1, recognisedSelf: 1 });
    const cs = await service.call('dashboard.communes', { year: 2026, scope: '86', groupBy: 'former_district' });
    expect(cs.rows.find((r) => r.code === '29266')).toMatchObject({ groupCode: '844', groupName: 'Huyện Càng Long' });
    const byProvince = await service.call('dashboard.overview', { year: 2026, scope: '86', groupBy: 'former_province' });
    expect(byProvince.rows.map((r) => r.code)).toEqual(['83', '84', '86']);
    expect(byProvince.rows.map((r) => r.name)).toEqual(['Tỉnh Bến Tre', 'Tỉnh Trà Vinh', 'Tỉnh Vĩnh Long']);
    expect(byProvince.rows.reduce((n, r) => n + r.communes, 0)).toBe(124);
    // Without a groupBy, as before: the new province is its own one group.
    expect((await service.call('dashboard.overview', { year: 2026, scope: '86' })).rows.map((r) => r.code)).toEqual(['86']);
  });
});

describe('targets per edition', () => {
  it("the seed plan's targets stay the former Trà Vinh's; the new Tỉnh Vĩnh Long and the old Vĩnh Long (same code 86) each set their own", async () => {
    const list = await service.call('targets.list', {});
    expect(list.items.map((t) => [t.scopeCode, t.unitEdition, t.year, t.ratePercent])).toEqual([
      ['84', '2025-03-01', 2025, 65],
      ['84', '2025-03-01', 2030, 75],
    ]);
    expect(list.history.filter((h) => h.action === 'updated').map((h) => [h.old?.scopeCode, h.new?.scopeCode, h.new?.unitEdition])).toEqual([
      [null, '84', '2025-03-01'],
      [null, '84', '2025-03-01'],
    ]);
    const mine = await service.call('targets.save', { scopeCode: '86', year: 2030, ratePercent: 80, source: 'Kế hoạch của UBND tỉnh Vĩnh Long (thử)' });
    expect(mine).toMatchObject({ scopeCode: '86', unitEdition: '2025-07-01' });
    const oldVl = await service.call('targets.save', { scopeCode: '86', unitEdition: '2025-03-01', year: 2030, ratePercent: 60, source: 'Kế hoạch của tỉnh Vĩnh Long cũ (thử)' });
    expect(oldVl).toMatchObject({ scopeCode: '86', unitEdition: '2025-03-01' });
    expect(oldVl.id).not.toBe(mine.id);
    // 2026: the new province against its own 80%.
    expect((await service.call('dashboard.overview', { year: 2026, scope: '86' })).total.target).toMatchObject({ ratePercent: 80, scopeCode: '86', unitEdition: '2025-07-01' });
    // 2024 for 86: the total against the new province's own; each former province's row against its own target.
    const ov = await service.call('dashboard.overview', { year: 2024, scope: '86' });
    expect(ov.total.target).toMatchObject({ ratePercent: 80, unitEdition: '2025-07-01' });
    const tv = ov.rows.find((r) => r.code === '84')!;
    expect(tv.gapPoints).toBeCloseTo(tv.ratePercent! - 65, 10);
    const vl = ov.rows.find((r) => r.code === '86')!;
    expect(vl.gapPoints).toBeCloseTo(vl.ratePercent! - 60, 10);
    expect(ov.rows.find((r) => r.code === '83')!.gapPoints).toBeNull();
    // The old Trà Vinh in 2024, in its own catalogue: 65% by 2025.
    expect((await service.call('dashboard.overview', { year: 2024, scope: '84' })).total.target).toMatchObject({ ratePercent: 65, scopeCode: '84', unitEdition: '2025-03-01' });
    await service.call('targets.delete', { id: mine.id });
    await service.call('targets.delete', { id: oldVl.id });
  });

  it('a target for a unit that is no province of its edition, or of an unknown edition, is refused naming it; nothing written', async () => {
    const before = await snapshot();
    await expect(service.call('targets.save', { scopeCode: '84', year: 2030, ratePercent: 70, source: 'x' })).rejects.toMatchObject({
      error: { code: 'bad_scope', field: 'scopeCode', message: { vi: /84 không phải là tỉnh trong danh mục 2025-07-01/, en: /84 is not a province of the 2025-07-01 catalogue/ } },
    });
    await expect(service.call('targets.save', { scopeCode: '86', unitEdition: '2019-01-01', year: 2030, ratePercent: 70, source: 'x' })).rejects.toMatchObject({
      error: { code: 'unknown_edition', field: 'unitEdition' },
    });
    await expect(service.call('targets.save', { scopeCode: '86', unitEdition: 'July', year: 2030, ratePercent: 70, source: 'x' })).rejects.toMatchObject({ error: { code: 'invalid_input' } });
    expect(await snapshot()).toEqual(before);
    // Moving a target onto the province, edition and year another holds: refused; the same year in the other
    // edition of code 86 (the old Vĩnh Long) is another scope and is accepted.
    const a = await service.call('targets.save', { scopeCode: '86', year: 2031, ratePercent: 70, source: 'x' });
    const b = await service.call('targets.save', { scopeCode: '86', year: 2032, ratePercent: 71, source: 'y' });
    const afterTwo = await snapshot();
    await expect(service.call('targets.save', { id: b.id, scopeCode: '86', unitEdition: '2025-07-01', year: 2031, ratePercent: 71, source: 'y' })).rejects.toMatchObject({ error: { code: 'target_exists', field: 'year' } });
    expect(await snapshot()).toEqual(afterTwo);
    const moved = await service.call('targets.save', { id: b.id, scopeCode: '86', unitEdition: '2025-03-01', year: 2031, ratePercent: 71, source: 'y' });
    expect(moved).toMatchObject({ id: b.id, unitEdition: '2025-03-01', year: 2031 });
    for (const id of [a.id, b.id]) await service.call('targets.delete', { id });
    expect((await snapshot()).targets).toEqual(before.targets);
  });
});
