import { sql, type Kysely } from 'kysely';

/**
 * Assessments and their revisions, the value of every indicator, evidence (links from indicators to content-addressed
 * files), and the append-only audit trail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per revision. `assessment_id` is stable across revisions (the package format's assessmentId).
  await db.schema
    .createTable('assessment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('assessment_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().check(sql`revision >= 1`))
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2100`))
    .addColumn('unit_class', 'text', (c) =>
      c.notNull().check(sql`unit_class in ('urban_ward', 'mountain_island_disadvantaged', 'other')`),
    )
    .addColumn('unit_class_reason', 'text')
    .addColumn('pack_id', 'text', (c) => c.notNull())
    .addColumn('pack_version', 'text', (c) => c.notNull())
    .addColumn('pack_sha256', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'submitted')`))
    .addColumn('copied_from', 'text', (c) => c.references('assessment.id'))
    .addColumn('previous_revision', 'text', (c) => c.references('assessment.id'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addUniqueConstraint('assessment_revision_unique', ['assessment_id', 'revision'])
    .execute();
  await db.schema.createIndex('assessment_unit_year').on('assessment').columns(['unit_code', 'year']).execute();
  await db.schema.createIndex('assessment_year_status').on('assessment').columns(['year', 'status']).execute();

  // The value, note and override of one indicator in one revision. `value_json` null = not entered.
  await db.schema
    .createTable('assessment_value')
    .addColumn('revision_id', 'text', (c) => c.notNull().references('assessment.id').onDelete('cascade'))
    .addColumn('indicator_id', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('override_points', 'integer')
    .addColumn('override_reason', 'text')
    .addColumn('copied', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('assessment_value_pk', ['revision_id', 'indicator_id'])
    .addCheckConstraint(
      'assessment_value_override',
      sql`(override_points is null and override_reason is null) or (override_points >= 0 and length(trim(override_reason)) > 0)`,
    )
    .execute();

  // Evidence attached to an indicator of a revision; the file itself lives in the evidence folder, named by its
  // SHA-256, and is deleted when no live row refers to it. Removal is recorded (removed_at), never deleted.
  await db.schema
    .createTable('evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('revision_id', 'text', (c) => c.notNull().references('assessment.id').onDelete('cascade'))
    .addColumn('indicator_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`length(sha256) = 64`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('copied', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('removed_by', 'text')
    .addColumn('removed_at', 'text')
    .execute();
  await db.schema.createIndex('evidence_revision').on('evidence').columns(['revision_id', 'indicator_id']).execute();
  await db.schema.createIndex('evidence_sha256').on('evidence').column('sha256').execute();

  // The audit trail: append-only (triggers refuse UPDATE and DELETE).
  await db.schema
    .createTable('audit')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('assessment_id', 'text', (c) => c.notNull())
    .addColumn('revision_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('indicator_id', 'text')
    .addColumn('old_json', 'text')
    .addColumn('new_json', 'text')
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('audit_revision').on('audit').columns(['revision_id', 'indicator_id']).execute();
  await sql`create trigger audit_no_update before update on audit begin select raise(abort, 'audit is append-only'); end`.execute(db);
  await sql`create trigger audit_no_delete before delete on audit begin select raise(abort, 'audit is append-only'); end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit', 'evidence', 'assessment_value', 'assessment']) {
    await db.schema.dropTable(t).execute();
  }
}
