import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { PackRegistry } from '../criteria/registry';
import type { Database } from '../store/schema';
import type { UnitCatalogue } from '../units/catalogue';
import { firstYearOf } from '../units/current';
import type { UnitEditions } from '../units/editions';
import type { FormerUnits, Scope } from './scope';

/**
 * How every dashboard query reads the counted tables for a scope: the rows of the catalogue's edition (and of a year,
 * if given) and, below the country, of the scope's communes. Each query is `${r.with} select … ${r.from} …`, with the
 * table aliased `c`:
 *
 * - the country needs no list (an imported package's unit is always in its edition): one index range, year and
 *   edition, and the aggregates read covering indexes in the order they group by (migration 0009);
 * - a province or district: its communes as a VALUES list driving, one by one (CROSS JOIN keeps that order), lookups
 *   into the table's primary key (year, edition, commune…), so a province reads only its own rows.
 *
 * `from` ends with a condition in both cases, so a query may go on with `and …` before its `group by`.
 */

export interface DashboardDeps {
  db: Kysely<Database>;
  /** The catalogue of the year shown (the edition in force that year, see editionForYear). */
  units: UnitCatalogue;
  packs: PackRegistry;
  /** The newest edition, when `units` is older: a new province's code then means its former provinces (scope.ts). */
  current?: UnitCatalogue;
  /** The previous edition and the mapping to `units` (when `units` is not the oldest): "theo tỉnh cũ / huyện cũ". */
  former?: FormerUnits;
}

/**
 * The catalogue edition in force for a year: the newest edition whose first year (the year of its `dataDate`) is not
 * after it. Years before 2025 → 2025-03-01 (63 provinces, districts), 2025 on → 2025-07-01. A year's figures, its
 * scope and its denominator (the communes of the catalogue) all come from this edition.
 */
export function editionForYear(editions: UnitEditions, year: number): string {
  const dates = editions.dates().slice().sort();
  return dates.filter((d) => firstYearOf(d) <= year).pop() ?? dates[0]!;
}

export interface ScopedRead {
  with: RawBuilder<unknown>;
  from: RawBuilder<unknown>;
}

export function scoped(deps: DashboardDeps, scope: Scope, table: 'counted' | 'counted_criterion' | 'counted_rate', year: number | null): ScopedRead {
  const t = sql.table(table);
  const byYear = year === null ? sql`` : sql`and c.year = ${year}`;
  const edition = deps.units.dataDate;
  if (scope.code === null) return { with: sql``, from: sql`from ${t} c where c.unit_edition = ${edition} ${byYear}` };
  const codes = scope.communes.map((u) => sql`(${u.code})`);
  return {
    with: codes.length ? sql`with s(code) as (values ${sql.join(codes)})` : sql`with s(code) as (select null where 0)`,
    from: sql`from s cross join ${t} c on c.unit_code = s.code and c.unit_edition = ${edition} ${byYear}`,
  };
}


/**
 * Many small rows as arrays of text fields: SQLite joins them into one value (fields by ',', rows by ';') in a single
 * pass, and splitting one string costs a fraction of materialising ten thousand row objects (the country's communes
 * table: about 10 ms instead of 50). Only for fields whose text holds neither separator (codes, enums, hex hashes,
 * integers); NULL comes back as ''.
 */
export async function packedRows(deps: DashboardDeps, r: ScopedRead, columns: readonly string[]): Promise<string[][]> {
  const fields = sql.join(
    columns.map((c) => sql`coalesce(${sql.ref(`c.${c}`)}, '')`),
    sql` || ',' || `,
  );
  const out = await sql<{ packed: string | null }>`${r.with} select group_concat(${fields}, ';') as packed ${r.from}`.execute(deps.db);
  const packed = out.rows[0]?.packed;
  return packed ? packed.split(';').map((row) => row.split(',')) : [];
}
