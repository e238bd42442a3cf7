import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { snapshotDir, tempDir, testService } from '../helpers';
import { fixture } from '../unit/packages/helpers';

/**
 * "Bắt đầu từ năm trước" across the 2025 reform (issue 10 item 5): Xã Càng Long (29266 of 2025-07-01) starts 2026
 * from Xã Mỹ Cẩm's 2024 assessment (29269 of 2025-03-01, which went wholly into it); a commune split among several
 * (Xã Hòa Lộc 28924 → 28921 and 29734) needs the unit named; what came from where is said; bad input writes nothing.
 */

let s: Service;
let dir: string;
let cleanup: () => void;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir('cfc-reform-dup-'));
  s = testService(dir);
  await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
});
afterEach(async () => {
  await s.close();
  cleanup();
});

/** A past dossier of an old unit, with a few values, a note. */
async function past(unitCode: string, year = 2024) {
  const a = await s.call('assessments.create', { unitCode, unitEdition: '2025-03-01', year });
  for (const id of ['1.1', '2.1', '3.1']) await s.call('assessments.setValue', { id: a.id, indicatorId: id, value: fixture.values[id] });
  await s.call('assessments.setNote', { id: a.id, indicatorId: '2.1', note: 'Số liệu của xã Mỹ Cẩm năm 2024' });
  return a;
}

const tables = async () => {
  const db = (await s.open()).db;
  return {
    assessment: await db.selectFrom('assessment').selectAll().orderBy('id').execute(),
    values: await db.selectFrom('assessment_value').selectAll().orderBy('revision_id').orderBy('indicator_id').execute(),
    audit: await db.selectFrom('audit').selectAll().orderBy('seq').execute(),
  };
};

