import { CfcError } from '../errors';
import type { UnitCatalogue, UnitRecord } from '../units/catalogue';
import type { UnitMapping } from '../units/mapping';
import { packedRows, scoped, type DashboardDeps } from './read';
import { isRecognised, statusOf, type CommuneStatus } from './rules';
import { resolveScope, type Scope } from './scope';

/**
 * History across the merger (rule 11 of COUNTING_RULES): a year before the reform seen in today's communes. Every
 * commune of the scope in the newest edition, with the old communes whose territory went into it (the mapping) and
 * each one's counted figure for that year in the old edition; the new commune gets one status by rule 11.
 *
 * The official figures of that year (overview, rate, its denominator) stay those of the old edition (rule 10): this
 * view explains them in today's units, it does not replace them.
 */

/** Rule 11: a new commune's status for a year before the reform, from the old communes that went wholly into it. */
export type AttributedStatus = 'recognised' | 'not_recognised' | 'not_assessed' | 'only_parts';

export interface PredecessorResult {
  edition: string;
  code: string;
  name: string;
  /** Its former district (or province) name in its edition. */
  place: string;
  /** The whole old commune went into this new one; false: only part of it (it was split among several). */
  whole: boolean;
  status: CommuneStatus;
  reviewed: boolean;
  selfTotal: number | null;
  teamTotal: number | null;
  provisional: boolean;
  manifestSha256: string | null;
}

export interface AttributedRow {
  code: string;
  name: string;
  edition: string;
  status: AttributedStatus;
  predecessors: PredecessorResult[];
}

export interface AttributedCounts {
  /** New communes of the scope, each counted once. */
  communes: number;
  recognised: number;
  notRecognised: number;
  notAssessed: number;
  onlyParts: number;
  /** Distinct old communes behind them (an old commune split among several new ones counts once). */
  formerCommunes: number;
  formerAssessed: number;
  formerRecognised: number;
  /** Old communes split among several new communes (shown under each, marked partial). */
  formerSplit: number;
}

export interface History {
  year: number;
  /** The edition of the year's figures (the old one) and the edition the communes are shown in (the newest). */
  edition: string;
  shownIn: string;
  scope: { code: string | null; name: string };
  totals: AttributedCounts;
  rows: AttributedRow[];
}

/** What the history needs beyond the year's deps (`units`: the old edition): the newest edition and the mapping to it. */
export interface HistoryDeps extends DashboardDeps {
  current: UnitCatalogue;
  mapping: UnitMapping;
}

/**
 * Rule 11. Whole predecessors decide: all recognised (rule 7) → recognised; none of them assessed → not assessed;
 * otherwise not recognised. Partial predecessors never decide (their result belongs to the old commune, counted once
 * in the old edition's figures); a new commune made only of parts is `only_parts`.
 */
export function attributedStatus(preds: readonly Pick<PredecessorResult, 'whole' | 'status'>[]): AttributedStatus {
  const whole = preds.filter((p) => p.whole);
  if (whole.length === 0) return 'only_parts';
  if (whole.every((p) => isRecognised(p.status))) return 'recognised';
  if (whole.every((p) => p.status === 'not_assessed')) return 'not_assessed';
  return 'not_recognised';
}

/** The history is for the years before `current` came into force. */
export function notBeforeReform(year: number, current: string): CfcError {
  const from = current.slice(0, 4);
  return new CfcError(
    'bad_year',
    {
      vi: `Năm ${year} đã theo danh mục ${current}: lịch sử theo xã hiện nay chỉ dành cho các năm trước ${from} (trường year).`,
      en: `${year} is already counted in the ${current} catalogue: history in today's communes is for the years before ${from} (field year).`,
    },
    { field: 'year' },
  );
}

interface SkeletonPredecessor {
  code: string;
  name: string;
  place: string;
  whole: boolean;
}

/** What a history of a scope needs that does not depend on the year: its communes, their predecessors, the old scope. */
interface Skeleton {
  scope: Scope;
  rows: { code: string; name: string; predecessors: SkeletonPredecessor[] }[];
  /** The distinct old communes behind the scope, as a scope of the old edition (for reading their counted rows). */
  oldScope: Scope;
  split: Set<string>;
}

const skeletons = new WeakMap<UnitMapping, Map<string, Skeleton>>();

