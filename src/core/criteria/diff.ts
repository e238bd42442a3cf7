import { z } from 'zod';
import type { Indicator, Pack } from './schema';

/**
 * The differences between two packs (two versions of one pack, usually), for `cfc pack diff A B` and the side-by-side
 * screen: every rule that differs, addressed as a person reads it ("7.1 mức 1 ngưỡng: 98 → 95"). Pure data.
 */

export const packChangeSchema = z.object({
  /** Where: `pack`, a criterion id, or an indicator id. */
  at: z.string(),
  /** What, in both languages ("ngưỡng mức 1" / "bracket 1 threshold"). */
  what: z.object({ vi: z.string(), en: z.string() }),
  /** The field's JSON path under `at`. */
  field: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  kind: z.enum(['changed', 'added', 'removed']),
});
export type PackChange = z.infer<typeof packChangeSchema>;

const LABELS: Record<string, { vi: string; en: string }> = {
  max: { vi: 'điểm tối đa', en: 'maximum' },
  confirmed: { vi: 'đã đối chiếu', en: 'confirmed' },
  source: { vi: 'nguồn', en: 'source' },
  threshold: { vi: 'ngưỡng', en: 'threshold' },
  points: { vi: 'điểm', en: 'points' },
  'title.vi': { vi: 'tên (tiếng Việt)', en: 'title (Vietnamese)' },
  'title.en': { vi: 'tên (tiếng Anh)', en: 'title (English)' },
  kind: { vi: 'loại', en: 'kind' },
  better: { vi: 'chiều tốt hơn', en: 'direction' },
  per: { vi: 'N của tỷ suất', en: 'N of the rate' },
  status: { vi: 'trạng thái', en: 'status' },
  maxTotal: { vi: 'tổng điểm tối đa', en: 'maximum total' },
};

function label(path: string): { vi: string; en: string } {
  const parts = path.split('.');
  const out = { vi: [] as string[], en: [] as string[] };
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const two = `${p}.${parts[i + 1] ?? ''}`;
    if (LABELS[two]) {
      out.vi.push(LABELS[two].vi);
      out.en.push(LABELS[two].en);
      i++;
    } else if (p === 'brackets' && parts[i + 1] !== undefined) {
      const n = Number(parts[++i]) + 1;
      out.vi.push(`mức ${n}`);
      out.en.push(`bracket ${n}`);
    } else if (/^\d+$/.test(p)) {
      out.vi.push(`#${Number(p) + 1}`);
      out.en.push(`#${Number(p) + 1}`);
    } else {
      const l = LABELS[p] ?? { vi: p, en: p };
      out.vi.push(l.vi);
      out.en.push(l.en);
    }
  }
  return { vi: out.vi.join(' '), en: out.en.join(' ') };
}

/** Leaf-by-leaf differences of two JSON values. */
function walk(a: unknown, b: unknown, path: string, emit: (path: string, before: unknown, after: unknown) => void): void {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()].map(String) : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, emit);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) emit(path, a, b);
}

type Node = Record<string, unknown>;
const strip = (o: object, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/** Differences of two packs: pack fields, then each criterion and indicator matched by id (in B's order, then removed ones). */
export function diffPacks(a: Pack, b: Pack): PackChange[] {
  const changes: PackChange[] = [];
  const push = (at: string, field: string, before: unknown, after: unknown) =>
    changes.push({ at, field, what: label(field), before: before ?? null, after: after ?? null, kind: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed' });
  walk(strip(a, 'criteria'), strip(b, 'criteria'), '', (f, x, y) => push('pack', f, x, y));
  const indA = new Map<string, Indicator>(a.criteria.flatMap((c) => c.indicators.map((i) => [i.id, i] as const)));
  const indB = new Set(b.criteria.flatMap((c) => c.indicators.map((i) => i.id)));
  const critA = new Map(a.criteria.map((c) => [c.id, c]));
  for (const c of b.criteria) {
    const before = critA.get(c.id);
    if (!before) push(c.id, '', undefined, strip(c, 'indicators'));
    else walk(strip(before, 'indicators'), strip(c, 'indicators'), '', (f, x, y) => push(c.id, f, x, y));
    for (const i of c.indicators) {
      const old = indA.get(i.id);
      if (!old) push(i.id, '', undefined, i);
      else walk(old as unknown as Node, i as unknown as Node, '', (f, x, y) => push(i.id, f, x, y));
    }
  }
  for (const c of a.criteria) if (!b.criteria.some((x) => x.id === c.id)) push(c.id, '', strip(c, 'indicators'), undefined);
  for (const [id, i] of indA) if (!indB.has(id)) push(id, '', i, undefined);
  return changes;
}
