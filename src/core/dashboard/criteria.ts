import type { LoadedPack } from '../criteria/registry';
import { inScope, type DashboardDeps } from './read';
import { resolveScope, type Scope } from './scope';

/** Per criterion of the counted packages: how often it scores 0 (which alone bars recognition), its average share. */

export interface CriterionStat {
  id: string;
  title: { vi: string; en: string };
  max: number;
  /** Counted packages that carry this criterion. */
  assessed: number;
  /** How many of them score 0 on it (which alone bars recognition). */
  zeros: number;
  zeroPercent: number | null;
  /** Average points / max × 100. */
  averageSharePercent: number | null;
  averagePoints: number | null;
  provisional: boolean;
}

export interface FailingCriteria {
  year: number;
  pack: { id: string; version: string; status: string; provisionalNotice: { vi: string; en: string } | null } | null;
  /** Sorted: most zeros first, then the lowest average share. */
  items: CriterionStat[];
}

/** The pack the figures are measured with: the first in the registry that a counted package names (else the first). */
export async function packOf(deps: DashboardDeps, scope: Scope, year: number): Promise<LoadedPack | null> {
  const rows = await inScope(deps.db.selectFrom('counted').select(['pack_id', 'pack_version']).distinct(), deps, scope, year).execute();
  const named = new Set(rows.map((r) => `${r.pack_id}@${r.pack_version}`));
  const known = deps.packs.list().filter((p) => named.has(`${p.pack.id}@${p.pack.version}`));
  return known[0] ?? deps.packs.list()[0] ?? null;
}

/** Whether any rule of a criterion is provisional (its own, an indicator's, a bracket's or a fallback's). */
export function criterionProvisional(c: LoadedPack['pack']['criteria'][number]): boolean {
  if (!c.confirmed) return true;
  for (const i of c.indicators) {
    if (!i.confirmed) return true;
    const rules: { confirmed: boolean }[] = [];
    if ('brackets' in i) rules.push(...i.brackets, i.otherwise);
    if ('denominatorZero' in i) rules.push(i.denominatorZero);
    if ('options' in i) rules.push(...i.options);
    if ('groups' in i) rules.push(...i.groups);
    if (rules.some((r) => !r.confirmed)) return true;
  }
  return false;
}

export async function failingCriteria(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<FailingCriteria> {
  const scope = resolveScope(deps.units, scopeCode);
  const stats = await inScope(
    deps.db
      .selectFrom('counted_criterion')
      .select((eb) => [
        'criterion_id as cid',
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>(eb('points', '=', 0)).as('zeros'),
        eb.fn.sum<number>('points').as('pts'),
      ]),
    deps,
    scope,
    year,
  )
    .groupBy('criterion_id')
    .execute();
  const pack = await packOf(deps, scope, year);
  const byId = new Map(stats.map((r) => [r.cid, r]));
  const items: CriterionStat[] = (pack?.pack.criteria ?? []).map((c) => {
    const s = byId.get(c.id);
    const n = s?.n ?? 0;
    return {
      id: c.id,
      title: c.title,
      max: c.max,
      assessed: n,
      zeros: s?.zeros ?? 0,
      zeroPercent: n ? ((s?.zeros ?? 0) * 100) / n : null,
      averagePoints: n ? (s?.pts ?? 0) / n : null,
      averageSharePercent: n && c.max ? ((s?.pts ?? 0) * 100) / (n * c.max) : null,
      provisional: criterionProvisional(c),
    };
  });
  items.sort((a, b) => b.zeros - a.zeros || (a.averageSharePercent ?? 101) - (b.averageSharePercent ?? 101) || Number(a.id) - Number(b.id));
  return {
    year,
    pack: pack ? { id: pack.pack.id, version: pack.pack.version, status: pack.pack.status, provisionalNotice: pack.pack.status === 'provisional' ? pack.pack.provisionalNotice : null } : null,
    items,
  };
}
