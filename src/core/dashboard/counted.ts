import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { CountedTable, Database } from '../store/schema';
import { statusOf } from './rules';

/**
 * The `counted` table: for every commune, catalogue edition and year, the one package its figure comes from, chosen by
 * the counting rules of `rules.ts` (COUNTING_RULES; the step numbers below are theirs). Beside it, two small tables
 * hold what the aggregates need from that package, so no dashboard query reads `package`, `package_value` or JSON:
 *
 *   counted             (year, unit_edition, unit_code) → the counted package, its status, decision, totals, flags
 *   counted_criterion   … + criterion_id → the package's points on that criterion (Σ of its indicators' points)
 *   counted_rate        … + indicator_id → numerator and denominator of each value that has a denominator
 *
 * They are written only here: `refreshCounted` inside the transaction of every import (the only writer of `package`),
 * `rebuildCounted` by migration 0009 for a database that already holds packages. Both run the same `choose`.
 */

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A stored package's catalogue edition: the `package.unit_edition` column, which the importer fills from the verified
 * manifest (`unit.catalogue` of format version 2; 2025-03-01 for version 1) and migration 0008 gave every older row.
 * The manifest is never parsed again here.
 */
const EDITION: RawBuilder<string> = sql<string>`p.unit_edition`;

export interface CountedKey {
  year: number;
  unit_edition: string;
  unit_code: string;
}

/** A package that may count (rule 1: not superseded), with what the rules look at, in rank order (rule 5). */
interface Candidate extends CountedKey {
  kind: 'self-assessment' | 'review';
  sha: string;
  state: 'current' | 'conflict';
  assessment_id: string;
  revision: number;
  total: number;
  verdict: string;
  provisional: number;
  unit_class: string;
  pack_id: string;
  pack_version: string;
  /** A review's decision (from its signed document), null for a self-assessment. */
  decision: string | null;
  /** For a review: the commune package it is about (null when that package is not stored). */
  inner_aid: string | null;
  inner_rev: number | null;
  inner_total: number | null;
}

/** The keys a statement is limited to; null: every key (the whole table, as migration 0009 fills it). */
type Keys = readonly CountedKey[] | null;

/**
 * `(edition, code, year) in (the keys)`, the keys read from one JSON parameter: one SQL text whatever their number (so
 * the statement is prepared once), and SQLite looks each key up in the index on those columns.
 */
const keysIn = (keys: readonly CountedKey[], edition: RawBuilder<unknown>, code: RawBuilder<unknown>, year: RawBuilder<unknown>) =>
  sql`(${edition}, ${code}, ${year}) in (select value ->> 0, value ->> 1, value ->> 2 from json_each(${JSON.stringify(keys.map((k) => [k.unit_edition, k.unit_code, k.year]))}))`;

async function candidates(db: Db, keys: Keys): Promise<Candidate[]> {
  const where = keys ? sql`and ${keysIn(keys, EDITION, sql.ref('p.unit_code'), sql.ref('p.year'))}` : sql``;
  const r = await sql<Candidate>`
    select ${EDITION} as unit_edition, p.unit_code, p.year, p.kind, p.manifest_sha256 as sha, p.state, p.assessment_id, p.revision,
           p.total, p.verdict, p.provisional, p.unit_class, p.pack_id, p.pack_version,
           case when p.kind = 'review' then json_extract(p.assessment_json, '$.review.decision') end as decision,
           i.assessment_id as inner_aid, i.revision as inner_rev, i.total as inner_total
    from package p left join package i on i.manifest_sha256 = p.inner_manifest_sha256
    where p.state <> 'superseded' ${where}
    order by unit_edition, p.unit_code, p.year, p.kind, p.created_at desc, p.revision desc, p.manifest_sha256`.execute(db);
  return r.rows;
}

/**
 * The counted row of one commune, edition and year from its candidates (all of the same key, in rank order: newest
 * `created_at` first, then the highest revision, then the smallest manifest hash).
 */
export function choose(group: readonly Candidate[]): CountedTable {
  const review = group.find((c) => c.kind === 'review');
  const self = group.find((c) => c.kind === 'self-assessment');
  // Rule 2 and its exception (rule 3): the best review counts unless the best self-assessment is a later revision of
  // the very assessment the review was about. (A review whose commune package is not stored cannot be matched with a
  // self-assessment: then the self-assessment counts.)
  const laterRevision = self !== undefined && (review?.inner_aid == null || (self.assessment_id === review.inner_aid && self.revision > review.inner_rev!));
  const reviewed = review !== undefined && !laterRevision;
  const chosen = reviewed ? review : self!;
  const verdict = reviewed ? review.decision : self!.verdict;
  return {
    year: chosen.year,
    unit_edition: chosen.unit_edition,
    unit_code: chosen.unit_code,
    manifest_sha256: chosen.sha,
    reviewed: reviewed ? 1 : 0,
    resubmitted: !reviewed && review !== undefined ? 1 : 0,
    status: statusOf({ sha: chosen.sha, reviewed: reviewed ? 1 : 0, verdict, state: chosen.state }) as CountedTable['status'],
    decision: reviewed ? review.decision : null,
    verdict,
    state: chosen.state,
    // Rule 5: the other current packages of the same kind (several assessments, or a conflict) are reported.
    candidates: group.filter((c) => c.kind === chosen.kind).length,
    self_total: reviewed ? review.inner_total : self!.total,
    team_total: reviewed ? review.total : null,
    provisional: chosen.provisional,
    unit_class: chosen.unit_class,
    pack_id: chosen.pack_id,
    pack_version: chosen.pack_version,
  };
}

