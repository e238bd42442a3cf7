import fs from 'node:fs';
import path from 'node:path';
import type { Actor } from '../assessments/assessments';
import { EvidenceStore } from '../evidence/store';
import type { Exported, Signing } from '../packages/export';
import type { AuditLine } from '../packages/format';
import { storedPackagePath } from '../packages/importer';
import { createReview, type ReviewInput } from '../packages/review';
import type { VerifyDeps } from '../packages/verify';
import type { WriteOptions } from '../packages/writer';
import { writeTransaction } from '../store/write';
import { appendReviewAudit, lastAuditSeq, reviewAudit } from './audit';
import { fieldError, loadReview, reasonsOf, teamOf, type Decision, type LoadedReview, type ReviewDeps } from './model';

export function findingsText(r: LoadedReview): string {
  return r.pack.pack.criteria
    .filter((c) => (r.findings.get(c.id) ?? '').trim() !== '')
    .map((c) => `Tiêu chí ${c.id}: ${r.findings.get(c.id)!.trim()}`)
    .join('\n\n');
}

/**
 * Signs the review package (the team's values, overrides, notes, decision, reasons, findings, team and trail, with the
 * commune's package byte for byte under inner/) into `outDir`. Exported again without a change since: the same file.
 * With a change: the next revision of the review (so the recipient keeps one current review, never a conflict).
 *
 * Optimistic concurrency: the review, its trail and its last trail entry are read together; the package is signed
 * outside any transaction (it streams files); the review is marked clean only if no change was recorded since that
 * read (every change appends to the trail). A reopen or an edit during the export is never lost: the export is
 * recorded (its revision number is used) but the review stays changed-since-export (`changedDuring: true`).
 */
export async function exportReview(
  deps: ReviewDeps & { app: { name: string; version: string }; trust: VerifyDeps['trust'] },
  id: string,
  signing: Signing,
  outDir: string,
  actor: Actor,
  /** The team's own evidence (files from the store), asked for only when a new package is written. */
  teamEvidence: () => Promise<NonNullable<ReviewInput['evidence']>> = async () => [],
  /** Progress and cancel of the package writing (a cancelled export records nothing). */
  opts: WriteOptions = {},
): Promise<Exported & { revision: number; reused: boolean; changedDuring: boolean }> {
  const { r, trail, seq } = await writeTransaction(deps.db, async (trx) => ({
    r: await loadReview(trx, deps.packs, id),
    trail: await reviewAudit(trx, id),
    seq: await lastAuditSeq(trx, id),
  }));
  if (r.row.state === 'in_review') {
    throw fieldError('not_decided', 'id', 'Chưa có quyết định thẩm định; hãy ra quyết định trước khi xuất gói.', 'The review has no decision yet; decide before exporting the package.');
  }
  if (r.row.dirty === 0 && r.row.export_file && r.row.export_sha256 && fs.existsSync(path.join(outDir, r.row.export_file))) {
    const file = path.join(outDir, r.row.export_file);
    return { file, fileName: r.row.export_file, size: fs.statSync(file).size, manifestSha256: r.row.export_sha256, revision: r.row.export_revision, reused: true, changedDuring: false } as Exported & {
      revision: number;
      reused: boolean;
      changedDuring: boolean;
    };
  }
  const innerFile = storedPackagePath(deps.dataDir, r.row.subject_sha256);
  if (!fs.existsSync(innerFile)) {
    throw fieldError('package_missing', 'id', 'Thiếu tệp gói gốc của xã trong thư mục dữ liệu; hãy nhập lại gói của xã.', "The commune's original package file is missing from the data folder; import it again.");
  }
  const values: Record<string, unknown> = {};
  const overrides: Record<string, { points: number; reason: string }> = {};
  const notes: Record<string, string> = {};
  for (const v of r.team.values()) {
    if (v.value_json !== null) values[v.indicator_id] = JSON.parse(v.value_json);
    if (v.override_points !== null) overrides[v.indicator_id] = { points: v.override_points, reason: v.override_reason ?? '' };
    const parts = [v.note.trim(), v.reason ? `Lý do thay đổi so với số liệu của xã: ${v.reason}` : ''].filter(Boolean);
    if (parts.length) notes[v.indicator_id] = parts.join('\n');
  }
  const evidence = await teamEvidence();
  const revision = r.row.export_revision + 1;
  const audit: AuditLine[] = trail.map((a) => ({
    seq: a.seq,
    revision,
    at: a.at,
    actor: a.actor,
    action: a.action,
    indicatorId: a.target && /^\d+\.\d+$/.test(a.target) ? a.target : null,
    old: a.old,
    new: a.action === 'finding' ? { criterionId: a.target, text: a.new } : a.new,
    reason: a.reason,
  }));
  fs.mkdirSync(outDir, { recursive: true });
  const written = await createReview(
    { packs: deps.packs, editions: deps.editions, app: deps.app, trust: deps.trust },
    innerFile,
    {
      values,
      overrides,
      notes,
      decision: r.row.state as Decision,
      reasons: reasonsOf(r.row),
      findings: findingsText(r),
      team: teamOf(r.row),
      revision,
      evidence,
      audit,
    },
    signing,
    outDir,
    { name: actor.name, now: actor.now },
    opts,
  );
  const changedDuring = await writeTransaction(deps.db, async (trx) => {
    const changed = (await lastAuditSeq(trx, id)) !== seq;
    const now = await trx.selectFrom('review').select(['subject_sha256', 'subject_revision']).where('id', '=', id).executeTakeFirstOrThrow();
    await trx
      .updateTable('review')
      .set({ export_sha256: written.manifestSha256, export_file: written.fileName, export_revision: revision, exported_at: actor.now, exported_by: actor.name, dirty: changed ? 1 : 0 })
      .where('id', '=', id)
      .execute();
    await appendReviewAudit(trx, { id, ...now }, actor, 'export', {
      new: { manifestSha256: written.manifestSha256, fileName: written.fileName, revision, keyId: signing.row.key_id, ...(changed ? { changedDuring: true } : {}) },
    });
    return changed;
  });
  return { ...written, revision, reused: false, changedDuring };
}

export function evidenceStoreOf(dataDir: string): EvidenceStore {
  return new EvidenceStore(path.join(dataDir, 'evidence'));
}