function skeletonOf(deps: HistoryDeps, scopeCode: string | null): Skeleton {
  let byScope = skeletons.get(deps.mapping);
  if (!byScope) skeletons.set(deps.mapping, (byScope = new Map()));
  const key = `${deps.units.dataDate}>${deps.current.dataDate}:${scopeCode ?? ''}`;
  let sk = byScope.get(key);
  if (sk) return sk;
  const old = deps.units;
  const scope = resolveScope(deps.current, scopeCode, 'scope');
  const preds = new Map<string, UnitRecord>();
  const split = new Set<string>();
  // Where an old commune was: its district and province names (one string per district).
  const places = new Map<string, string>();
  const placeOf = (r: UnitRecord) => {
    const k = r.parentCode ?? r.provinceCode;
    let p = places.get(k);
    if (p === undefined) {
      const district = r.parentCode ? old.record(r.parentCode) : undefined;
      places.set(k, (p = [district?.level === 'district' ? district.name : null, old.record(r.provinceCode)?.name].filter(Boolean).join(', ')));
    }
    return p;
  };
  const rows = scope.communes.map((c) => {
    const list: SkeletonPredecessor[] = [];
    for (const p of deps.mapping.predecessors(c.code)) {
      const r = old.record(p.code);
      if (!r || r.level !== 'commune') continue;
      preds.set(r.code, r);
      if (!p.whole) split.add(r.code);
      list.push({ code: r.code, name: r.name, place: placeOf(r), whole: p.whole });
    }
    return { code: c.code, name: c.name, predecessors: list };
  });
  const oldScope: Scope = { ...resolveScope(old, null, 'scope'), code: scopeCode, communes: [...preds.values()] };
  byScope.set(key, (sk = { scope, rows, oldScope, split }));
  return sk;
}

export async function history(deps: HistoryDeps, year: number, scopeCode: string | null): Promise<History> {
  const old = deps.units;
  const cur = deps.current;
  // 1. The year must be one of the old edition (before the newer edition came into force).
  if (old.dataDate !== deps.mapping.from || cur.dataDate !== deps.mapping.to || year >= Number(cur.dataDate.slice(0, 4))) throw notBeforeReform(year, cur.dataDate);
  // 2.–3. Today's communes of the scope and the old communes that went into each (made once per mapping and scope).
  const sk = skeletonOf(deps, scopeCode);
  const columns = ['unit_code', 'status', 'reviewed', 'self_total', 'team_total', 'provisional', 'manifest_sha256'] as const;
  const counted = new Map((await packedRows(deps, scoped(deps, sk.oldScope, 'counted', year), columns)).map((f) => [f[0]!, f]));
  const int = (x: string | undefined) => (x === undefined || x === '' ? null : Number(x));
  const resultOf = (p: SkeletonPredecessor): PredecessorResult => {
    const [, status, reviewed, selfTotal, teamTotal, provisional, sha] = counted.get(p.code) ?? [];
    return {
      edition: old.dataDate,
      code: p.code,
      name: p.name,
      place: p.place,
      whole: p.whole,
      status: (status as CommuneStatus | undefined) ?? statusOf({ sha: null, reviewed: 0, verdict: null, state: null }),
      reviewed: reviewed === '1',
      selfTotal: int(selfTotal),
      teamTotal: int(teamTotal),
      provisional: provisional === '1',
      manifestSha256: sha ?? null,
    };
  };
  const scope = sk.scope;
  // 4. Each new commune once, by rule 11.
  const rows = sk.rows.map((c): AttributedRow => {
    const list = c.predecessors.map(resultOf);
    return { code: c.code, name: c.name, edition: cur.dataDate, status: attributedStatus(list), predecessors: list };
  });
  const totals: AttributedCounts = { communes: rows.length, recognised: 0, notRecognised: 0, notAssessed: 0, onlyParts: 0, formerCommunes: sk.oldScope.communes.length, formerAssessed: 0, formerRecognised: 0, formerSplit: sk.split.size };
  for (const r of rows) {
    if (r.status === 'recognised') totals.recognised++;
    else if (r.status === 'not_recognised') totals.notRecognised++;
    else if (r.status === 'not_assessed') totals.notAssessed++;
    else totals.onlyParts++;
  }
  // 5. The old communes behind them, each once (a split one too).
  for (const c of sk.oldScope.communes) {
    const s = (counted.get(c.code)?.[1] as CommuneStatus | undefined) ?? 'not_assessed';
    if (s !== 'not_assessed') totals.formerAssessed++;
    if (isRecognised(s)) totals.formerRecognised++;
  }
  return { year, edition: old.dataDate, shownIn: cur.dataDate, scope: { code: scope.code, name: scope.name }, totals, rows };
}
