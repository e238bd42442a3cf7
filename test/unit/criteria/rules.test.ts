import { describe, expect, it } from 'vitest';
import type { Pack } from '../../../src/core/criteria/schema';
import { unconfirmedRules } from '../../../src/core/criteria/validate';
import { pairRules, ruleCounts, rulesOf } from '../../../src/renderer/src/packs/rules';
import { builtin } from '../scoring/helpers';
import { kindsPack } from '../scoring/testpack';

/**
 * The rule list of "Xem thang điểm", the import preview and the side-by-side diff (src/renderer/src/packs/rules.ts):
 * one row for every part of a pack that carries a `confirmed` flag, each with its source; the provisional count
 * agrees with the core's `unconfirmedRules`; pairing two versions marks exactly the rules that differ.
 */

/** Every object of the pack JSON with a `confirmed` key: what a row must exist for. */
function provenanceNodes(v: unknown, out: { confirmed: boolean; source: string }[] = []) {
  if (Array.isArray(v)) v.forEach((x) => provenanceNodes(x, out));
  else if (typeof v === 'object' && v !== null) {
    if ('confirmed' in v) out.push(v as { confirmed: boolean; source: string });
    Object.values(v).forEach((x) => provenanceNodes(x, out));
  }
  return out;
}

describe('the rules of a pack, as the scale shows them', () => {
  for (const [name, pack] of [['the built-in pack', builtin().pack], ['a pack with every kind (choice, survey groups)', kindsPack()]] as const) {
    it(`${name}: one row per confirmed flag, each with its source; the provisional count is the core's`, () => {
      const rows = rulesOf(pack);
      const nodes = provenanceNodes(pack);
      expect(rows).toHaveLength(nodes.length);
      expect(rows.map((r) => [r.confirmed, r.source])).toEqual(expect.arrayContaining(nodes.map((n) => [n.confirmed, n.source])));
      expect(rows.every((r) => r.source.length > 0)).toBe(true);
      expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
      expect(ruleCounts(pack).provisional).toBe(unconfirmedRules(pack));
      expect(ruleCounts(pack).confirmed + ruleCounts(pack).provisional).toBe(nodes.length);
    });
  }

  it('survey groups and choice options are rules of their own', () => {
    const rows = rulesOf(kindsPack());
    expect(rows.some((r) => r.key.includes(':g:'))).toBe(true);
    expect(rows.some((r) => r.key.includes(':o:'))).toBe(true);
  });

  it('pairs two versions: a changed threshold, wording, flag or source is marked; the rest is not; removed and added rules appear', () => {
    const a = builtin().pack;
    const b = structuredClone(a) as Pack;
    b.version = '1.1.0';
    const i7 = b.criteria.find((c) => c.id === '7')!.indicators[0]!;
    if (i7.kind !== 'rate') throw new Error('7.1 is a rate');
    i7.brackets[0]!.threshold = 95;
    b.criteria[1]!.title = { ...b.criteria[1]!.title, vi: 'Tên mới' };
    b.criteria[2]!.confirmed = !b.criteria[2]!.confirmed;
    b.recognition.source = 'Điều 2, khoản 2 (văn bản gốc)';
    // 7.1 loses its last bracket.
    i7.brackets.pop();
    const pairs = pairRules(a, b);
    const changed = pairs.filter((p) => p.changed).map((p) => p.key);
    expect(changed.sort()).toEqual(['c:2', 'c:3', 'i:7.1:b0', 'i:7.1:b2', 'recognition'].sort());
    const removed = pairs.find((p) => p.key === 'i:7.1:b2')!;
    expect(removed.b).toBeNull();
    expect(removed.a?.rule).toBe('≥ 90%');
    // The removed rule sits after its neighbour, before 7.1's "otherwise".
    const keys = pairs.map((p) => p.key);
    expect(keys.indexOf('i:7.1:b2')).toBe(keys.indexOf('i:7.1:b1') + 1);
    expect(pairRules(a, a).some((p) => p.changed)).toBe(false);
  });
});
