import { sql } from 'kysely';
import { packedRows, scoped, type DashboardDeps } from './read';
import { statusOf, type CommuneStatus } from './rules';
import { resolveScope, type GroupBy } from './scope';

/** Every commune of the scope with its counted figure (the table), and the points per criterion (the exports). */

export interface CommuneRow {
  code: string;
  name: string;
  groupCode: string;
  groupName: string;
  unitClass: string | null;
  status: CommuneStatus;
  reviewed: boolean;
  selfTotal: number | null;
  teamTotal: number | null;
  provisional: boolean;
  /** Other current packages of the same kind for this commune and year (several assessments, or a conflict). */
  alternatives: number;
  resubmitted: boolean;
  manifestSha256: string | null;
}

/** Every commune of the scope, in catalogue order, with its counted figure for the year. */
export async function communes(deps: DashboardDeps, year: number, scopeCode: string | null, groupBy: GroupBy = 'unit'): Promise<{ year: number; rows: CommuneRow[] }> {
  const scope = resolveScope(deps.units, scopeCode, 'scope', deps.current, groupBy, deps.former);
  const columns = ['unit_code', 'unit_class', 'status', 'reviewed', 'self_total', 'team_total', 'provisional', 'candidates', 'resubmitted', 'manifest_sha256'] as const;
  const counted = await packedRows(deps, scoped(deps, scope, 'counted', year), columns);
  const byCode = new Map(counted.map((f) => [f[0]!, f]));
  const int = (x: string | undefined) => (x === undefined || x === '' ? null : Number(x));
  const groupName = new Map(scope.groups.map((g) => [g.code, g.name]));
  return {
    year,
    rows: scope.communes.map((u) => {
      // The fields in the order of `columns`.
      const [, unitClass, status, reviewed, selfTotal, teamTotal, provisional, candidates, resubmitted, sha] = byCode.get(u.code) ?? [];
      const grp = scope.groupOf.get(u.code)!;
      return {
        code: u.code,
        name: u.name,
        groupCode: grp,
        groupName: groupName.get(grp) ?? '',
        unitClass: unitClass ?? null,
        status: (status as CommuneStatus | undefined) ?? statusOf({ sha: null, reviewed: 0, verdict: null, state: null }),
        reviewed: reviewed === '1',
        selfTotal: int(selfTotal),
        teamTotal: int(teamTotal),
        provisional: provisional === '1',
        alternatives: candidates ? Number(candidates) - 1 : 0,
        resubmitted: resubmitted === '1',
        manifestSha256: sha ?? null,
      };
    }),
  };
}

/**
 * Points per criterion of each commune's counted package (for the exports): commune code → criterion id → points.
 * SQLite groups them by commune in the primary key's order into one text, `code:criterion=points,…;code:…` (codes
 * are digits, criterion ids letters, digits, ".", "-" or "_", points integers: no separator occurs in them), parsed in
 * one pass: at the country's 10,047 communes × 13 criteria, a third of the time of one field list per criterion row.
 */
export async function communePoints(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<Map<string, Map<string, number>>> {
  const scope = resolveScope(deps.units, scopeCode, 'scope', deps.current);
  const r = scoped(deps, scope, 'counted_criterion', year);
  const res = await sql<{ packed: string | null }>`
    ${r.with} select group_concat(g, ';') as packed
    from (select c.unit_code || ':' || group_concat(c.criterion_id || '=' || c.points, ',') as g ${r.from} group by c.unit_code)`.execute(deps.db);
  const out = new Map<string, Map<string, number>>();
  const packed = res.rows[0]?.packed;
  if (!packed) return out;
  for (const commune of packed.split(';')) {
    const colon = commune.indexOf(':');
    const points = new Map<string, number>();
    for (const kv of commune.slice(colon + 1).split(',')) {
      const eq = kv.indexOf('=');
      points.set(kv.slice(0, eq), Number(kv.slice(eq + 1)));
    }
    out.set(commune.slice(0, colon), points);
  }
  return out;
}
