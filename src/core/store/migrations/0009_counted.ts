import { sql, type Kysely } from 'kysely';
import { rebuildCounted } from '../../dashboard/counted';
import type { Database } from '../schema';

/**
 * The counted package of every commune, catalogue edition and year (issue 11): the dashboard reads these three tables
 * instead of choosing among `package` rows at every query. `src/core/dashboard/counted.ts` keeps them up to date in
 * each import's transaction; here they are created and filled from the packages already stored, by the same code.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const key = (t: ReturnType<Kysely<unknown>['schema']['createTable']>) =>
    t
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('unit_edition', 'text', (c) => c.notNull())
      .addColumn('unit_code', 'text', (c) => c.notNull());
  await key(db.schema.createTable('counted'))
    .addColumn('manifest_sha256', 'text', (c) => c.notNull().references('package.manifest_sha256'))
    .addColumn('reviewed', 'integer', (c) => c.notNull().check(sql`reviewed in (0, 1)`))
    .addColumn('resubmitted', 'integer', (c) => c.notNull().check(sql`resubmitted in (0, 1)`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('recognised', 'not_recognised', 'returned', 'self_recognised', 'self_not_recognised', 'self_incomplete', 'conflict')`),
    )
    .addColumn('decision', 'text')
    .addColumn('verdict', 'text')
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('current', 'conflict')`))
    .addColumn('candidates', 'integer', (c) => c.notNull().check(sql`candidates >= 1`))
    .addColumn('self_total', 'integer')
    .addColumn('team_total', 'integer')
    .addColumn('provisional', 'integer', (c) => c.notNull())
    .addColumn('unit_class', 'text', (c) => c.notNull())
    .addColumn('pack_id', 'text', (c) => c.notNull())
    .addColumn('pack_version', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('counted_pk', ['year', 'unit_edition', 'unit_code'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await key(db.schema.createTable('counted_criterion'))
    .addColumn('criterion_id', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('counted_criterion_pk', ['year', 'unit_edition', 'unit_code', 'criterion_id'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await key(db.schema.createTable('counted_rate'))
    .addColumn('indicator_id', 'text', (c) => c.notNull())
    .addColumn('numerator', 'numeric')
    .addColumn('denominator', 'numeric')
    .addPrimaryKeyConstraint('counted_rate_pk', ['year', 'unit_edition', 'unit_code', 'indicator_id'])
    .modifyEnd(sql`without rowid`)
    .execute();
  // The country's aggregates read these covering indexes in the order they group by (no table row is read): the
  // statuses per year (overview, trend), the points per criterion (failing criteria), the rate sums (rate indicators).
  await db.schema.createIndex('counted_status').on('counted').columns(['unit_edition', 'year', 'status', 'reviewed', 'resubmitted', 'provisional', 'unit_code']).execute();
  await db.schema.createIndex('counted_criterion_points').on('counted_criterion').columns(['year', 'unit_edition', 'criterion_id', 'points']).execute();
  await db.schema.createIndex('counted_rate_sums').on('counted_rate').columns(['year', 'unit_edition', 'indicator_id', 'numerator', 'denominator']).execute();
  // A province's trend (every year) and a commune's drill-down look each commune up without a year; covering too, or
  // SQLite would rather scan counted_status for every commune.
  await db.schema.createIndex('counted_unit').on('counted').columns(['unit_edition', 'unit_code', 'year', 'status', 'reviewed', 'resubmitted', 'provisional']).execute();
  await rebuildCounted(db as unknown as Kysely<Database>);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['counted_rate', 'counted_criterion', 'counted']) await db.schema.dropTable(t).execute();
}
