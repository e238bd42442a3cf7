import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../assessments/assessments';
import { CfcError, isCfcError } from '../errors';
import { ensureEvidence } from '../evidence/hygiene';
import { evidenceRefCount } from '../evidence/refs';
import { evidenceMediaType, tooLarge, type EvidenceStore } from '../evidence/store';
import type { ReviewInput } from '../packages/review';
import type { ReviewEvidenceTable } from '../store/schema';
import { writeTransaction } from '../store/write';
import { appendReviewAudit } from './audit';
import { loadReview, requireIndicator, requireInReview, touch, type Db, type ReviewDeps } from './model';

/**
 * The review team's own evidence: files attached to an indicator of a review, in the same content-addressed store as
 * the commune's evidence (staged first, then moved into place; the same content is stored once). Only while the review
 * is in review; each attachment and removal goes into the review's audit trail. A removed attachment is a mark; its
 * file goes only when nothing else refers to it (see `evidenceRefCount`).
 */

/** The same error with the field it is about inside the call's input (`files.0.name`). */
function atField(e: unknown, field: string): unknown {
  return isCfcError(e) ? new CfcError(e.code, e.messages, { field }) : e;
}

/** Live attachments of a review, oldest first. */
export async function reviewEvidenceRows(db: Db, reviewId: string): Promise<ReviewEvidenceTable[]> {
  return db
    .selectFrom('review_evidence')
    .selectAll()
    .where('review_id', '=', reviewId)
    .where('removed_at', 'is', null)
    .orderBy('added_at')
    .orderBy(sql`rowid`)
    .execute();
}

/** A live attachment by id (for `/evidence/<id>` previews), or undefined. */
export async function findReviewEvidence(db: Db, id: string): Promise<ReviewEvidenceTable | undefined> {
  return db.selectFrom('review_evidence').selectAll().where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
}

export async function attachReviewEvidence(
  deps: ReviewDeps,
  store: EvidenceStore,
  id: string,
  indicatorId: string,
  files: { stagedId: string; name: string }[],
  maxBytes: number,
  actor: Actor,
): Promise<{ items: ReviewEvidenceTable[]; storedOnce: string[] }> {
  const r = await loadReview(deps.db, deps.packs, id);
  requireInReview(r.row);
  requireIndicator(r.pack, indicatorId);
  // Check every file before moving any into place.
  const checked = files.map((f, i) => {
    let staged;
    try {
      staged = store.staged(f.stagedId);
    } catch (e) {
      throw atField(e, `files.${i}.stagedId`);
    }
    if (staged.size > maxBytes) throw atField(tooLarge(f.name, maxBytes), `files.${i}.stagedId`);
    let mediaType;
    try {
      mediaType = evidenceMediaType(f.name);
    } catch (e) {
      throw atField(e, `files.${i}.name`);
    }
    return { ...f, ...staged, mediaType };
  });
  const storedOnce = checked.filter((f) => store.has(f.sha256, f.size)).map((f) => f.name);
  // Into the store durably; if the transaction below fails they are left for the collector (never deleted here).
  for (const f of checked) store.commit(f.stagedId);
  const rows: ReviewEvidenceTable[] = checked.map((f) => ({
    id: crypto.randomUUID(),
    review_id: id,
    indicator_id: indicatorId,
    sha256: f.sha256,
    name: f.name.normalize('NFC').trim(),
    media_type: f.mediaType,
    size: f.size,
    added_by: actor.name,
    added_at: actor.now,
    removed_at: null,
    removed_by: null,
  }));
  await writeTransaction(deps.db, async (trx) => {
    // Checked again under the write lock: the review may have been decided since the files were checked.
    const current = await loadReview(trx, deps.packs, id);
    requireInReview(current.row);
    for (const row of rows) {
      await trx.insertInto('review_evidence').values(row).execute();
      await appendReviewAudit(trx, r.row, actor, 'evidence_add', {
        target: indicatorId,
        new: { name: row.name, sha256: row.sha256, size: row.size, mediaType: row.media_type },
      });
    }
    await touch(trx, id, actor.now);
  });
  return { items: rows, storedOnce };
}

export async function removeReviewEvidence(
  deps: ReviewDeps,
  store: EvidenceStore,
  id: string,
  evidenceId: string,
  reason: string | undefined,
  actor: Actor,
): Promise<{ removed: ReviewEvidenceTable; fileReleased: boolean }> {
  const why = reason?.normalize('NFC').trim() || null;
  const { row, live } = await writeTransaction(deps.db, async (trx) => {
    const r = await loadReview(trx, deps.packs, id);
    const row = await trx
      .selectFrom('review_evidence')
      .selectAll()
      .where('id', '=', evidenceId)
      .where('review_id', '=', id)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (!row) {
      throw new CfcError(
        'not_found',
        { vi: 'Trường evidenceId: không có minh chứng này của đoàn (có thể đã được gỡ).', en: 'Field evidenceId: no such team evidence (it may have been removed already).' },
        { field: 'evidenceId' },
      );
    }
    requireInReview(r.row);
    await trx.updateTable('review_evidence').set({ removed_at: actor.now, removed_by: actor.name }).where('id', '=', row.id).execute();
    await appendReviewAudit(trx, r.row, actor, 'evidence_remove', {
      target: row.indicator_id,
      old: { name: row.name, sha256: row.sha256, size: row.size, mediaType: row.media_type },
      reason: why,
    });
    await touch(trx, id, actor.now);
    return { row, live: await evidenceRefCount(trx, row.sha256) };
  });
  // Not deleted here (a call in flight may use the same content): released, collected once unused for a day.
  const fileReleased = live === 0 ? store.release(row.sha256) : false;
  return { removed: { ...row, removed_at: actor.now, removed_by: actor.name }, fileReleased };
}

/** The team's evidence as the review package carries it (the files from the store), or `evidence_missing`. */
export async function reviewPackageEvidence(db: Db, store: EvidenceStore, reviewId: string, dataDir: string): Promise<NonNullable<ReviewInput['evidence']>> {
  const rows = await reviewEvidenceRows(db, reviewId);
  // Each file intact before it is signed into the package (repaired from a package or upload that carries it).
  for (const e of rows) await ensureEvidence({ db, dataDir }, store, e);
  return rows.map((e) => {
    if (!store.has(e.sha256, e.size)) {
      throw new CfcError(
        'evidence_missing',
        {
          vi: `Thiếu tệp minh chứng "${e.name}" của đoàn trong thư mục dữ liệu; hãy gỡ và đính kèm lại trước khi xuất gói.`,
          en: `The team's evidence file "${e.name}" is missing from the data folder; remove it and attach it again before exporting.`,
        },
        { field: 'id' },
      );
    }
    return { file: store.pathOf(e.sha256), name: e.name, mediaType: e.media_type, indicatorId: e.indicator_id, addedBy: e.added_by, addedAt: e.added_at };
  });
}
