import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { PackRegistry, LoadedPack } from '../../src/core/criteria/registry';
import { fingerprintOf } from '../../src/core/packages/keys';
import type { Database } from '../../src/core/store/schema';
import type { UnitCatalogue } from '../../src/core/units/catalogue';
import { meetsPlan, PLAN_INDICATOR_TARGETS, PLAN_SOURCE } from '../../src/core/dashboard/plan';
import { resolveScope, type Scope } from '../../src/core/dashboard/scope';
import { listTargets, milestoneFor, targetsFor, type Target } from '../../src/core/dashboard/targets';

/**
 * REFERENCE ORACLE — NOT APP CODE. The dashboard queries as they were before issue 11 (`src/core/dashboard/dashboard.ts`
 * at commit 6e7240b, recomputing every figure from `package` at each query), kept verbatim apart from its import paths,
 * only so that `test/integration/dashboard-counted.test.ts` can prove the maintained `counted` table gives the same
 * results, and `npm run bench:dashboard` can print old against new in one run. Do not import it from `src/`. Issue 10
 * changed only the shape of a few outputs (targets of a province in its edition, the scope's groupBy, the commune's
 * edition and predecessors — none in this single-edition oracle), not how anything is counted.
 */

/**
 * The province dashboard: aggregates over imported packages (`package`, `package_value`), one commune and year at a time.
 *
 * COUNTING RULES — which package a commune's figure for a year comes from:
 *  1. Only packages that are not superseded are looked at (state `current`, or `conflict` when two different packages
 *     claim an assessment's highest revision).
 *  2. If the commune has a review package for the year, the figure is the review's: its decision (recognised →
 *     recognised; not_recognised or returned → not recognised), the team's total, and the self total of the commune
 *     package the review was about (the inner package, the one the team saw).
 *     Exception: if the commune has since sent a higher revision of the same assessment (after a "returned" decision),
 *     the review is about an old revision: the new self-assessment counts, as not yet reviewed ("resubmitted").
 *  3. Otherwise the current self-assessment counts, with its self-assessed verdict, marked "not yet reviewed".
 *  4. A commune whose counted package is in conflict is counted as assessed, never as recognised, and flagged; it is
 *     counted once. When several assessments of the same commune and year are current (or in conflict) the most
 *     recently created one counts, and the others are reported (`alternatives`).
 *  5. The recognition rate is recognised / communes in the catalogue (the plan's targets are a share of all communes),
 *     recognised counting both reviewed and self-assessed recognitions; both parts are reported apart.
 * Every figure says whether it rests on provisional rules (the package's own `provisional` flag).
 */

export interface DashboardDeps {
  db: Kysely<Database>;
  units: UnitCatalogue;
  packs: PackRegistry;
}

export type CommuneStatus =
  | 'recognised'
  | 'not_recognised'
  | 'returned'
  | 'self_recognised'
  | 'self_not_recognised'
  | 'self_incomplete'
  | 'conflict'
  | 'not_assessed';

/** One row per commune of the scope, from the counted package (or none). */
interface CountedRow {
  code: string;
  grp: string;
  sha: string | null;
  reviewed: number;
  verdict: string | null;
  state: string | null;
  n: number | null;
  self_total: number | null;
  team_total: number | null;
  provisional: number | null;
  resubmitted: number;
  unit_class: string | null;
  pack_id: string | null;
  pack_version: string | null;
}

/**
 * The counted package of every commune of the scope that has one for the year, as a CTE named `counted` (communes
 * without any package are not in it: the catalogue gives them). One pass: the scope drives index lookups into
 * `package` (unit_code, year), a window ranks each commune's packages per kind, and conditional aggregation keeps the
 * best review and the best self-assessment side by side, so nothing is joined to a CTE twice.
 */
/** The scope as one JSON parameter for SQL (`json_each`): [[communeCode, groupCode], ...]. */
function scopeJson(scope: Scope): string {
  return JSON.stringify(scope.communes.map((c) => [c.code, scope.groupOf.get(c.code)!]));
}

