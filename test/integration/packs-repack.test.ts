import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { tempDir, testService } from '../helpers';
import { builtin } from '../unit/scoring/helpers';

/**
 * Diff and re-score: two versions side by side, and a draft moved to the newer version (values kept where id and kind
 * match, the others flagged and cleared), with the score before and after; a submitted revision keeps its pack.
 */
let dir: string;
let cleanup: () => void;
let s: Service;
beforeEach(async () => {
  ({ dir, cleanup } = tempDir('cfc-packs-repack-'));
  s = testService(path.join(dir, 'data'));
  await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
});
afterEach(async () => {
  await s.close();
  cleanup();
});

/** Version 1.1.0: 7.1's top bracket at 95%, and 5.2 becomes a rate per 1,000 children (another kind). */
function newer() {
  const p = structuredClone(builtin().pack);
  p.version = '1.1.0';
  const i7 = p.criteria.find((c) => c.id === '7')!.indicators[0]!;
  if (i7.kind !== 'rate') throw new Error('7.1 is a rate');
  i7.brackets[0]!.threshold = 95;
  i7.brackets[1]!.threshold = 90;
  i7.brackets[2]!.threshold = 85;
  const c5 = p.criteria.find((c) => c.id === '5')!;
  const old = c5.indicators[1]!;
  if (old.kind !== 'rate') throw new Error('5.2 is a rate');
  c5.indicators[1] = { ...old, kind: 'rate_per_n', per: 1000, brackets: [{ threshold: 10, points: 40, confirmed: false, source: 'thử' }, { threshold: 20, points: 20, confirmed: false, source: 'thử' }] };
  const f = path.join(dir, 'v110.json');
  fs.writeFileSync(f, JSON.stringify(p));
  return f;
}

describe('diff and re-score', () => {
  it('diff names the changed brackets and the changed kind', async () => {
    await s.call('packs.install', { file: newer() });
    const d = await s.call('packs.diff', { a: { id: 'qd06-2019', version: '1.0.0' }, b: { id: 'qd06-2019', version: '1.1.0' } });
    expect(d.changes).toContainEqual(expect.objectContaining({ at: '7.1', field: 'brackets.0.threshold', before: 98, after: 95, what: { vi: 'mức 1 ngưỡng', en: 'bracket 1 threshold' } }));
    expect(d.changes).toContainEqual(expect.objectContaining({ at: '5.2', field: 'kind', before: 'rate', after: 'rate_per_n' }));
    expect(d.changes).toContainEqual(expect.objectContaining({ at: 'pack', field: 'version', before: '1.0.0', after: '1.1.0' }));
    expect(d.changes.every((c) => c.at !== '1.1')).toBe(true);
  });

  it('a draft moves to 1.1.0: values kept, the changed kind flagged and cleared, the score before and after', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    await s.call('assessments.setValue', { id: a.id, indicatorId: '7.1', value: { numerator: 96, denominator: 100 } });
    await s.call('assessments.setValue', { id: a.id, indicatorId: '5.2', value: { numerator: 1, denominator: 100 } });
    await s.call('assessments.setValue', { id: a.id, indicatorId: '1.1', value: true });
    await s.call('packs.install', { file: newer() });

    const preview = await s.call('packs.repackDraft', { id: a.id, version: '1.1.0', apply: false });
    expect(preview).toMatchObject({ applied: false, from: { version: '1.0.0' }, to: { version: '1.1.0' } });
    expect(preview.kept.sort()).toEqual(['1.1', '7.1']);
    expect(preview.flagged.map((f) => f.indicatorId)).toEqual(['5.2']);
    expect(preview.flagged[0]!.reason.vi).toContain('rate → rate_per_n');
    const pts = (r: typeof preview.before, id: string) => r.criteria.flatMap((c) => c.indicators).find((i) => i.id === id)!.points;
    expect(pts(preview.before, '7.1')).toBe(35);
    expect(pts(preview.after, '7.1')).toBe(50);
    // Nothing written by the preview.
    expect((await s.call('assessments.get', { id: a.id })).result.pack.version).toBe('1.0.0');

    const applied = await s.call('packs.repackDraft', { id: a.id, version: '1.1.0', apply: true });
    expect(applied.applied).toBe(true);
    const after = await s.call('assessments.get', { id: a.id });
    expect(after.result.pack.version).toBe('1.1.0');
    expect(after.result.total).toBe(applied.after.total);
    expect(after.entries['5.2']?.value ?? null).toBeNull();
    expect(after.entries['7.1']?.value).toEqual({ numerator: 96, denominator: 100 });

    // Not to an older (or the same) version.
    await expect(s.call('packs.repackDraft', { id: a.id, version: '1.0.0', apply: true })).rejects.toMatchObject({ error: { code: 'invalid_input', field: 'version' } });
  });
});
