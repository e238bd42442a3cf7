import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { callNames, contract } from '../../src/api/contract';
import { apiErrorSchema } from '../../src/api/errors';
import { areaOf, handlerOf } from '../../src/api/service';
import { snapshotDir, tempDir, testService } from '../helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function service() {
  const t = tempDir();
  const s = testService(t.dir);
  cleanups.push(t.cleanup, () => s.close());
  return { s, dir: t.dir };
}

const goodProfile = {
  role: 'commune' as const,
  unitCode: '29266',
  organisation: 'Ủy ban nhân dân Xã Càng Long',
  userName: 'Nguyễn Thị Hồng',
  userTitle: 'Chủ tịch UBND xã',
};

describe('the contract', () => {
  it('gives every call an input and an output schema and a summary', () => {
    expect(callNames.length).toBeGreaterThanOrEqual(8);
    for (const name of callNames) {
      const def = contract[name];
      expect(typeof def.input.safeParse).toBe('function');
      expect(typeof def.output.safeParse).toBe('function');
      expect(def.summary.length).toBeGreaterThan(5);
    }
  });

  it('finds every call of the local contract in its area, loaded on first use; an unknown name has no area', async () => {
    for (const n of callNames) {
      expect(areaOf(n), n).not.toBeNull();
      expect(typeof (await handlerOf(n)), n).toBe('function');
    }
    expect(areaOf('nothing.here')).toBeNull();
    await expect(handlerOf('nothing.here' as never)).rejects.toThrow(/no handler for nothing\.here/);
  });

  it('answers app.info with the data directory and the catalogue', async () => {
    const { s, dir } = service();
    const info = await s.call('app.info', {});
    expect(info.dataDir).toBe(dir);
    expect(info.mode).toBe('test');
    // The edition in use is the newest: 2025-07-01, no district tier; the old one is known too.
    expect(info.units).toMatchObject({ dataDate: '2025-07-01', provinces: 34, districts: 0, communes: 3321 });
    expect(info.units.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.editions).toEqual(['2025-03-01', '2025-07-01']);
  });

  it('searches units through the contract, defaults applied', async () => {
    const { s } = service();
    const r = await s.call('units.search', { query: 'vinh long' });
    expect(r.items[0]).toMatchObject({ name: 'Tỉnh Vĩnh Long', edition: '2025-07-01' });
    expect(r.items.length).toBeLessThanOrEqual(20);
    // Two tiers: the communes are directly under the province.
    const kids = await s.call('units.children', { code: '86' });
    expect(kids.items.length).toBeGreaterThan(100);
    expect(kids.items.every((u) => u.parentCode === '86' && u.level === 'commune')).toBe(true);
    // The 2025-03-01 edition on request: Tỉnh Trà Vinh and its districts.
    const old = await s.call('units.search', { query: 'tra vinh', edition: '2025-03-01' });
    expect(old.items[0]).toMatchObject({ name: 'Tỉnh Trà Vinh', edition: '2025-03-01' });
    const districts = await s.call('units.children', { code: '844', edition: '2025-03-01' });
    expect(districts.items.every((u) => u.parentCode === '844')).toBe(true);
  });

  it('sets and reads the profile; the clock stamps it', async () => {
    const { s } = service();
    expect(await s.call('profile.get', {})).toBeNull();
    const saved = await s.call('profile.set', goodProfile);
    expect(saved).toMatchObject({ ...goodProfile, updatedAt: '2026-03-15T08:00:00.000Z' });
    expect(saved.unit.name).toBe('Xã Càng Long');
    expect(saved).toMatchObject({ unitEdition: '2025-07-01', superseded: null });
    expect(await s.call('profile.get', {})).toEqual(saved);
    const changed = await s.call('profile.set', { ...goodProfile, userTitle: 'Phó Chủ tịch UBND xã' });
    expect(changed.userTitle).toBe('Phó Chủ tịch UBND xã');
  });

  it('persists the language; Vietnamese by default', async () => {
    const { s } = service();
    expect(await s.call('settings.get', {})).toEqual({ language: 'vi', evidenceMaxMb: 50 });
    expect(await s.call('settings.set', { language: 'en' })).toEqual({ language: 'en', evidenceMaxMb: 50 });
    expect(await s.call('settings.get', {})).toEqual({ language: 'en', evidenceMaxMb: 50 });
    expect((await s.call('settings.set', { evidenceMaxMb: 10 })).evidenceMaxMb).toBe(10);
  });

  describe('bad input: a typed error naming the field, nothing written', () => {
    const cases: { name: string; call: string; input: unknown; field: string; code?: string }[] = [
      { name: 'unknown role', call: 'profile.set', input: { ...goodProfile, role: 'mayor' }, field: 'role' },
      { name: 'empty user name', call: 'profile.set', input: { ...goodProfile, userName: '   ' }, field: 'userName' },
      { name: 'missing title', call: 'profile.set', input: { ...goodProfile, userTitle: undefined }, field: 'userTitle' },
      { name: 'non-numeric unit code', call: 'profile.set', input: { ...goodProfile, unitCode: 'abc' }, field: 'unitCode' },
      { name: 'unknown unit', call: 'profile.set', input: { ...goodProfile, unitCode: '99999' }, field: 'unitCode', code: 'unit_not_found' },
      { name: 'a province for a commune role', call: 'profile.set', input: { ...goodProfile, unitCode: '86' }, field: 'unitCode', code: 'unit_level_mismatch' },
      { name: 'a commune for the province role', call: 'profile.set', input: { ...goodProfile, role: 'province' }, field: 'unitCode', code: 'unit_level_mismatch' },
      { name: 'an extra field', call: 'profile.set', input: { ...goodProfile, admin: true }, field: '(root)' },
      { name: 'a language we do not have', call: 'settings.set', input: { language: 'fr' }, field: 'language' },
      { name: 'an empty search', call: 'units.search', input: { query: ' ' }, field: 'query' },
      { name: 'a limit too high', call: 'units.search', input: { query: 'a', limit: 1000 }, field: 'limit' },
      { name: 'a string for a number', call: 'units.search', input: { query: 'a', limit: '5' }, field: 'limit' },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const { s, dir } = service();
        await s.open();
        const before = snapshotDir(dir);
        const r = await s.dispatch(c.call, c.input);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(apiErrorSchema.parse(r.error)).toEqual(r.error);
        expect(r.error.code).toBe(c.code ?? 'invalid_input');
        expect(r.error.field).toBe(c.field);
        if (c.code) {
          // A domain rejection names the unit at fault in its message, the field in `field`.
          const code = (c.input as { unitCode: string }).unitCode;
          expect(r.error.message.en).toMatch(new RegExp(`${code}|Càng Long|Vĩnh Long`));
        } else if (c.field !== '(root)') {
          expect(r.error.message.en).toContain(c.field);
          expect(r.error.message.vi).toContain(c.field);
        }
        expect(r.error.message.vi).not.toBe(r.error.message.en);
        expect(JSON.stringify(r.error)).not.toMatch(/at .*\.ts:\d+/); // no stack trace crosses the boundary
        expect(await s.call('profile.get', {})).toBeNull();
        expect(snapshotDir(dir)).toEqual(before);
      });
    }

    it('an unknown call name', async () => {
      const { s } = service();
      const r = await s.dispatch('profile.delete', {});
      expect(r).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    });

    it('a rejected call opens no database at all', async () => {
      const { s, dir } = service();
      const r = await s.dispatch('profile.set', { ...goodProfile, role: 'x' });
      expect(r.ok).toBe(false);
      expect(fs.readdirSync(dir)).toEqual([]);
    });
  });
});
