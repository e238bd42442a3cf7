import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { tempDir, testService } from '../helpers';
import { editions, publicKeyText } from '../unit/packages/helpers';
import { generate, type Generated } from './dashboard-data';

/**
 * The new Tỉnh Vĩnh Long (86 in the 2025-07-01 catalogue) across the reform: 2024 packages for Huyện Càng Long's
 * communes (842, old Trà Vinh, 2025-03-01), 2025 packages for every commune of the new province. A reviewer of 86 sees
 * 2024 through the former provinces (grouped by them, the denominator = their communes in 2025-03-01) and 2025 in
 * its own communes; the trend spans both with the reform marked.
 */

const OLD = editions.get('2025-03-01');
const NEW = editions.get('2025-07-01');
let dir: string;
let cleanup: () => void;
let gen: Generated;
let service: Service;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cfc-dash-reform-'));
  gen = await generate({ scope: { '2025-03-01': '842', '2025-07-01': '86' }, years: [2024, 2025], dir: path.join(dir, 'gen'), seed: 7 });
  service = testService(path.join(dir, 'data'));
  await service.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế tỉnh Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
  for (const k of gen.keys) await service.call('trust.add', { publicKey: publicKeyText(k) });
  const r = await service.call('packages.import', { paths: [gen.dir] });
  expect(r.summary.rejected).toBe(0);
}, 600_000);

afterAll(async () => {
  await service?.close();
  cleanup?.();
});

const rows = (year: number) => [...gen.expected.values()].filter((e) => e.year === year);
const assessed = (year: number) => rows(year).filter((e) => e.status !== 'not_assessed').length;
const recognised = (year: number) => rows(year).filter((e) => e.status === 'recognised').length;
const former = NEW.formerProvincesOf('86');
const oldCommunes = former.reduce((n, p) => n + OLD.communesUnder(p).length, 0);

describe('a new province before the reform: its former provinces', () => {
  it('2024 for 86: grouped by former province, the denominator = their communes in 2025-03-01', async () => {
    expect(former).toEqual(expect.arrayContaining(['83', '84', '86']));
    const ov = await service.call('dashboard.overview', { year: 2024, scope: '86' });
    expect(ov.scope).toMatchObject({ code: '86', name: 'Tỉnh Vĩnh Long', edition: '2025-03-01', formerProvinces: former });
    expect(ov.rows.map((r) => [r.code, r.name, r.level])).toEqual(former.map((p) => [p, OLD.record(p)!.name, 'province']));
    expect(ov.total.communes).toBe(oldCommunes);
    expect(ov.total.assessed).toBe(assessed(2024));
    expect(ov.total.recognised).toBe(recognised(2024));
    expect(ov.total.ratePercent).toBeCloseTo((recognised(2024) * 100) / oldCommunes, 9);
    // Every 2024 package is of a commune of old Trà Vinh: its row has them, the others none.
    expect(ov.rows.find((r) => r.code === '84')).toMatchObject({ communes: OLD.communesUnder('84').length, assessed: assessed(2024) });
    for (const p of former.filter((x) => x !== '84')) expect(ov.rows.find((r) => r.code === p)).toMatchObject({ communes: OLD.communesUnder(p).length, assessed: 0 });
    const cs = await service.call('dashboard.communes', { year: 2024, scope: '86' });
    expect(cs.rows.map((r) => r.code)).toEqual(former.flatMap((p) => OLD.communesUnder(p).map((u) => u.code)));
  });

  it('2025 for 86: its own communes (2025-07-01), no former provinces', async () => {
    const ov = await service.call('dashboard.overview', { year: 2025, scope: '86' });
    expect(ov.scope).toMatchObject({ code: '86', edition: '2025-07-01', formerProvinces: [] });
    expect(ov.total.communes).toBe(NEW.communesUnder('86').length);
    expect(ov.total.assessed).toBe(assessed(2025));
    expect(ov.total.recognised).toBe(recognised(2025));
  });

  it('the old Trà Vinh (84, gone from 2025-07-01) is still shown for 2024 in its own catalogue', async () => {
    const ov = await service.call('dashboard.overview', { year: 2024, scope: '84' });
    expect(ov.scope).toMatchObject({ code: '84', edition: '2025-03-01', formerProvinces: [] });
    expect(ov.total.communes).toBe(OLD.communesUnder('84').length);
    await expect(service.call('dashboard.overview', { year: 2025, scope: '84' })).rejects.toMatchObject({ error: { field: 'scope' } });
  });
});

describe('the trend across the reform', () => {
  it('86: 2024 in the former provinces, 2025 in the new communes, the reform marked on 2025', async () => {
    const tr = await service.call('dashboard.trend', { scope: '86' });
    expect(tr.points.map((p) => [p.year, p.edition, p.reform, p.communes, p.assessed, p.recognised])).toEqual([
      [2024, '2025-03-01', false, oldCommunes, assessed(2024), recognised(2024)],
      [2025, '2025-07-01', true, NEW.communesUnder('86').length, assessed(2025), recognised(2025)],
    ]);
    expect(tr.reforms).toEqual([{ year: 2025, edition: '2025-07-01' }]);
  });

  it('84 (old edition only): its one year, no reform', async () => {
    const tr = await service.call('dashboard.trend', { scope: '84' });
    expect(tr.points.map((p) => [p.year, p.edition, p.reform])).toEqual([[2024, '2025-03-01', false]]);
    expect(tr.reforms).toEqual([]);
  });

  it('an unknown scope in every edition: the error names the field', async () => {
    await expect(service.call('dashboard.trend', { scope: '99999' })).rejects.toMatchObject({ error: { field: 'scope' } });
  });
});
