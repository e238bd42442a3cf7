import { sql, type Kysely } from 'kysely';

/**
 * The province dashboard (issue 6): the plan's targets (share of communes recognised child-friendly by a year), editable,
 * with an append-only history of every change; and the indexes the dashboard's aggregation needs over imported packages.
 */
export const SEED_TARGET_SOURCE =
  'Kế hoạch của UBND tỉnh Trà Vinh ngày 23/8/2024 triển khai Kế hoạch 181-KH/TU (Chỉ thị 28-CT/TW): 65% xã, phường, thị trấn phù hợp với trẻ em vào năm 2025, 75% vào năm 2030';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('target')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    // A province code, or null: the target of every province that has none of its own for that year.
    .addColumn('scope_code', 'text')
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2100`))
    .addColumn('rate_percent', 'real', (c) => c.notNull().check(sql`rate_percent >= 0 and rate_percent <= 100`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  // One target per scope and year (null scope included: SQLite treats nulls as distinct, so index the coalesced code).
  await sql`create unique index target_scope_year on target (coalesce(scope_code, ''), year)`.execute(db);

  await db.schema
    .createTable('target_history')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('created', 'updated', 'deleted')`))
    .addColumn('old_json', 'text')
    .addColumn('new_json', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .execute();

  const now = '2024-08-23T00:00:00.000Z';
  for (const [year, rate] of [
    [2025, 65],
    [2030, 75],
  ] as const) {
    await sql`insert into target (scope_code, year, rate_percent, source, updated_at, updated_by) values (null, ${year}, ${rate}, ${SEED_TARGET_SOURCE}, ${now}, ${'seed'})`.execute(db);
    await sql`insert into target_history (target_id, action, old_json, new_json, at, by) select id, 'created', null, json_object('scopeCode', null, 'year', year, 'ratePercent', rate_percent, 'source', source), ${now}, 'seed' from target where year = ${year}`.execute(
      db,
    );
  }

  // The dashboard picks, per commune and year, the packages that are not superseded: this index answers that lookup
  // (and carries the columns the choice needs) without touching the package rows' JSON.
  await sql`create index package_dashboard on package (unit_code, year, state, kind, created_at, revision, total, provisional)`.execute(db);
  await sql`create index package_year on package (year)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists package_year`.execute(db);
  await sql`drop index if exists package_dashboard`.execute(db);
  await db.schema.dropTable('target_history').execute();
  await db.schema.dropTable('target').execute();
}
