import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { PackRegistry } from '../criteria/registry';
import type { Database } from '../store/schema';
import type { UnitCatalogue } from '../units/catalogue';
import type { Scope } from './scope';

/**
 * Reading the counted tables for a scope: every dashboard query goes through `inScope`, which keeps the rows of the
 * catalogue's edition and, below the country, of the scope's communes (an index range: year, edition, commune).
 */

export interface DashboardDeps {
  db: Kysely<Database>;
  units: UnitCatalogue;
  packs: PackRegistry;
}

type CountedTables = 'counted' | 'counted_criterion' | 'counted_rate';

/** Restricts a query on a counted table to the scope's communes in the catalogue's edition (and to a year, if given). */
export function inScope<T extends CountedTables, O>(
  q: SelectQueryBuilder<Database, T, O>,
  deps: DashboardDeps,
  scope: Scope,
  year: number | null,
): SelectQueryBuilder<Database, T, O> {
  // The column names are the same in the three tables; Kysely cannot see that through the union, hence the cast.
  const w = q as unknown as SelectQueryBuilder<Database, 'counted', O>;
  let out = year === null ? w : w.where('year', '=', year);
  out = out.where('unit_edition', '=', deps.units.dataDate);
  // The country is every commune of the edition: no list needed (an imported package's unit is always in it).
  if (scope.code !== null) {
    const codes = scope.communes.map((c) => c.code);
    out = codes.length ? out.where('unit_code', 'in', codes) : out.where(sql<boolean>`0`);
  }
  return out as unknown as SelectQueryBuilder<Database, T, O>;
}
