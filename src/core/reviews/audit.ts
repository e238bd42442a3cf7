import type { Actor } from '../assessments/assessments';
import type { ReviewTable } from '../store/schema';
import { notFound, type Db } from './model';

/** The review's own append-only trail (table `review_audit`): every change with who, when, old → new and why. */

export type ReviewAuditAction =
  | 'open'
  | 'continue'
  | 'value'
  | 'reason'
  | 'override'
  | 'note'
  | 'finding'
  | 'team'
  | 'decide'
  | 'reopen'
  | 'export'
  | 'evidence_add'
  | 'evidence_remove';

export async function appendReviewAudit(
  db: Db,
  row: Pick<ReviewTable, 'id' | 'subject_sha256' | 'subject_revision'>,
  actor: Actor,
  action: ReviewAuditAction,
  detail: { target?: string | null; old?: unknown; new?: unknown; reason?: string | null } = {},
): Promise<void> {
  await db
    .insertInto('review_audit')
    .values({
      review_id: row.id,
      subject_sha256: row.subject_sha256,
      subject_revision: row.subject_revision,
      at: actor.now,
      actor: actor.name,
      action,
      target: detail.target ?? null,
      old_json: detail.old === undefined ? null : JSON.stringify(detail.old),
      new_json: detail.new === undefined ? null : JSON.stringify(detail.new),
      reason: detail.reason ?? null,
    })
    .execute();
}

export async function reviewAudit(db: Db, id: string) {
  const row = await db.selectFrom('review').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(id);
  const rows = await db.selectFrom('review_audit').selectAll().where('review_id', '=', id).orderBy('seq').execute();
  return rows.map((a) => ({
    seq: a.seq,
    subjectSha256: a.subject_sha256,
    subjectRevision: a.subject_revision,
    at: a.at,
    actor: a.actor,
    action: a.action as ReviewAuditAction,
    target: a.target,
    old: a.old_json === null ? null : (JSON.parse(a.old_json) as unknown),
    new: a.new_json === null ? null : (JSON.parse(a.new_json) as unknown),
    reason: a.reason,
  }));
}

/** The last trail entry's number (0 for none): it moves with every recorded change, so it versions the review. */
export async function lastAuditSeq(db: Db, id: string): Promise<number> {
  const row = await db.selectFrom('review_audit').select((eb) => eb.fn.max('seq').as('seq')).where('review_id', '=', id).executeTakeFirst();
  return Number(row?.seq ?? 0);
}
