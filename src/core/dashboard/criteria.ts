import { sql } from 'kysely';
import type { LoadedPack } from '../criteria/registry';
import { scoped, type DashboardDeps } from './read';
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
  const r = scoped(deps, scope, 'counted', year);
  const rows = (await sql<{ pack_id: string; pack_version: string }>`${r.with} select distinct c.pack_id, c.pack_version ${r.from}`.execute(deps.db)).rows;
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
  const scope = resolveScope(deps.units, scopeCode, 'scope', deps.current);
  // How many counted packages have each number of points on each criterion (a covering index, read in its order);
  // folded below into count, zeros and Σ points per criterion.
  const r = scoped(deps, scope, 'counted_criterion', year);
  const spread = await sql<{ cid: string; points: number; n: number }>`
    ${r.with} select c.criterion_id as cid, c.points, count(*) as n ${r.from} group by c.criterion_id, c.points`.execute(deps.db);
  const byId = new Map<string, { n: number; zeros: number; pts: number }>();
  for (const x of spread.rows) {
    let s = byId.get(x.cid);
    if (!s) byId.set(x.cid, (s = { n: 0, zeros: 0, pts: 0 }));
    s.n += x.n;
    s.pts += x.points * x.n;
    if (x.points === 0) s.zeros += x.n;
  }
  const pack = await packOf(deps, scope, year);
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
