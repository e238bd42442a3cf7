import { inScope, type DashboardDeps } from './read';
import { statusOf, type CommuneStatus } from './rules';
import { resolveScope } from './scope';

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
export async function communes(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<{ year: number; rows: CommuneRow[] }> {
  const scope = resolveScope(deps.units, scopeCode);
  const counted = await inScope(
    deps.db
      .selectFrom('counted')
      .select(['unit_code', 'unit_class', 'status', 'reviewed', 'self_total', 'team_total', 'provisional', 'candidates', 'resubmitted', 'manifest_sha256']),
    deps,
    scope,
    year,
  ).execute();
  const byCode = new Map(counted.map((r) => [r.unit_code, r]));
  const groupName = new Map(scope.groups.map((g) => [g.code, g.name]));
  return {
    year,
    rows: scope.communes.map((u) => {
      const r = byCode.get(u.code);
      const grp = scope.groupOf.get(u.code)!;
      return {
        code: u.code,
        name: u.name,
        groupCode: grp,
        groupName: groupName.get(grp) ?? '',
        unitClass: r?.unit_class ?? null,
        status: r?.status ?? statusOf({ sha: null, reviewed: 0, verdict: null, state: null }),
        reviewed: r?.reviewed === 1,
        selfTotal: r?.self_total ?? null,
        teamTotal: r?.team_total ?? null,
        provisional: r?.provisional === 1,
        alternatives: r ? r.candidates - 1 : 0,
        resubmitted: r?.resubmitted === 1,
        manifestSha256: r?.manifest_sha256 ?? null,
      };
    }),
  };
}

/** Points per criterion of each commune's counted package (for the exports): commune code → criterion id → points. */
export async function communePoints(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<Map<string, Map<string, number>>> {
  const scope = resolveScope(deps.units, scopeCode);
  const rows = await inScope(deps.db.selectFrom('counted_criterion').select(['unit_code', 'criterion_id', 'points']), deps, scope, year).execute();
  const out = new Map<string, Map<string, number>>();
  for (const x of rows) {
    let m = out.get(x.unit_code);
    if (!m) out.set(x.unit_code, (m = new Map()));
    m.set(x.criterion_id, x.points);
  }
  return out;
}
