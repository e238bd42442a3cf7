import { sql, type Kysely } from 'kysely';

/**
 * The assessor's reviews (issue 6, the assessor's side): one review per commune assessment (the package format's
 * `assessmentId`), which follows the commune's current revision (`subject_sha256`, an imported self-assessment
 * package); the team's value, override, note and reason for the change per indicator; findings per criterion; the
 * decision with its reasons; the team members; the last review package exported; and the review's own append-only
 * audit trail.
 *
 * The trail is its own table, not `audit`: `audit` belongs to local assessments (its `revision_id` is an `assessment`
 * row, and `audit.list` and the package export read it by `assessment_id`); the team's changes are about someone else's
 * signed package and must never be mixed into a commune's own trail, even on a machine that holds both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('review')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('assessment_id', 'text', (c) => c.notNull().unique())
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    // The commune package under review: its current revision when the review started or last continued.
    .addColumn('subject_sha256', 'text', (c) => c.notNull().references('package.manifest_sha256'))
    .addColumn('subject_revision', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('in_review', 'recognised', 'not_recognised', 'returned')`))
    .addColumn('reasons_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('team_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    // The last review package exported: its manifest hash, file and revision (each export with new content is the
    // next revision, so the province's store keeps one current review per assessment, never a conflict).
    .addColumn('export_sha256', 'text')
    .addColumn('export_file', 'text')
    .addColumn('export_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('exported_at', 'text')
    .addColumn('exported_by', 'text')
    // 1 when something changed since the last export (0 right after one).
    .addColumn('dirty', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('review_decided', sql`(state = 'in_review') = (decided_at is null)`)
    .execute();
  await db.schema.createIndex('review_unit_year').on('review').columns(['unit_code', 'year']).execute();

  // The team's side of one indicator. `reason` says why the team's value differs from the commune's (required then).
  await db.schema
    .createTable('review_value')
    .addColumn('review_id', 'text', (c) => c.notNull().references('review.id').onDelete('cascade'))
    .addColumn('indicator_id', 'text', (c) => c.notNull())
    .addColumn('criterion_id', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text')
    .addColumn('override_points', 'integer')
    .addColumn('override_reason', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reason', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_value_pk', ['review_id', 'indicator_id'])
    .addCheckConstraint(
      'review_value_override',
      sql`(override_points is null and override_reason is null) or (override_points >= 0 and length(trim(override_reason)) > 0)`,
    )
    .execute();

  await db.schema
    .createTable('review_finding')
    .addColumn('review_id', 'text', (c) => c.notNull().references('review.id').onDelete('cascade'))
    .addColumn('criterion_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_finding_pk', ['review_id', 'criterion_id'])
    .execute();

  // Append-only, like `audit` (triggers refuse UPDATE and DELETE).
  await db.schema
    .createTable('review_audit')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('review_id', 'text', (c) => c.notNull())
    .addColumn('subject_sha256', 'text', (c) => c.notNull())
    .addColumn('subject_revision', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    // An indicator id ("2.1") or a criterion id ("2") for findings; null for the whole review.
    .addColumn('target', 'text')
    .addColumn('old_json', 'text')
    .addColumn('new_json', 'text')
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('review_audit_review').on('review_audit').columns(['review_id', 'seq']).execute();
  await sql`create trigger review_audit_no_update before update on review_audit begin select raise(abort, 'review_audit is append-only'); end`.execute(db);
  await sql`create trigger review_audit_no_delete before delete on review_audit begin select raise(abort, 'review_audit is append-only'); end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['review_audit', 'review_finding', 'review_value', 'review']) {
    await db.schema.dropTable(t).execute();
  }
}