function countedCte(scope: Scope, year: number): RawBuilder<unknown> {
  return sql`
    with scope as (
      select json_extract(value, '$[0]') as code, json_extract(value, '$[1]') as grp from json_each(${scopeJson(scope)})
    ),
    cand as (
      select p.manifest_sha256 as sha, p.unit_code, s.grp, p.kind, p.state, p.assessment_id, p.revision, p.total, p.verdict,
             p.provisional, p.unit_class, p.inner_manifest_sha256 as inner_sha, p.pack_id, p.pack_version,
             row_number() over (partition by p.unit_code, p.kind order by p.created_at desc, p.revision desc, p.manifest_sha256) as rn,
             count(*) over (partition by p.unit_code, p.kind) as n
      -- CROSS JOIN keeps the scope (a json_each table with no index) outside: one index lookup into package per commune
      -- (a plain join let SQLite scan the JSON array once per package row: 20 s for the country instead of well under 1 s).
      from scope s cross join package p on p.unit_code = s.code and p.year = ${year} and p.state <> 'superseded'
    ),
    best as (
      select unit_code as code, max(grp) as grp,
             max(case when kind = 'review' then sha end) as r_sha,
             max(case when kind = 'review' then state end) as r_state,
             max(case when kind = 'review' then total end) as r_total,
             max(case when kind = 'review' then provisional end) as r_prov,
             max(case when kind = 'review' then n end) as r_n,
             max(case when kind = 'review' then unit_class end) as r_class,
             max(case when kind = 'review' then pack_id end) as r_pack,
             max(case when kind = 'review' then pack_version end) as r_ver,
             max(case when kind = 'review' then inner_sha end) as inner_sha,
             max(case when kind = 'self-assessment' then sha end) as a_sha,
             max(case when kind = 'self-assessment' then state end) as a_state,
             max(case when kind = 'self-assessment' then total end) as a_total,
             max(case when kind = 'self-assessment' then verdict end) as a_verdict,
             max(case when kind = 'self-assessment' then provisional end) as a_prov,
             max(case when kind = 'self-assessment' then n end) as a_n,
             max(case when kind = 'self-assessment' then unit_class end) as a_class,
             max(case when kind = 'self-assessment' then pack_id end) as a_pack,
             max(case when kind = 'self-assessment' then pack_version end) as a_ver,
             max(case when kind = 'self-assessment' then assessment_id end) as a_aid,
             max(case when kind = 'self-assessment' then revision end) as a_rev
      from cand where rn = 1 group by unit_code
    ),
    chosen as (
      select b.*, i.total as subject_total,
             case when b.r_sha is not null and not (b.a_sha is not null and b.a_aid = i.assessment_id and b.a_rev > i.revision)
                  then 1 else 0 end as reviewed
      from best b left join package i on i.manifest_sha256 = b.inner_sha
    ),
    counted as (
      select code, grp, reviewed,
             case when reviewed = 1 then r_sha else a_sha end as sha,
             case when reviewed = 1 then (select json_extract(x.assessment_json, '$.review.decision') from package x where x.manifest_sha256 = r_sha)
                  else a_verdict end as verdict,
             case when reviewed = 1 then r_state else a_state end as state,
             case when reviewed = 1 then r_n else a_n end as n,
             case when reviewed = 1 then subject_total else a_total end as self_total,
             case when reviewed = 1 then r_total end as team_total,
             case when reviewed = 1 then r_prov else a_prov end as provisional,
             case when reviewed = 0 and r_sha is not null then 1 else 0 end as resubmitted,
             case when reviewed = 1 then r_class else a_class end as unit_class,
             case when reviewed = 1 then r_pack else a_pack end as pack_id,
             case when reviewed = 1 then r_ver else a_ver end as pack_version
      from chosen
    )`;
}

export function statusOf(r: Pick<CountedRow, 'sha' | 'reviewed' | 'verdict' | 'state'>): CommuneStatus {
  if (r.sha === null) return 'not_assessed';
  if (r.state === 'conflict') return 'conflict';
  if (r.reviewed === 1) return r.verdict === 'recognised' ? 'recognised' : r.verdict === 'returned' ? 'returned' : 'not_recognised';
  return r.verdict === 'recognised' ? 'self_recognised' : r.verdict === 'incomplete' ? 'self_incomplete' : 'self_not_recognised';
}