describe('start 2026 from a predecessor\'s 2024 assessment', () => {
  it('offers Xã Mỹ Cẩm 2024 as a source for Xã Càng Long 2026, and copies it into 29266 of 2025-07-01 saying what came from where', async () => {
    const mc = await past('29269');
    await s.call('assessments.create', { unitCode: '29266', year: 2025 });
    const src = await s.call('assessments.sources', { unitCode: '29266', year: 2026 });
    expect(src.items.map((i) => [i.year, i.unit.code, i.unit.name, i.unit.edition, i.relation, i.whole])).toEqual([
      [2025, '29266', 'Xã Càng Long', '2025-07-01', 'same', true],
      [2024, '29269', 'Xã Mỹ Cẩm', '2025-03-01', 'predecessor', true],
    ]);
    expect(src.items[1]!.id).toBe(mc.id);

    const d = await s.call('assessments.duplicate', { fromId: mc.id, year: 2026, unitCode: '29266' });
    expect(d.unit).toMatchObject({ code: '29266', name: 'Xã Càng Long', edition: '2025-07-01' });
    expect(d.year).toBe(2026);
    expect(d.copiedFrom).toEqual({ id: mc.id, year: 2024 });
    expect(d.copied).toMatchObject({ from: { id: mc.id, year: 2024, unit: { code: '29269', name: 'Xã Mỹ Cẩm', edition: '2025-03-01' } }, into: { id: d.id, year: 2026, unit: { code: '29266', edition: '2025-07-01' } }, values: 3 });
    expect(d.copied.message.vi).toMatch(/từ bản năm 2024 \(lần 1\) của Xã Mỹ Cẩm \(29269, danh mục 01\/03\/2025\) sang bản năm 2026 của Xã Càng Long \(29266, danh mục 01\/07\/2025\)/);
    expect(d.copied.message.en).toMatch(/of Xã Mỹ Cẩm \(29269, 2025-03-01 catalogue\) into the 2026 assessment of Xã Càng Long \(29266, 2025-07-01 catalogue\)/);
    for (const id of ['1.1', '2.1', '3.1']) expect(d.entries[id], id).toMatchObject({ value: fixture.values[id], copied: true });
    expect(d.entries['2.1']!.note).toBe('Số liệu của xã Mỹ Cẩm năm 2024');
    // The unit class is the new unit's own default, not carried over.
    expect(d.unitClass).toBe(d.unitClassDefault ?? 'other');
    const audit = (await s.call('audit.list', { id: d.id })).items.find((a) => a.action === 'duplicate')!;
    expect(audit.old).toMatchObject({ id: mc.id, year: 2024, unitCode: '29269', unitEdition: '2025-03-01' });
    expect(audit.new).toMatchObject({ year: 2026, unitCode: '29266', unitEdition: '2025-07-01' });
    // The source is untouched.
    const again = await s.call('assessments.get', { id: mc.id });
    expect(again.unit).toMatchObject({ code: '29269', edition: '2025-03-01' });
  });

  it('without a unit named, the only successor is taken; the list shows each assessment with its edition', async () => {
    const mc = await past('29269');
    const d = await s.call('assessments.duplicate', { fromId: mc.id, year: 2026 });
    expect(d.unit).toMatchObject({ code: '29266', edition: '2025-07-01' });
    const list = await s.call('assessments.list', {});
    expect(list.items.map((i) => [i.year, i.unit.code, i.unit.edition])).toEqual([
      [2026, '29266', '2025-07-01'],
      [2024, '29269', '2025-03-01'],
    ]);
  });

  it('a split commune needs the unit named, one of its successors; then it is copied there', async () => {
    const hl = await past('28924');
    const before = await tables();
    await expect(s.call('assessments.duplicate', { fromId: hl.id, year: 2026 })).rejects.toMatchObject({
      error: { code: 'successor_required', field: 'unitCode', message: { vi: /Xã Hòa Lộc \(28924\) đã được sắp xếp vào .*\(28921\), .*\(29734\)/ } },
    });
    await expect(s.call('assessments.duplicate', { fromId: hl.id, year: 2026, unitCode: '29266' })).rejects.toMatchObject({
      error: { code: 'not_successor', field: 'unitCode', message: { vi: /29266 không phải là đơn vị đã nhận Xã Hòa Lộc \(28924\)/, en: /29266 is not a unit that took over Xã Hòa Lộc \(28924\)/ } },
    });
    expect(await tables()).toEqual(before);
    const d = await s.call('assessments.duplicate', { fromId: hl.id, year: 2026, unitCode: '29734' });
    expect(d.unit).toMatchObject({ code: '29734', edition: '2025-07-01' });
    expect(d.copied.values).toBe(3);
  });

  it('bad input is refused naming the problem; nothing is written', async () => {
    const mc = await past('29269');
    await s.call('assessments.duplicate', { fromId: mc.id, year: 2026 });
    const before = await tables();
    const snap = snapshotDir(dir);
    // Already there: the 2026 assessment of Xã Càng Long.
    await expect(s.call('assessments.duplicate', { fromId: mc.id, year: 2026 })).rejects.toMatchObject({ error: { code: 'already_exists', message: { vi: /Xã Càng Long đã có bản đánh giá năm 2026/ } } });
    // Not after the source's year.
    await expect(s.call('assessments.duplicate', { fromId: mc.id, year: 2024 })).rejects.toMatchObject({ error: { code: 'invalid_input', field: 'year' } });
    await expect(s.call('assessments.duplicate', { fromId: mc.id, year: 2027.5 })).rejects.toMatchObject({ error: { code: 'invalid_input' } });
    // 29275 (Xã An Trường) did not take Xã Mỹ Cẩm in.
    await expect(s.call('assessments.duplicate', { fromId: mc.id, year: 2025, unitCode: '29275' })).rejects.toMatchObject({ error: { code: 'not_successor', field: 'unitCode' } });
    await expect(s.call('assessments.duplicate', { fromId: mc.id, year: 2027, unitCode: '2926' })).rejects.toMatchObject({ error: { code: 'invalid_input' } });
    await expect(s.call('assessments.duplicate', { fromId: mc.id, year: 2027, unitCode: '29266', unitEdition: '2025-03-01' })).rejects.toMatchObject({ error: { code: 'not_successor' } });
    await expect(s.call('assessments.sources', { unitCode: '29269', year: 2026 })).rejects.toMatchObject({ error: { code: 'unit_not_found', message: { en: /No commune 29269 in the catalogue edition 2025-07-01/ } } });
    expect(await tables()).toEqual(before);
    expect(snapshotDir(dir)).toEqual(snap);
  });

  it('before the reform a copy stays in the old edition, with the same unit', async () => {
    const mc = await past('29269', 2023);
    const d = await s.call('assessments.duplicate', { fromId: mc.id, year: 2024 });
    expect(d.unit).toMatchObject({ code: '29269', name: 'Xã Mỹ Cẩm', edition: '2025-03-01' });
    expect(d.copied.message.vi).toMatch(/^Đã sao chép 3 số liệu và 0 minh chứng từ bản năm 2023 \(lần 1\) sang bản năm 2024 của Xã Mỹ Cẩm/);
  });
});
