import type { Kysely } from 'kysely';

/**
 * The review team's own evidence (issue 6): files the team attaches to an indicator of a review (the register it
 * checked, a photo of the playground), carried in the signed review package. The files live in the same
 * content-addressed store as the commune's evidence (`evidence/<aa>/<sha256>`): a row here is one more reference to a
 * stored file, and a file is deleted only when no live `evidence`, `package_evidence` or live `review_evidence` row
 * refers to it. Removal is a mark (`removed_at`/`removed_by`), recorded in the review's audit trail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('review_evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('review_id', 'text', (c) => c.notNull().references('review.id').onDelete('cascade'))
    .addColumn('indicator_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('removed_by', 'text')
    .execute();
  await db.schema.createIndex('review_evidence_review').on('review_evidence').columns(['review_id', 'indicator_id']).execute();
  await db.schema.createIndex('review_evidence_sha256').on('review_evidence').column('sha256').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('review_evidence').execute();
}
