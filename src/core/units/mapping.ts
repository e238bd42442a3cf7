import { z } from 'zod';
import { CfcError } from '../errors';
import type { UnitCatalogue } from './catalogue';

/**
 * An old → new mapping between two catalogue editions: every commune of `from` → the communes of `to` that took over
 * its territory (`whole`: it went entirely into that one). A source may also be a `from` district that had no
 * communes (the island districts that became đặc khu).
 */
export const mappingFileSchema = z.object({
  source: z.string().trim().min(1),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  communes: z.record(
    z.string().regex(/^\d{2,5}$/, 'a unit code'),
    z.array(z.object({ code: z.string().regex(/^\d{5}$/, 'a commune code has 5 digits'), whole: z.boolean() }).strict()).min(1),
  ),
});
export type MappingFile = z.infer<typeof mappingFileSchema>;

export interface MappingTarget {
  code: string;
  whole: boolean;
}

export class UnitMapping {
  readonly source: string;
  readonly from: string;
  readonly to: string;
  private readonly forward = new Map<string, MappingTarget[]>();
  private readonly backward = new Map<string, { code: string; whole: boolean }[]>();

  constructor(data: MappingFile) {
    this.source = data.source;
    this.from = data.from;
    this.to = data.to;
    for (const [code, targets] of Object.entries(data.communes)) {
      this.forward.set(code, targets);
      for (const t of targets) {
        let list = this.backward.get(t.code);
        if (!list) this.backward.set(t.code, (list = []));
        list.push({ code, whole: t.whole });
      }
    }
  }

  get size(): number {
    return this.forward.size;
  }

  /** The `to` communes that took over an old unit's territory ([] when it is not mapped). */
  successors(oldCode: string): MappingTarget[] {
    return this.forward.get(oldCode) ?? [];
  }

  /** The `from` units whose territory (`whole` or part) went into a new commune. */
  predecessors(newCode: string): { code: string; whole: boolean }[] {
    return this.backward.get(newCode) ?? [];
  }

  /**
   * Checks the mapping against its two editions: every source exists in `from` (a commune, or a district without
   * communes), every commune of `from` is mapped, every target is a commune of `to`. Problems, at most `max`.
   */
  problems(from: UnitCatalogue, to: UnitCatalogue, max = 20): string[] {
    const out: string[] = [];
    const add = (p: string) => {
      if (out.length < max) out.push(p);
    };
    if (from.dataDate !== this.from) add(`from is ${this.from}, the edition before is ${from.dataDate}`);
    if (to.dataDate !== this.to) add(`to is ${this.to}, the edition is ${to.dataDate}`);
    for (const [code, targets] of this.forward) {
      const r = from.record(code);
      if (!r) add(`source ${code} is not a unit of ${from.dataDate}`);
      else if (r.level !== 'commune' && !(r.level === 'district' && r.children.length === 0)) add(`source ${code} is a ${r.level} of ${from.dataDate}, not a commune`);
      for (const t of targets) {
        const n = to.record(t.code);
        if (!n || n.level !== 'commune') add(`${code} → ${t.code}: ${t.code} is not a commune of ${to.dataDate}`);
      }
      if (targets.filter((t) => t.whole).length > 1 || (targets.some((t) => t.whole) && targets.length > 1)) add(`${code}: "whole" into one commune only`);
    }
    for (const c of from.communesUnder(null)) if (!this.forward.has(c.code)) add(`commune ${c.code} (${c.name}) of ${from.dataDate} is not mapped`);
    return out;
  }
}

export function invalidMapping(origin: string, problems: string[]): CfcError {
  const list = problems.join('; ');
  return new CfcError(
    'mapping_invalid',
    { vi: `Tệp chuyển đổi đơn vị ${origin} không hợp lệ: ${list}.`, en: `The unit mapping file ${origin} is invalid: ${list}.` },
    { field: 'mapping' },
  );
}