/**
 * Recognised means recognised by the assessment team's decision (Decision 06: the recognising level decides); a
 * commune whose self-assessment says "Đạt" is not recognised until reviewed, and is counted apart (`recognisedSelf`).
 */
export function isRecognised(s: CommuneStatus): boolean {
  return s === 'recognised';
}

// ---------------------------------------------------------------------------------------------------------------
// Overview
// ---------------------------------------------------------------------------------------------------------------

export interface Counts {
  communes: number;
  assessed: number;
  reviewed: number;
  selfOnly: number;
  recognised: number;
  recognisedReviewed: number;
  recognisedSelf: number;
  returned: number;
  resubmitted: number;
  conflicts: number;
  provisional: number;
  /** recognised / communes × 100 (null when the scope has no commune). */
  ratePercent: number | null;
}

export interface OverviewRow extends Counts {
  code: string;
  name: string;
  level: 'province' | 'district';
}

export interface TargetView {
  year: number;
  ratePercent: number;
  source: string;
  scopeCode: string | null;
  unitEdition: string;
}

export interface Overview {
  year: number;
  scope: { code: string | null; name: string; level: Scope['level']; edition: string; formerProvinces: string[]; groupBy: Scope['groupBy'] };
  total: Counts & { target: TargetView | null; gapPoints: number | null };
  rows: (OverviewRow & { gapPoints: number | null })[];
  targets: TargetView[];
}

function emptyCounts(): Counts {
  return { communes: 0, assessed: 0, reviewed: 0, selfOnly: 0, recognised: 0, recognisedReviewed: 0, recognisedSelf: 0, returned: 0, resubmitted: 0, conflicts: 0, provisional: 0, ratePercent: null };
}

/** Adds an assessed commune (the communes themselves are counted from the catalogue). */
function add(c: Counts, s: CommuneStatus, r: Pick<CountedRow, 'provisional' | 'resubmitted' | 'reviewed'>): void {
  c.assessed++;
  if (r.reviewed === 1) c.reviewed++;
  else c.selfOnly++;
  if (s === 'recognised') c.recognisedReviewed++;
  if (s === 'self_recognised') c.recognisedSelf++;
  if (isRecognised(s)) c.recognised++;
  if (s === 'returned') c.returned++;
  if (s === 'conflict') c.conflicts++;
  if (r.resubmitted === 1) c.resubmitted++;
  if (r.provisional === 1) c.provisional++;
}

function finish<T extends Counts>(c: T): T {
  c.ratePercent = c.communes === 0 ? null : (c.recognised * 100) / c.communes;
  return c;
}

function targetView(t: Target | null): TargetView | null {
  return t ? { year: t.year, ratePercent: t.ratePercent, source: t.source, scopeCode: t.scopeCode, unitEdition: t.unitEdition } : null;
}

const gap = (rate: number | null, t: TargetView | null) => (rate === null || t === null ? null : rate - t.ratePercent);

/** The scope's counted rows for a year (the heart of every figure). */
async function counted(deps: DashboardDeps, scope: Scope, year: number): Promise<CountedRow[]> {
  const r = await sql<CountedRow>`${countedCte(scope, year)} select * from counted`.execute(deps.db);
  return r.rows;
}

async function groupCounts(deps: DashboardDeps, scope: Scope, year: number): Promise<Map<string, Counts>> {
  // Aggregated in SQL: one row per group and status ingredients, then folded into counts.
  const r = await sql<{ grp: string; reviewed: number; verdict: string | null; state: string | null; has: number; provisional: number | null; resubmitted: number; n: number }>`
    ${countedCte(scope, year)}
    select grp, reviewed, verdict, state, 1 as has, provisional, resubmitted, count(*) as n
    from counted group by grp, reviewed, verdict, state, provisional, resubmitted`.execute(deps.db);
  const out = new Map<string, Counts>(scope.groups.map((g) => [g.code, emptyCounts()]));
  for (const grp of scope.groupOf.values()) out.get(grp)!.communes++;
  for (const row of r.rows) {
    const c = out.get(row.grp)!;
    const s = statusOf({ sha: 'x', reviewed: row.reviewed, verdict: row.verdict, state: row.state });
    for (let k = 0; k < row.n; k++) add(c, s, row);
  }
  return out;
}

