import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { repoRoot, snapshotDir, tempDir, testService } from '../helpers';

const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json'), 'utf8')) as {
  values: Record<string, unknown>;
};

let s: Service;
let dir: string;
let cleanup: () => void;
beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  s = testService(dir);
  await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
});
afterEach(async () => {
  await s.close();
  cleanup();
});

async function fillAll(id: string, values = fixture.values) {
  for (const [indicatorId, value] of Object.entries(values)) await s.call('assessments.setValue', { id, indicatorId, value });
}

describe('assessments', () => {
  it('creates an assessment with the unit class from the catalogue, empty and incomplete', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    expect(a).toMatchObject({ revision: 1, status: 'draft', readOnly: false, year: 2026, unitClass: 'other', unitClassDefault: 'other' });
    expect(a.unit.name).toBe('Xã Càng Long');
    expect(a.pack).toMatchObject({ id: 'qd06-2019', status: 'provisional' });
    expect(a.progress).toMatchObject({ filled: 0, total: 25 });
    expect(a.result.verdict).toBe('incomplete');
    expect(a.result.total).toBe(0);
  });

  it('fills every indicator: the live score is the fixture total (875, recognised) and the list shows it', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    await fillAll(a.id);
    const d = await s.call('assessments.get', { id: a.id });
    expect(d.progress).toEqual({ filled: 25, total: 25, empty: [] });
    expect(d.result.total).toBe(875);
    expect(d.result.verdict).toBe('recognised');
    const list = await s.call('assessments.list', {});
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ total: 875, threshold: 850, verdict: 'recognised', filled: 25, indicators: 25 });
    expect(list.years).toEqual([2026]);
  });

  it('returns the new score with each save, and explains the indicator', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    const r = await s.call('assessments.setValue', { id: a.id, indicatorId: '2.1', value: { numerator: 118, denominator: 120 } });
    expect(r.entry.value).toEqual({ numerator: 118, denominator: 120 });
    const ind = r.result.criteria.find((c) => c.id === '2')!.indicators[0]!;
    expect(ind.points).toBe(40);
    expect(ind.explanation.vi).toContain('98,33%');
    expect(r.progress.filled).toBe(1);
  });

  it('refuses bad values naming the field, and keeps the previous value', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    await s.call('assessments.setValue', { id: a.id, indicatorId: '7.1', value: { numerator: 96, denominator: 100 } });
    const bad: [string, unknown, string][] = [
      ['7.1', { numerator: 101, denominator: 100 }, 'values.7.1'],
      ['7.1', { numerator: -1, denominator: 100 }, 'values.7.1.numerator'],
      ['3.1', 1.5, 'values.3.1'],
      ['1.1', 'yes', 'values.1.1'],
      ['13.1', { groups: { children: { respondents: 30, satisfied: 31 }, adults: { respondents: 30, satisfied: 1 } } }, 'values.13.1'],
    ];
    for (const [indicatorId, value, field] of bad) {
      const before = snapshotDir(dir);
      const r = await s.dispatch('assessments.setValue', { id: a.id, indicatorId, value });
      expect(r.ok, JSON.stringify(value)).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.field).toContain(field);
      expect(r.error.message.vi).toContain(field);
      expect(snapshotDir(dir)).toEqual(before);
    }
    const d = await s.call('assessments.get', { id: a.id });
    expect(d.entries['7.1']!.value).toEqual({ numerator: 96, denominator: 100 });
    const unknown = await s.dispatch('assessments.setValue', { id: a.id, indicatorId: '99.1', value: true });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'indicatorId' } });
    const missing = await s.dispatch('assessments.get', { id: '3b241101-e2bb-4255-8caf-4136c566a962' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('one assessment per commune and year; only communes', async () => {
    await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    expect(await s.dispatch('assessments.create', { unitCode: '29266', year: 2026 })).toMatchObject({ ok: false, error: { code: 'already_exists', field: 'year' } });
    expect(await s.dispatch('assessments.create', { unitCode: '99999', year: 2026 })).toMatchObject({ ok: false, error: { code: 'unit_not_found', field: 'unitCode' } });
    expect(await s.dispatch('assessments.create', { unitCode: '29266', year: 1990 })).toMatchObject({ ok: false, error: { field: 'year' } });
  });

  it('a unit class other than the default needs its legal basis, and is recorded', async () => {
    const no = await s.dispatch('assessments.create', { unitCode: '29266', year: 2026, unitClass: 'mountain_island_disadvantaged' });
    expect(no).toMatchObject({ ok: false, error: { field: 'unitClassReason' } });
    const a = await s.call('assessments.create', {
      unitCode: '29266',
      year: 2026,
      unitClass: 'mountain_island_disadvantaged',
      unitClassReason: 'QĐ 861/QĐ-TTg: xã khu vực III',
    });
    expect(a.unitClass).toBe('mountain_island_disadvantaged');
    expect(a.result.threshold).toBe(800);
    const b = await s.call('assessments.setUnitClass', { id: a.id, unitClass: 'other' });
    expect(b.result.threshold).toBe(850);
    const audit = await s.call('audit.list', { id: a.id });
    expect(audit.items.map((e) => e.action)).toEqual(['create', 'unit_class']);
    expect(audit.items[0]!.reason).toBe('QĐ 861/QĐ-TTg: xã khu vực III');
  });

  it('overrides need a reason and stay within the maximum; shown beside the computed points', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    await s.call('assessments.setValue', { id: a.id, indicatorId: '9.1', value: { numerator: 150, denominator: 200 } });
    expect(await s.dispatch('assessments.setOverride', { id: a.id, indicatorId: '9.1', override: { points: 30, reason: '' } })).toMatchObject({
      ok: false,
      error: { field: 'override.reason' },
    });
    expect(await s.dispatch('assessments.setOverride', { id: a.id, indicatorId: '9.1', override: { points: 51, reason: 'quá mức' } })).toMatchObject({
      ok: false,
      error: { field: 'override.points' },
    });
    const r = await s.call('assessments.setOverride', { id: a.id, indicatorId: '9.1', override: { points: 30, reason: 'Số liệu trạm y tế bổ sung' } });
    const ind = r.result.criteria.find((c) => c.id === '9')!.indicators[0]!;
    expect(ind).toMatchObject({ computed: 15, points: 30, override: { points: 30, reason: 'Số liệu trạm y tế bổ sung' } });
    const cleared = await s.call('assessments.setOverride', { id: a.id, indicatorId: '9.1', override: null });
    expect(cleared.result.criteria.find((c) => c.id === '9')!.indicators[0]!.points).toBe(15);
  });

  it('records every change in the append-only audit trail: who, when, old → new', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    await s.call('assessments.setValue', { id: a.id, indicatorId: '1.1', value: true });
    await s.call('assessments.setValue', { id: a.id, indicatorId: '1.1', value: false });
    await s.call('assessments.setValue', { id: a.id, indicatorId: '1.1', value: false }); // unchanged: not recorded
    await s.call('assessments.setNote', { id: a.id, indicatorId: '1.1', note: 'Quyết định 12/QĐ-UBND' });
    await s.call('assessments.setOverride', { id: a.id, indicatorId: '1.1', override: { points: 50, reason: 'Đã bố trí từ tháng 3' } });
    const all = await s.call('audit.list', { id: a.id });
    expect(all.items.map((e) => e.action)).toEqual(['create', 'value', 'value', 'note', 'override']);
    const one = await s.call('audit.list', { id: a.id, indicatorId: '1.1' });
    expect(one.items.map((e) => [e.action, e.old, e.new])).toEqual([
      ['value', null, true],
      ['value', true, false],
      ['note', '', 'Quyết định 12/QĐ-UBND'],
      ['override', null, { points: 50, reason: 'Đã bố trí từ tháng 3' }],
    ]);
    expect(one.items[0]).toMatchObject({ actor: 'Nguyễn Thị Hồng (Chủ tịch)', at: '2026-03-15T08:00:00.000Z', revision: 1 });
    const { db } = await s.context.store();
    await expect(db.updateTable('audit').set({ actor: 'x' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit').execute()).rejects.toThrow(/append-only/);
  });

  it('a save is one transaction: when its audit entry cannot be written, the value is not saved either', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    const { sqlite } = await s.context.store();
    sqlite.exec("create trigger fail_audit before insert on audit when new.action = 'value' begin select raise(abort, 'disk full'); end");
    const r = await s.dispatch('assessments.setValue', { id: a.id, indicatorId: '1.1', value: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    sqlite.exec('drop trigger fail_audit');
    const d = await s.call('assessments.get', { id: a.id });
    expect(d.entries['1.1']).toBeUndefined();
    expect(d.updatedAt).toBe(a.updatedAt);
  });

  it('submit needs every value, then makes the revision read-only; a new revision copies everything', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    await fillAll(a.id, { ...fixture.values, '12.3': undefined } as Record<string, unknown>);
    const early = await s.dispatch('assessments.submit', { id: a.id });
    expect(early).toMatchObject({ ok: false, error: { code: 'incomplete' } });
    if (!early.ok) expect(early.error.message.vi).toContain('12.3');
    await s.call('assessments.setValue', { id: a.id, indicatorId: '12.3', value: false });
    await s.call('assessments.setNote', { id: a.id, indicatorId: '2.1', note: 'Sổ hộ tịch' });
    const sub = await s.call('assessments.submit', { id: a.id });
    expect(sub).toMatchObject({ status: 'submitted', readOnly: true, submittedAt: '2026-03-15T08:00:00.000Z' });
    expect(await s.dispatch('assessments.setValue', { id: a.id, indicatorId: '1.1', value: false })).toMatchObject({ ok: false, error: { code: 'read_only' } });
    expect(await s.dispatch('assessments.newRevision', { id: 'not-a-uuid' })).toMatchObject({ ok: false, error: { field: 'id' } });

    const r2 = await s.call('assessments.newRevision', { id: a.id });
    expect(r2).toMatchObject({ revision: 2, status: 'draft', assessmentId: sub.assessmentId, previousRevision: a.id });
    expect(r2.result.total).toBe(875);
    expect(r2.entries['2.1']).toMatchObject({ note: 'Sổ hộ tịch', copied: false });
    expect((await s.call('assessments.get', { id: a.id })).superseded).toBe(true);
    expect(await s.dispatch('assessments.newRevision', { id: a.id })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await s.dispatch('assessments.newRevision', { id: r2.id })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    const audit = await s.call('audit.list', { id: r2.id });
    expect(audit.items.at(-1)).toMatchObject({ action: 'new_revision', old: 1, new: 2, revision: 2 });
    expect(audit.items.some((e) => e.action === 'submit' && e.revision === 1)).toBe(true);
  });

  it("duplicates last year's: values and notes copied and marked, overrides not; editing or confirming clears the mark", async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2025 });
    await fillAll(a.id);
    await s.call('assessments.setNote', { id: a.id, indicatorId: '1.1', note: 'QĐ 5/2025' });
    await s.call('assessments.setOverride', { id: a.id, indicatorId: '9.1', override: { points: 10, reason: 'thử' } });
    const b = await s.call('assessments.duplicate', { fromId: a.id, year: 2026 });
    expect(b).toMatchObject({ year: 2026, revision: 1, copiedFrom: { id: a.id, year: 2025 } });
    expect(b.assessmentId).not.toBe(a.assessmentId);
    expect(b.entries['1.1']).toMatchObject({ value: true, note: 'QĐ 5/2025', copied: true });
    expect(b.entries['9.1']!.override).toBeNull();
    expect(b.result.total).toBe(875);
    const edited = await s.call('assessments.setValue', { id: b.id, indicatorId: '1.1', value: true });
    expect(edited.entry.copied).toBe(false);
    const confirmed = await s.call('assessments.confirmCopied', { id: b.id, indicatorId: '2.1' });
    expect(confirmed.entry.copied).toBe(false);
    expect(await s.dispatch('assessments.duplicate', { fromId: b.id, year: 2026 })).toMatchObject({ ok: false, error: { field: 'year' } });
    // The source is untouched.
    expect((await s.call('assessments.get', { id: a.id })).entries['1.1']!.copied).toBe(false);
  });

  it('nobody writes without a profile', async () => {
    const t = tempDir();
    const bare = testService(t.dir);
    try {
      const r = await bare.dispatch('assessments.create', { unitCode: '29266', year: 2026 });
      expect(r).toMatchObject({ ok: false, error: { code: 'profile_required' } });
    } finally {
      await bare.close();
      t.cleanup();
    }
  });
});