/** Groups rank-ordered candidates by key and chooses each group's counted row. */
function chooseAll(rows: Candidate[]): CountedTable[] {
  const out: CountedTable[] = [];
  let start = 0;
  for (let k = 1; k <= rows.length; k++) {
    const a = rows[start]!;
    const b = rows[k];
    if (b && b.year === a.year && b.unit_code === a.unit_code && b.unit_edition === a.unit_edition) continue;
    out.push(choose(rows.slice(start, k)));
    start = k;
  }
  return out;
}

const keyWhere = (keys: Keys) => (keys ? sql`where ${keysIn(keys, sql.ref('c.unit_edition'), sql.ref('c.unit_code'), sql.ref('c.year'))}` : sql``);

/** At most this many keys per statement (a whole group of an import is one). */
const KEYS_PER_STATEMENT = 500;

/**
 * Replaces the counted rows of the keys (or of all, `null`) by those chosen from `package`: the same seven statements
 * for one key as for a whole group of an import. For `null` they are migration 0009's statements, to the character:
 * its recorded checksum is of their text (store-migrator.test.ts pins it).
 */
async function rewrite(db: Db, keys: Keys): Promise<void> {
  if (keys && keys.length > KEYS_PER_STATEMENT) {
    for (let k = 0; k < keys.length; k += KEYS_PER_STATEMENT) await rewrite(db, keys.slice(k, k + KEYS_PER_STATEMENT));
    return;
  }
  if (keys?.length === 0) return;
  for (const t of ['counted_rate', 'counted_criterion', 'counted'] as const) {
    let q = db.deleteFrom(t);
    if (keys) q = q.where(keysIn(keys, sql.ref('unit_edition'), sql.ref('unit_code'), sql.ref('year')) as RawBuilder<boolean>);
    await q.execute();
  }
  const rows = chooseAll(await candidates(db, keys));
  for (let k = 0; k < rows.length; k += 500) await db.insertInto('counted').values(rows.slice(k, k + 500)).execute();
  if (rows.length === 0) return;
  await sql`
    insert into counted_criterion (year, unit_edition, unit_code, criterion_id, points)
    select c.year, c.unit_edition, c.unit_code, pv.criterion_id, sum(pv.points)
    from counted c join package_value pv on pv.manifest_sha256 = c.manifest_sha256
    ${keyWhere(keys)}
    group by c.year, c.unit_edition, c.unit_code, pv.criterion_id`.execute(db);
  await sql`
    insert into counted_rate (year, unit_edition, unit_code, indicator_id, numerator, denominator)
    select c.year, c.unit_edition, c.unit_code, pv.indicator_id, json_extract(pv.value_json, '$.numerator'), json_extract(pv.value_json, '$.denominator')
    from counted c join package_value pv on pv.manifest_sha256 = c.manifest_sha256
    ${keys ? sql`${keyWhere(keys)} and` : sql`where`} pv.value_json is not null and json_type(pv.value_json, '$.denominator') is not null`.execute(db);
}

/**
 * After packages were stored (inside the same transaction): recomputes the counted row of every commune, edition and
 * year that a package of the same assessments (and kinds) belongs to, since storing a package can change the state of
 * each of them. `manifests`: the hashes of the packages just stored (undefined entries are ignored).
 */
export async function refreshCounted(trx: Transaction<Database>, manifests: readonly (string | null | undefined)[]): Promise<void> {
  const shas = manifests.filter((m): m is string => typeof m === 'string');
  if (shas.length === 0) return;
  const keys = await sql<CountedKey>`
    select distinct p.year, ${EDITION} as unit_edition, p.unit_code
    from package s join package p on p.kind = s.kind and p.assessment_id = s.assessment_id
    where s.manifest_sha256 in (${sql.join(shas)})`.execute(trx);
  await rewrite(trx, keys.rows);
}

/** Recomputes the whole table from `package` (migration 0009, and the equality tests). */
export async function rebuildCounted(db: Db): Promise<void> {
  await rewrite(db, null);
}