export async function overview(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<Overview> {
  const scope = resolveScope(deps.units, scopeCode);
  const [groups, all] = await Promise.all([groupCounts(deps, scope, year), listTargets(deps.db)]);
  const targets = targetsFor(all, scope.province);
  const target = targetView(milestoneFor(targets, year));
  const total = emptyCounts();
  const rows = scope.groups.map((g) => {
    const c = finish(groups.get(g.code) ?? emptyCounts());
    for (const k of Object.keys(total) as (keyof Counts)[]) if (k !== 'ratePercent') total[k] = (total[k] as number) + (c[k] as number);
    // Districts are measured against their province's target (or the national one when the scope is the country).
    const rowTarget = scope.level === 'country' ? targetView(milestoneFor(targetsFor(all, { code: g.code, edition: scope.edition }), year)) : target;
    return { code: g.code, name: g.name, level: g.level, ...c, gapPoints: gap(c.ratePercent, rowTarget) };
  });
  finish(total);
  return {
    year,
    scope: { code: scope.code, name: scope.name, level: scope.level, edition: scope.edition, formerProvinces: scope.formerProvinces, groupBy: scope.groupBy },
    total: { ...total, target, gapPoints: gap(total.ratePercent, target) },
    rows,
    targets: targets.map((t) => targetView(t)!),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Criteria
// ---------------------------------------------------------------------------------------------------------------

/** The pack the figures are measured with: the newest of those the counted packages name (else the newest built-in). */
async function packOf(deps: DashboardDeps, rows: { pack_id: string | null; pack_version: string | null }[]): Promise<LoadedPack | null> {
  const named = new Set(rows.filter((r) => r.pack_id).map((r) => `${r.pack_id}@${r.pack_version}`));
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

export async function failingCriteria(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<FailingCriteria> {
  const scope = resolveScope(deps.units, scopeCode);
  const stats = await sql<{ cid: string; n: number; zeros: number; pts: number }>`
    ${countedCte(scope, year)},
    per as (
      select pv.criterion_id as cid, sum(pv.points) as pts
      from counted c join package_value pv on pv.manifest_sha256 = c.sha
      group by c.sha, pv.criterion_id
    )
    select cid, count(*) as n, sum(pts = 0) as zeros, sum(pts) as pts from per group by cid`.execute(deps.db);
  const packs = await sql<{ pack_id: string; pack_version: string }>`
    ${countedCte(scope, year)} select distinct pack_id, pack_version from counted where sha is not null`.execute(deps.db);
  const pack = await packOf(deps, packs.rows);
  const byId = new Map(stats.rows.map((r) => [r.cid, r]));
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

// ---------------------------------------------------------------------------------------------------------------
// Rate indicators
// ---------------------------------------------------------------------------------------------------------------

export interface RateIndicatorStat {
  id: string;
  criterionId: string;
  title: { vi: string; en: string };
  better: 'higher' | 'lower';
  numeratorLabel: { vi: string; en: string };
  denominatorLabel: { vi: string; en: string };
  /** Counted packages with a value for it. */
  reporting: number;
  numerator: number;
  denominator: number;
  /** Σ numerators / Σ denominators × 100 (null when Σ denominators is 0). */
  ratePercent: number | null;
  plan: { kind: 'max' | 'min'; percent: number; text: { vi: string; en: string }; met: boolean | null } | null;
  provisional: boolean;
}

export interface RateIndicators {
  year: number;
  planSource: string;
  items: RateIndicatorStat[];
}

export async function rateIndicators(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<RateIndicators> {
  const scope = resolveScope(deps.units, scopeCode);
  const packs = await sql<{ pack_id: string; pack_version: string }>`
    ${countedCte(scope, year)} select distinct pack_id, pack_version from counted where sha is not null`.execute(deps.db);
  const pack = await packOf(deps, packs.rows);
  const rates = (pack?.pack.criteria ?? []).flatMap((c) => c.indicators.filter((i) => i.kind === 'rate').map((i) => ({ c, i })));
  const ids = JSON.stringify(rates.map((r) => r.i.id));
  const r = await sql<{ id: string; n: number; num: number; den: number }>`
    ${countedCte(scope, year)},
    ids as (select value as id from json_each(${ids}))
    select pv.indicator_id as id, count(*) as n,
           coalesce(sum(json_extract(pv.value_json, '$.numerator')), 0) as num,
           coalesce(sum(json_extract(pv.value_json, '$.denominator')), 0) as den
    from counted c join ids on 1 = 1
    join package_value pv on pv.manifest_sha256 = c.sha and pv.indicator_id = ids.id
    where pv.value_json is not null and json_type(pv.value_json, '$.denominator') is not null
    group by pv.indicator_id`.execute(deps.db);
  const byId = new Map(r.rows.map((x) => [x.id, x]));
  return {
    year,
    planSource: PLAN_SOURCE,
    items: rates.map(({ c, i }) => {
      const s = byId.get(i.id);
      const num = s?.num ?? 0;
      const den = s?.den ?? 0;
      const plan = PLAN_INDICATOR_TARGETS.find((p) => p.indicatorId === i.id);
      const rate = i as Extract<typeof i, { kind: 'rate' }>;
      return {
        id: i.id,
        criterionId: c.id,
        title: i.title,
        better: rate.better,
        numeratorLabel: rate.numeratorLabel,
        denominatorLabel: rate.denominatorLabel,
        reporting: s?.n ?? 0,
        numerator: num,
        denominator: den,
        ratePercent: den ? (num * 100) / den : null,
        plan: plan ? { kind: plan.kind, percent: plan.percent, text: plan.text, met: meetsPlan(plan, num, den) } : null,
        provisional: !i.confirmed || rate.brackets.some((b) => !b.confirmed) || !rate.otherwise.confirmed || !rate.denominatorZero.confirmed,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Trend
// ---------------------------------------------------------------------------------------------------------------

export interface TrendPoint extends Counts {
  year: number;
  target: TargetView | null;
}

/** Every year with an imported package (anywhere), with the scope's totals; years before the first one are left out. */
export async function trend(deps: DashboardDeps, scopeCode: string | null): Promise<{ scope: Overview['scope']; points: TrendPoint[]; targets: TargetView[] }> {
  const scope = resolveScope(deps.units, scopeCode);
  const years = (await deps.db.selectFrom('package').select('year').distinct().orderBy('year').execute()).map((r) => r.year);
  const targets = targetsFor(await listTargets(deps.db), scope.province);
  const points: TrendPoint[] = [];
  for (const year of years) {
    const groups = await groupCounts(deps, scope, year);
    const total = emptyCounts();
    for (const c of groups.values()) for (const k of Object.keys(total) as (keyof Counts)[]) if (k !== 'ratePercent') total[k] = (total[k] as number) + (c[k] as number);
    if (total.assessed === 0) continue;
    points.push({ year, ...finish(total), target: targetView(milestoneFor(targets, year)) });
  }
  return { scope: { code: scope.code, name: scope.name, level: scope.level, edition: scope.edition, formerProvinces: scope.formerProvinces, groupBy: scope.groupBy }, points, targets: targets.map((t) => targetView(t)!) };
}

/** The years the dashboard can show: those with imported packages, and those of the targets. */
export async function years(deps: DashboardDeps): Promise<{ withPackages: number[]; withTargets: number[] }> {
  const withPackages = (await deps.db.selectFrom('package').select('year').distinct().orderBy('year').execute()).map((r) => r.year);
  const withTargets = (await deps.db.selectFrom('target').select('year').distinct().orderBy('year').execute()).map((r) => r.year);
  return { withPackages, withTargets };
}

// ---------------------------------------------------------------------------------------------------------------
// Communes
// ---------------------------------------------------------------------------------------------------------------

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

const NONE: CountedRow = { code: '', grp: '', sha: null, reviewed: 0, verdict: null, state: null, n: null, self_total: null, team_total: null, provisional: null, resubmitted: 0, unit_class: null, pack_id: null, pack_version: null };

/** Every commune of the scope, in catalogue order, with its counted figure for the year. */
export async function communes(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<{ year: number; rows: CommuneRow[] }> {
  const scope = resolveScope(deps.units, scopeCode);
  const rows = await counted(deps, scope, year);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const groupName = new Map(scope.groups.map((g) => [g.code, g.name]));
  return {
    year,
    rows: scope.communes.map((u) => {
      const r = byCode.get(u.code) ?? NONE;
      const grp = scope.groupOf.get(u.code)!;
      return {
        code: u.code,
        name: u.name,
        groupCode: grp,
        groupName: groupName.get(grp) ?? '',
        unitClass: r.unit_class,
        status: statusOf(r),
        reviewed: r.reviewed === 1,
        selfTotal: r.self_total,
        teamTotal: r.team_total,
        provisional: r.provisional === 1,
        alternatives: Math.max(0, (r.n ?? 1) - 1),
        resubmitted: r.resubmitted === 1,
        manifestSha256: r.sha,
      };
    }),
  };
}

/** Points per criterion of each commune's counted package (for the exports): commune code → criterion id → points. */
export async function communePoints(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<Map<string, Map<string, number>>> {
  const scope = resolveScope(deps.units, scopeCode);
  const r = await sql<{ code: string; cid: string; pts: number }>`
    ${countedCte(scope, year)}
    select c.code, pv.criterion_id as cid, sum(pv.points) as pts
    from counted c join package_value pv on pv.manifest_sha256 = c.sha
    group by c.code, pv.criterion_id`.execute(deps.db);
  const out = new Map<string, Map<string, number>>();
  for (const x of r.rows) {
    let m = out.get(x.code);
    if (!m) out.set(x.code, (m = new Map()));
    m.set(x.cid, x.pts);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Drill-down
// ---------------------------------------------------------------------------------------------------------------

export interface CustodyPackage {
  manifestSha256: string;
  kind: 'self-assessment' | 'review';
  packageId: string;
  assessmentId: string;
  revision: number;
  year: number;
  state: 'current' | 'superseded' | 'conflict';
  conflict: boolean;
  total: number;
  verdict: string;
  decision: string | null;
  decisionReasons: string[];
  provisional: boolean;
  unitClass: string;
  pack: string;
  createdAt: string;
  signer: { name: string; title: string; organisation: string; role: string; keyId: string; fingerprint: string; trust: 'trusted' | 'revoked' | 'unknown'; trustHolder: string | null };
  outcome: 'valid' | 'untrusted';
  trustDecision: 'verified' | 'accepted_untrusted';
  decisionReason: string | null;
  decidedBy: string;
  decidedAt: string;
  importedAt: string;
  importedBy: string;
  innerManifestSha256: string | null;
  /** The review that carries this commune package, if any. */
  reviewedBy: string[];
  counted: boolean;
  fileSize: number;
  criteria: { id: string; points: number }[];
}

export interface CommuneDetail {
  unit: { code: string; name: string; edition: string; ancestors: { code: string; name: string }[] };
  /** Per year (newest first): what counts, and every package (self and review, all revisions). */
  years: { year: number; status: CommuneStatus; countedSha256: string | null; packages: CustodyPackage[] }[];
  predecessors: never[];
}

export async function commune(deps: DashboardDeps, unitCode: string): Promise<CommuneDetail> {
  const unit = deps.units.require(unitCode, 'unitCode');
  const rows = await deps.db
    .selectFrom('package as p')
    .leftJoin('trusted_key as k', 'k.key_id', 'p.signer_key_id')
    .select([
      'p.manifest_sha256', 'p.kind', 'p.package_id', 'p.assessment_id', 'p.revision', 'p.year', 'p.state', 'p.conflict', 'p.total', 'p.verdict', 'p.provisional',
      'p.unit_class', 'p.pack_id', 'p.pack_version', 'p.created_at', 'p.signer_key_id', 'p.signer_name', 'p.signer_role', 'p.outcome', 'p.trust_decision',
      'p.decision_reason', 'p.decided_by', 'p.decided_at', 'p.imported_at', 'p.imported_by', 'p.inner_manifest_sha256', 'p.file_size', 'p.manifest_json',
      sql<string | null>`json_extract(p.assessment_json, '$.review.decision')`.as('decision'),
      sql<string | null>`json_extract(p.assessment_json, '$.review.reasons')`.as('reasons'),
      'k.status as key_status', 'k.holder_name as key_holder',
    ])
    .where('p.unit_code', '=', unitCode)
    .orderBy('p.year', 'desc')
    .orderBy('p.kind', 'desc')
    .orderBy('p.revision', 'desc')
    .orderBy('p.created_at', 'desc')
    .execute();
  const reviewedBy = new Map<string, string[]>();
  for (const r of rows) if (r.inner_manifest_sha256) reviewedBy.set(r.inner_manifest_sha256, [...(reviewedBy.get(r.inner_manifest_sha256) ?? []), r.manifest_sha256]);
  const scope = resolveScope(deps.units, unit.parentCode && deps.units.record(unit.parentCode)?.level !== 'commune' ? unit.parentCode : null);
  const one: Scope = { ...scope, communes: [unit], groupOf: new Map([[unit.code, scope.groupOf.get(unit.code) ?? unit.code]]) };
  const yearsSeen = [...new Set(rows.map((r) => r.year))];
  const out: CommuneDetail['years'] = [];
  for (const year of yearsSeen) {
    const c = (await counted(deps, one, year))[0] ?? NONE;
    const packages = rows
      .filter((r) => r.year === year)
      .map((r): CustodyPackage => {
        const m = JSON.parse(r.manifest_json) as { signer: { title: string; organisation: string }; summary: { criteria: { id: string; points: number }[] } };
        return {
          manifestSha256: r.manifest_sha256,
          kind: r.kind,
          packageId: r.package_id,
          assessmentId: r.assessment_id,
          revision: r.revision,
          year: r.year,
          state: r.state,
          conflict: r.conflict === 1,
          total: r.total,
          verdict: r.verdict,
          decision: r.decision,
          decisionReasons: r.reasons ? (JSON.parse(r.reasons) as string[]) : [],
          provisional: r.provisional === 1,
          unitClass: r.unit_class,
          pack: `${r.pack_id}@${r.pack_version}`,
          createdAt: r.created_at,
          signer: {
            name: r.signer_name,
            title: m.signer.title,
            organisation: m.signer.organisation,
            role: r.signer_role,
            keyId: r.signer_key_id,
            fingerprint: fingerprintOf(r.signer_key_id),
            trust: r.key_status === 'trusted' ? 'trusted' : r.key_status === 'revoked' ? 'revoked' : 'unknown',
            trustHolder: r.key_holder ?? null,
          },
          outcome: r.outcome,
          trustDecision: r.trust_decision,
          decisionReason: r.decision_reason,
          decidedBy: r.decided_by,
          decidedAt: r.decided_at,
          importedAt: r.imported_at,
          importedBy: r.imported_by,
          innerManifestSha256: r.inner_manifest_sha256,
          reviewedBy: reviewedBy.get(r.manifest_sha256) ?? [],
          counted: r.manifest_sha256 === c.sha,
          fileSize: r.file_size,
          criteria: m.summary.criteria,
        };
      });
    out.push({ year, status: statusOf(c), countedSha256: c.sha, packages });
  }
  return { unit: { code: unit.code, name: unit.name, edition: deps.units.dataDate, ancestors: deps.units.ancestors(unit.code).map((a) => ({ code: a.code, name: a.name })) }, years: out, predecessors: [] };
}
