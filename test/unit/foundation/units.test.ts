import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnitCatalogue } from '../../../src/core/units/catalogue';
import { foldVietnamese } from '../../../src/core/units/fold';
import { CfcError } from '../../../src/core/errors';
import { repoRoot } from '../../helpers';

const catalogue = UnitCatalogue.load(path.join(repoRoot, 'resources/units/vn-admin-units-2025-03.json'));

describe('foldVietnamese', () => {
  it('drops diacritics, đ and case, folds spaces', () => {
    expect(foldVietnamese('  Thị trấn   Càng Long ')).toBe('thi tran cang long');
    expect(foldVietnamese('Đồng Tháp')).toBe('dong thap');
    expect(foldVietnamese('Xã Mỹ Cẩm')).toBe('xa my cam');
  });
  it('treats precomposed (NFC) and decomposed (NFD) input the same', () => {
    expect(foldVietnamese('Trà Vinh'.normalize('NFD'))).toBe(foldVietnamese('Trà Vinh'.normalize('NFC')));
  });
});

describe('units catalogue', () => {
  it('has the counts of the 2025-03 GSO list', () => {
    expect(catalogue.counts).toEqual({ province: 63, district: 696, commune: 10047 });
    expect(catalogue.dataDate).toBe('2025-03-01');
  });

  it('finds "tra vinh" without diacritics: the province first, then the city and the commune of that name', () => {
    const r = catalogue.search('tra vinh', { limit: 5 });
    expect(r.items.map((u) => u.name).slice(0, 3)).toEqual(['Tỉnh Trà Vinh', 'Thành phố Trà Vinh', 'Xã Trà Vinh']);
    expect(r.items[0]!.code).toBe('84');
  });

  it('finds with diacritics and in any case', () => {
    expect(catalogue.search('TRÀ VINH', { limit: 1 }).items[0]!.code).toBe('84');
  });

  it('filters by level and by an ancestor', () => {
    const r = catalogue.search('long', { level: 'commune', within: '844', limit: 50 });
    expect(r.items.length).toBeGreaterThan(0);
    for (const u of r.items) {
      expect(u.level).toBe('commune');
      expect(u.ancestors.map((a) => a.code)).toEqual(['84', '844']);
    }
    expect(r.items.map((u) => u.name)).toContain('Thị trấn Càng Long');
  });

  it('returns nothing for a query that matches nothing', () => {
    expect(catalogue.search('zzzz qqq', { limit: 5 })).toEqual({ items: [], total: 0 });
  });

  it('lists provinces, then children with their ancestors', () => {
    const provinces = catalogue.children(null);
    expect(provinces).toHaveLength(63);
    const tv = catalogue.children('84');
    expect(tv.map((d) => d.name)).toContain('Huyện Càng Long');
    const cl = catalogue.children('844');
    expect(cl).toHaveLength(14);
    const myCam = cl.find((c) => c.name === 'Xã Mỹ Cẩm')!;
    expect(myCam.ancestors).toEqual([
      { code: '84', name: 'Tỉnh Trà Vinh', level: 'province' },
      { code: '844', name: 'Huyện Càng Long', level: 'district' },
    ]);
    expect(myCam.childCount).toBe(0);
  });

  it('derives the unit class: a Phường of a centrally-run city is urban_ward, others are other', () => {
    expect(catalogue.get('00001').defaultUnitClass).toBe('urban_ward'); // Phường Phúc Xá, Hà Nội
    const tvWard = catalogue.children('842').find((c) => c.type === 'Phường')!; // a Phường of Trà Vinh city (a province)
    expect(tvWard.defaultUnitClass).toBe('other');
    expect(catalogue.get('29269').defaultUnitClass).toBe('other'); // Xã Mỹ Cẩm
    expect(catalogue.get('84').defaultUnitClass).toBeNull();
  });

  it('rejects an unknown code with a typed error naming the field', () => {
    const e = (() => {
      try {
        catalogue.get('99999');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(CfcError);
    expect((e as CfcError).code).toBe('unit_not_found');
    expect((e as CfcError).field).toBe('code');
    expect((e as CfcError).messages.vi).toContain('99999');
  });

  it('supports the 2025 structure: communes directly under a province', () => {
    const c = new UnitCatalogue({
      source: 'test',
      dataDate: '2025-07-01',
      provinces: [{ code: '80', name: 'Tỉnh Vĩnh Long', type: 'Tỉnh', communes: [{ code: '29001', name: 'Phường Trà Vinh', type: 'Phường' }] }],
    });
    expect(c.counts).toEqual({ province: 1, district: 0, commune: 1 });
    expect(c.get('29001').parentCode).toBe('80');
    expect(c.search('tra vinh', { limit: 5 }).items[0]!.code).toBe('29001');
  });

  it('refuses a catalogue with a duplicate code', () => {
    expect(
      () =>
        new UnitCatalogue({
          source: 't',
          dataDate: 'd',
          provinces: [{ code: '01', name: 'A', type: 'Tỉnh', communes: [{ code: '01', name: 'B', type: 'Xã' }] }],
        }),
    ).toThrow(/01/);
  });
});
