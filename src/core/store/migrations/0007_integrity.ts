import { sql, type Kysely } from 'kysely';

/**
 * Integrity in SQL (issue 9), the last line behind the core's guards (which check state inside their own
 * `BEGIN IMMEDIATE` transaction):
 *
 * 1. A submitted assessment revision is read-only: its values, notes and overrides (`assessment_value`) and its
 *    evidence links (`evidence`) refuse INSERT, UPDATE and DELETE; the revision cannot go back to draft nor be deleted.
 * 2. A decided review (recognised, not recognised, returned) is read-only: its team values, notes and overrides
 *    (`review_value`), findings (`review_finding`) and evidence links (`review_evidence`) refuse INSERT, UPDATE and
 *    DELETE; its team and reasons cannot change and it cannot move to another decision without going back to
 *    `in_review` (reopen, or continue from the commune's next revision). Exports still update its export columns.
 * 3. One first revision per commune and year: a unique index over revision-1 rows.
 *
 * Old databases may hold two first revisions of one commune and year (made by two quick creates before this index).
 * Nothing is deleted: the earliest one (by creation time, then insertion order) keeps its place and each later one is
 * marked `legacy_duplicate = 1`, which leaves it out of the index (it stays readable and can be submitted as before).
 * New rows always have `legacy_duplicate = 0`.
 *
 * The trigger messages start with `cfc_read_only:`; the core maps them to a `read_only` / `review_decided` error.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // 1. Submitted revisions.
  const submitted = (rev: string) => sql.raw(`(select status from assessment where id = ${rev}) = 'submitted'`);
  for (const table of ['assessment_value', 'evidence'] as const) {
    const msg = sql.lit(`cfc_read_only: ${table} of a submitted assessment revision`);
    const t = sql.table(table);
    await sql`create trigger ${sql.raw(`${table}_submitted_no_insert`)} before insert on ${t} when ${submitted('new.revision_id')} begin select raise(abort, ${msg}); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_submitted_no_update`)} before update on ${t} when ${submitted('old.revision_id')} or ${submitted('new.revision_id')} begin select raise(abort, ${msg}); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_submitted_no_delete`)} before delete on ${t} when ${submitted('old.revision_id')} begin select raise(abort, ${msg}); end`.execute(db);
  }
  await sql`create trigger assessment_submitted_stays before update of status on assessment when old.status = 'submitted' and new.status <> 'submitted' begin select raise(abort, 'cfc_read_only: a submitted assessment revision stays submitted'); end`.execute(db);
  await sql`create trigger assessment_submitted_no_delete before delete on assessment when old.status = 'submitted' begin select raise(abort, 'cfc_read_only: a submitted assessment revision cannot be deleted'); end`.execute(db);

  // 2. Decided reviews.
  const decided = (review: string) => sql.raw(`(select state from review where id = ${review}) <> 'in_review'`);
  for (const table of ['review_value', 'review_finding', 'review_evidence'] as const) {
    const msg = sql.lit(`cfc_read_only: ${table} of a decided review`);
    const t = sql.table(table);
    await sql`create trigger ${sql.raw(`${table}_decided_no_insert`)} before insert on ${t} when ${decided('new.review_id')} begin select raise(abort, ${msg}); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_decided_no_update`)} before update on ${t} when ${decided('old.review_id')} or ${decided('new.review_id')} begin select raise(abort, ${msg}); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_decided_no_delete`)} before delete on ${t} when ${decided('old.review_id')} begin select raise(abort, ${msg}); end`.execute(db);
  }
  await sql`create trigger review_decided_team before update of team_json on review when old.state <> 'in_review' and new.team_json is not old.team_json begin select raise(abort, 'cfc_read_only: the team of a decided review'); end`.execute(db);
  await sql`create trigger review_decided_reasons before update of reasons_json, state on review when old.state <> 'in_review' and new.state <> 'in_review' and (new.state <> old.state or new.reasons_json is not old.reasons_json) begin select raise(abort, 'cfc_read_only: the decision of a decided review changes only through reopen'); end`.execute(db);

  // 3. One first revision per commune and year.
  // (0008_unit_editions widens it to (unit_edition, unit_code, year): a unit is (edition, code) since 2025-07-01.)
  await sql`alter table assessment add column legacy_duplicate integer not null default 0 check (legacy_duplicate in (0, 1))`.execute(db);
  await sql`update assessment set legacy_duplicate = 1 where revision = 1 and exists (
      select 1 from assessment earlier
      where earlier.revision = 1 and earlier.unit_code = assessment.unit_code and earlier.year = assessment.year
        and (earlier.created_at < assessment.created_at or (earlier.created_at = assessment.created_at and earlier.rowid < assessment.rowid)))`.execute(db);
  await sql`create unique index assessment_first_revision on assessment (unit_code, year) where revision = 1 and legacy_duplicate = 0`.execute(db);
}
