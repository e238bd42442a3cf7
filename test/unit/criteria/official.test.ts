import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packSummary } from '../../../src/core/criteria/registry';
import type { Pack } from '../../../src/core/criteria/schema';
import { unconfirmedRules, validatePack } from '../../../src/core/criteria/validate';
import { buildReportContent } from '../../../src/core/reports/content';
import { assess } from '../../../src/core/scoring/assess';
import { builtin, fixturesDir, loaded } from '../scoring/helpers';

/**
 * Honesty rules: a pack with status official and every rule confirmed produces results with no provisional notice
 * anywhere; the built-in provisional pack keeps its notice. (The official pack here is the built-in one with every
 * `confirmed` flag set, as a province's official edition would be.)
 */
function confirmAll(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(confirmAll);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'confirmed' ? true : confirmAll(x)]));
  }
  return v;
}
function officialPack(): Pack {
  return { ...(confirmAll(builtin().pack) as Pack), version: '2.0.0', status: 'official' };
}
const input = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'recognised-other.json'), 'utf8')) as Record<string, unknown>;

function report(result: ReturnType<typeof assess>) {
  return buildReportContent({
    unit: { code: '29239', name: 'Xã Mỹ Cẩm', type: 'Xã', ancestors: [{ code: '84', name: 'Tỉnh Trà Vinh', level: 'province' }] },
    year: 2026,
    revision: 1,
    place: 'Mỹ Cẩm',
    date: '2026-03-05',
    organisation: 'Ủy ban nhân dân Xã Mỹ Cẩm',
    superior: '',
    signer: { name: 'Nguyễn Văn Thắng', title: 'Chủ tịch' },
    result,
    values: input['values'] as Record<string, never>,
    notes: {},
    evidence: [],
  });
}

describe('an official pack with every rule confirmed', () => {
  it('is valid, counts 0 unconfirmed rules, and says so in its summary', () => {
    const p = officialPack();
    expect(validatePack(p)).toMatchObject({ ok: true });
    expect(unconfirmedRules(p)).toBe(0);
    expect(packSummary(loaded(p))).toMatchObject({ status: 'official', allConfirmed: true });
    expect(unconfirmedRules(builtin().pack)).toBeGreaterThan(10);
    expect(packSummary(builtin()).allConfirmed).toBe(false);
  });

  it('scores with no provisional flag or notice anywhere in the result', () => {
    const r = assess({ ...input, packVersion: '2.0.0' }, loaded(officialPack()));
    expect(r.provisional).toBe(false);
    expect(r.provisionalNotice).toBeNull();
    expect(r.criteria.every((c) => !c.provisional && c.indicators.every((i) => !i.provisional))).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/tạm tính|provisional result/i);
    // The same values with the built-in pack carry the notice.
    const b = assess(input, builtin());
    expect(b.provisional).toBe(true);
    expect(b.provisionalNotice?.vi).toMatch(/tạm tính/i);
  });

  it('the self-assessment report has no provisional notice, no "*" and no "tạm tính"', () => {
    const official = report(assess({ ...input, packVersion: '2.0.0' }, loaded(officialPack())));
    expect(official.provisionalNotice).toBeNull();
    const text = JSON.stringify(official);
    expect(text).not.toMatch(/tạm tính/i);
    expect(text).not.toMatch(/\d\*/);
    const provisional = report(assess(input, builtin()));
    expect(provisional.provisionalNotice).toMatch(/tạm tính/i);
    expect(JSON.stringify(provisional)).toMatch(/\d\*/);
  });
});
