import { sql, type Kysely } from 'kysely';
import { SEED_TARGET_SOURCE } from './0004_targets';

/**
 * Targets per catalogue edition (issue 10 item 5). A target of a province is a target of `(edition, code)`: 86 was the
 * old Vĩnh Long until 30/06/2025 and is the merged Tỉnh Vĩnh Long since, so each may have its own target for a year.
 *
 * 1. One target per scope, edition and year (a target for all provinces — no scope — has no edition of its own).
 * 2. The seed plan's targets (65% by 2025, 75% by 2030) are Trà Vinh's (Kế hoạch của UBND tỉnh Trà Vinh ngày 23/8/2024):
 *    migration 0004 stored them for every province; they are attached to the former Trà Vinh (84 of 2025-03-01), which
 *    their source names, and the change is recorded in the targets' history. Any target still carrying that source
 *    without a province is the seed one (even if its rate was edited since).
 */
export const SEED_PROVINCE = { code: '84', edition: '2025-03-01' } as const;
const SEED_CHANGED_BY = 'migration 0010 (chỉ tiêu của tỉnh Trà Vinh cũ)';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 1.
  await sql`drop index if exists target_scope_year`.execute(db);
  await sql`create unique index target_scope_edition_year on target (coalesce(scope_code, ''), case when scope_code is null then '' else unit_edition end, year)`.execute(db);
  // 2.
  const seed = (await sql<{ id: number; year: number; rate_percent: number; source: string }>`
    select id, year, rate_percent, source from target where scope_code is null and source = ${SEED_TARGET_SOURCE} order by year`.execute(db)).rows;
  // A fixed time (the migrator's checksum covers the statements and their parameters): the day the reform took effect.
  const now = '2025-07-01T00:00:00.000Z';
  for (const t of seed) {
    await sql`update target set scope_code = ${SEED_PROVINCE.code}, unit_edition = ${SEED_PROVINCE.edition} where id = ${t.id}`.execute(db);
    const body = (scopeCode: string | null, unitEdition?: string) =>
      JSON.stringify({ scopeCode, ...(unitEdition ? { unitEdition } : {}), year: t.year, ratePercent: t.rate_percent, source: t.source });
    await sql`insert into target_history (target_id, action, old_json, new_json, at, by)
              values (${t.id}, 'updated', ${body(null)}, ${body(SEED_PROVINCE.code, SEED_PROVINCE.edition)}, ${now}, ${SEED_CHANGED_BY})`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update target set scope_code = null, unit_edition = '2025-03-01' where scope_code = ${SEED_PROVINCE.code} and unit_edition = ${SEED_PROVINCE.edition} and source = ${SEED_TARGET_SOURCE}`.execute(db);
  await sql`drop index if exists target_scope_edition_year`.execute(db);
  await sql`create unique index target_scope_year on target (coalesce(scope_code, ''), year)`.execute(db);
}
