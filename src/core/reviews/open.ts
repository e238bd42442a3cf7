import crypto from 'node:crypto';
import type { Actor } from '../assessments/assessments';
import type { PackageTable, PackageValueTable, ReviewTable, ReviewValueTable } from '../store/schema';
import { writeTransaction } from '../store/write';
import { appendReviewAudit } from './audit';
import { canonicalValue, fieldError, isChanged, packOf, sameOverride, type Db, type ReviewDeps } from './model';

async function currentSubject(db: Db, assessmentId: string): Promise<PackageTable> {
  const rows = await db
    .selectFrom('package')
    .selectAll()
    .where('kind', '=', 'self-assessment')
    .where('assessment_id', '=', assessmentId)
    .where('state', 'in', ['current', 'conflict'])
    .execute();
  if (rows.length !== 1 || rows[0]!.state === 'conflict') {
    throw fieldError(
      'package_conflict',
      'manifestSha256',
      'Có hai gói khác nhau cùng một lần gửi của xã này; hãy làm rõ với xã và chỉ giữ một gói trước khi thẩm định.',
      'Two different packages claim the same revision of this commune; settle it with the commune before reviewing.',
    );
  }
  return rows[0]!;
}

function teamRowFrom(reviewId: string, v: PackageValueTable, now: string): ReviewValueTable {
  return {
    review_id: reviewId,
    indicator_id: v.indicator_id,
    criterion_id: v.criterion_id,
    value_json: canonicalValue(v.value_json),
    override_points: v.override_points,
    override_reason: v.override_points === null ? null : v.override_reason,
    note: '',
    reason: null,
    updated_at: now,
  };
}

/**
 * Starts the review of a commune package (or returns the one under way). The review always follows the assessment's
 * current revision; a newer revision after a return (or during the review) continues it (see the rules above).
 */
export async function openReview(deps: ReviewDeps, manifestSha256: string, actor: Actor): Promise<{ id: string; started: boolean; continued: boolean }> {
  return writeTransaction(deps.db, async (trx) => {
    const pkg = await trx.selectFrom('package').selectAll().where('manifest_sha256', '=', manifestSha256).executeTakeFirst();
    if (!pkg) throw fieldError('not_found', 'manifestSha256', 'Không có gói hồ sơ này trong máy.', 'No such imported package.');
    if (pkg.kind !== 'self-assessment') {
      throw fieldError('not_a_self_assessment', 'manifestSha256', 'Chỉ thẩm định được gói tự đánh giá của xã.', "Only a commune's self-assessment package can be reviewed.");
    }
    const subject = await currentSubject(trx, pkg.assessment_id);
    packOf(deps.packs, subject);
    const existing = await trx.selectFrom('review').selectAll().where('assessment_id', '=', pkg.assessment_id).executeTakeFirst();
    const values = await trx.selectFrom('package_value').selectAll().where('manifest_sha256', '=', subject.manifest_sha256).execute();
    if (!existing) return { id: await startReview(trx, subject, values, actor), started: true, continued: false };
    if (existing.subject_sha256 === subject.manifest_sha256 || subject.revision <= existing.subject_revision) {
      return { id: existing.id, started: false, continued: false };
    }
    if (existing.state === 'recognised' || existing.state === 'not_recognised') {
      throw fieldError(
        'review_decided',
        'manifestSha256',
        `Cuộc thẩm định đã có quyết định (lần ${existing.subject_revision}); muốn thẩm định lần gửi ${subject.revision} thì hãy mở lại cuộc thẩm định trước.`,
        `The review is decided (revision ${existing.subject_revision}); reopen it before reviewing revision ${subject.revision}.`,
      );
    }
    await continueReview(trx, existing, subject, values, actor);
    return { id: existing.id, started: false, continued: true };
  });
}

/** A new review of `subject`: the team's side starts as the commune's values and overrides. */
async function startReview(trx: Db, subject: PackageTable, values: PackageValueTable[], actor: Actor): Promise<string> {
  const id = crypto.randomUUID();
  const row: ReviewTable = {
    id,
    assessment_id: subject.assessment_id,
    unit_code: subject.unit_code,
    unit_edition: subject.unit_edition,
    year: subject.year,
    subject_sha256: subject.manifest_sha256,
    subject_revision: subject.revision,
    state: 'in_review',
    reasons_json: '[]',
    team_json: '[]',
    decided_by: null,
    decided_at: null,
    export_sha256: null,
    export_file: null,
    export_revision: 0,
    exported_at: null,
    exported_by: null,
    dirty: 1,
    created_by: actor.name,
    created_at: actor.now,
    updated_at: actor.now,
  };
  await trx.insertInto('review').values(row).execute();
  for (const v of values) await trx.insertInto('review_value').values(teamRowFrom(id, v, actor.now)).execute();
  await appendReviewAudit(trx, row, actor, 'open', { new: { manifestSha256: subject.manifest_sha256, revision: subject.revision, total: subject.total, verdict: subject.verdict } });
  return id;
}

/** Continues a review (in review or returned) from the commune's newer revision `subject` (see the rules). */
async function continueReview(trx: Db, existing: ReviewTable, subject: PackageTable, values: PackageValueTable[], actor: Actor): Promise<void> {
  const old = new Map(
    (await trx.selectFrom('package_value').selectAll().where('manifest_sha256', '=', existing.subject_sha256).execute()).map((v) => [v.indicator_id, v]),
  );
  const team = new Map((await trx.selectFrom('review_value').selectAll().where('review_id', '=', existing.id).execute()).map((v) => [v.indicator_id, v]));
  // Back in review first: the team's side of a returned (decided) review is read-only (migration 0007's triggers).
  const next = { ...existing, subject_sha256: subject.manifest_sha256, subject_revision: subject.revision };
  await trx
    .updateTable('review')
    .set({ subject_sha256: subject.manifest_sha256, subject_revision: subject.revision, state: 'in_review', reasons_json: '[]', decided_at: null, decided_by: null, dirty: 1, updated_at: actor.now })
    .where('id', '=', existing.id)
    .execute();
  const reset: string[] = [];
  for (const v of values) {
    const before = old.get(v.indicator_id);
    const mine = team.get(v.indicator_id);
    const communeChanged = !before || canonicalValue(before.value_json) !== canonicalValue(v.value_json) || !sameOverride(before, v);
    if (mine && !communeChanged) continue;
    const fresh = teamRowFrom(existing.id, v, actor.now);
    if (mine) {
      fresh.note = mine.note;
      if (isChanged(v, mine)) reset.push(v.indicator_id);
    }
    await trx
      .insertInto('review_value')
      .values(fresh)
      .onConflict((oc) =>
        oc.columns(['review_id', 'indicator_id']).doUpdateSet({
          value_json: fresh.value_json,
          override_points: fresh.override_points,
          override_reason: fresh.override_reason,
          reason: null,
          updated_at: actor.now,
        }),
      )
      .execute();
  }
  await appendReviewAudit(trx, next, actor, 'continue', {
    old: { manifestSha256: existing.subject_sha256, revision: existing.subject_revision, state: existing.state },
    new: { manifestSha256: subject.manifest_sha256, revision: subject.revision, teamChangesReset: reset },
  });
}
