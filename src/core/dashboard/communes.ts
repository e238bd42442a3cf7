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

/** Points per criterion of each commune's counted package (for the exports): commune code → criterion id → points. */
export async function communePoints(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<Map<string, Map<string, number>>> {
  const scope = resolveScope(deps.units, scopeCode, 'scope', deps.current);
  const rows = await packedRows(deps, scoped(deps, scope, 'counted_criterion', year), ['unit_code', 'criterion_id', 'points']);
  const out = new Map<string, Map<string, number>>();
  for (const [code, cid, points] of rows) {
    let m = out.get(code!);
    if (!m) out.set(code!, (m = new Map()));
    m.set(cid!, Number(points));
  }
  return out;
}
