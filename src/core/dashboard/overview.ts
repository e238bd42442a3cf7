import { sql } from 'kysely';
import { add, emptyCounts, finish, gap, sum, targetView, type Counts, type StatusRow, type TargetView } from './counts';
import { scoped, type DashboardDeps } from './read';
import { resolveScope, type GroupBy, type Scope } from './scope';
import { listTargets, milestoneFor, targetsFor } from './targets';

/** The scope's figures for a year, by group (district, or province for the country), and its trend over the years. */

export interface OverviewRow extends Counts {
  code: string;
  name: string;
  level: 'province' | 'district';
}

export interface Overview {
  year: number;
  scope: { code: string | null; name: string; level: Scope['level']; edition: string; formerProvinces: string[]; groupBy: GroupBy };
  total: Counts & { target: TargetView | null; gapPoints: number | null };
  rows: (OverviewRow & { gapPoints: number | null })[];
  targets: TargetView[];
}

export interface TrendPoint extends Counts {
  year: number;
  target: TargetView | null;
}

const scopeView = (s: Scope): Overview['scope'] => ({ code: s.code, name: s.name, level: s.level, edition: s.edition, formerProvinces: s.formerProvinces, groupBy: s.groupBy });

/** The counts of every group of the scope for a year (each group's communes from the catalogue). */
async function groupCounts(deps: DashboardDeps, scope: Scope, year: number): Promise<Map<string, Counts>> {
  // One row per kind of counted commune (status and flags), with the list of its communes; each is added to its group.
  const r = scoped(deps, scope, 'counted', year);
  const kinds = await sql<StatusRow & { codes: string }>`
    ${r.with} select c.status, c.reviewed, c.resubmitted, c.provisional, group_concat(c.unit_code) as codes ${r.from}
    group by c.status, c.reviewed, c.resubmitted, c.provisional`.execute(deps.db);
  const out = new Map<string, Counts>(scope.groups.map((g) => [g.code, emptyCounts()]));
  for (const grp of scope.groupOf.values()) out.get(grp)!.communes++;
  for (const kind of kinds.rows) {
    for (const code of kind.codes.split(',')) {
      const grp = scope.groupOf.get(code);
      if (grp !== undefined) add(out.get(grp)!, kind);
    }
  }
  return out;
}

export async function overview(deps: DashboardDeps, year: number, scopeCode: string | null, groupBy: GroupBy = 'unit'): Promise<Overview> {
  const scope = resolveScope(deps.units, scopeCode, 'scope', deps.current, groupBy, deps.former);
  const [groups, all] = await Promise.all([groupCounts(deps, scope, year), listTargets(deps.db)]);
  const targets = targetsFor(all, scope.province);
  const target = targetView(milestoneFor(targets, year));
  const total = emptyCounts();
  const rows = scope.groups.map((g) => {
    const c = finish(groups.get(g.code) ?? emptyCounts());
    sum(total, c);
    // Districts (and today's communes grouped by former units) are measured against the scope's target; a province
    // row of the country, or a former province of a new one before the reform (a unit of the year's edition, even
    // with the new province's code: 86 of 2025-03-01 is the old Vĩnh Long), against its own.
    const ownTarget = g.level === 'province' && (scope.level === 'country' || (scope.formerProvinces.length > 0 && scope.groupBy !== 'former_district'));
    const rowTarget = ownTarget ? targetView(milestoneFor(targetsFor(all, { code: g.code, edition: scope.edition }), year)) : target;
    return { code: g.code, name: g.name, level: g.level, ...c, gapPoints: gap(c.ratePercent, rowTarget) };
  });
  finish(total);
  return { year, scope: scopeView(scope), total: { ...total, target, gapPoints: gap(total.ratePercent, target) }, rows, targets: targets.map((t) => targetView(t)!) };
}

/** Every year the scope has a counted package in, with the scope's totals (one grouped query over all years). */
export async function trend(deps: DashboardDeps, scopeCode: string | null): Promise<{ scope: Overview['scope']; points: TrendPoint[]; targets: TargetView[] }> {
  const scope = resolveScope(deps.units, scopeCode, 'scope', deps.current);
  const r = scoped(deps, scope, 'counted', null);
  const grouped = (
    await sql<StatusRow & { year: number; n: number }>`
      ${r.with} select c.year, c.status, c.reviewed, c.resubmitted, c.provisional, count(*) as n ${r.from}
      group by c.year, c.status, c.reviewed, c.resubmitted, c.provisional order by c.year`.execute(deps.db)
  ).rows;
  const targets = targetsFor(await listTargets(deps.db), scope.province);
  const byYear = new Map<number, Counts>();
  for (const r of grouped) {
    let c = byYear.get(r.year);
    if (!c) byYear.set(r.year, (c = { ...emptyCounts(), communes: scope.communes.length }));
    add(c, r, r.n);
  }
  const points = [...byYear].map(([year, c]) => ({ year, ...finish(c), target: targetView(milestoneFor(targets, year)) }));
  return { scope: scopeView(scope), points, targets: targets.map((t) => targetView(t)!) };
}

/** A trend point with the edition its communes come from; `reform` on the first year of a newer edition. */
export type EditionTrendPoint = TrendPoint & { edition: string; reform: boolean };

/**
 * The trend across catalogue editions: each year counted in the edition in force for it (`depsOf(edition)`, editions
 * oldest first, each in force from the year of its date), so a new province shows the years before the reform through
 * its former provinces (scope.ts) and the years since in its own communes. The first year of each newer edition that
 * follows earlier points is marked `reform` (the denominator and the groups change there). A scope unknown in an
 * edition gives no points for it; unknown in every edition, the last edition's error.
 */
export async function trendAcross(
  depsOf: (edition: string) => DashboardDeps,
  editions: string[],
  scopeCode: string | null,
): Promise<{ scope: Overview['scope']; points: EditionTrendPoint[]; targets: TargetView[]; reforms: { year: number; edition: string }[] }> {
  const firstYear = (e: string) => Number(e.slice(0, 4));
  const points: EditionTrendPoint[] = [];
  const reforms: { year: number; edition: string }[] = [];
  let last: Awaited<ReturnType<typeof trend>> | null = null;
  let error: unknown = null;
  for (const [i, e] of editions.entries()) {
    const until = editions[i + 1] ? firstYear(editions[i + 1]!) : Infinity;
    const from = i === 0 ? -Infinity : firstYear(e);
    let t: Awaited<ReturnType<typeof trend>>;
    try {
      t = await trend(depsOf(e), scopeCode);
    } catch (err) {
      error = err;
      continue;
    }
    last = t;
    const mine = t.points.filter((p) => p.year >= from && p.year < until);
    if (mine.length && points.length) reforms.push({ year: mine[0]!.year, edition: e });
    for (const [k, p] of mine.entries()) points.push({ ...p, edition: e, reform: k === 0 && points.length > 0 });
  }
  if (!last) throw error;
  return { scope: last.scope, points, targets: last.targets, reforms };
}

/** The years the dashboard can show: those with imported packages, and those of the targets. */
export async function years(deps: DashboardDeps): Promise<{ withPackages: number[]; withTargets: number[] }> {
  const withPackages = (await deps.db.selectFrom('package').select('year').distinct().orderBy('year').execute()).map((r) => r.year);
  const withTargets = (await deps.db.selectFrom('target').select('year').distinct().orderBy('year').execute()).map((r) => r.year);
  return { withPackages, withTargets };
}
