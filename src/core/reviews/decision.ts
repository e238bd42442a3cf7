import type { Actor } from '../assessments/assessments';
import { writeTransaction } from '../store/write';
import { appendReviewAudit } from './audit';
import { fieldError, loadReview, reasonsOf, requireInReview, teamOf, teamResult, type Decision, type ReviewDeps } from './model';

export async function decide(deps: ReviewDeps, id: string, decision: Decision, reasons: string[], actor: Actor): Promise<void> {
  await writeTransaction(deps.db, async (trx) => {
    const r = await loadReview(trx, deps.packs, id);
    requireInReview(r.row);
    const clean = reasons.map((x) => x.normalize('NFC').trim()).filter((x) => x !== '');
    const result = teamResult(r);
    if (teamOf(r.row).length === 0) {
      throw fieldError('team_required', 'team', 'Trường team: hãy ghi thành phần đoàn thẩm định trước khi ra quyết định.', 'Field team: name the review team before deciding.');
    }
    if (decision === 'recognised' && result.verdict !== 'recognised') {
      throw fieldError(
        'decision_not_allowed',
        'decision',
        `Trường decision: kết quả chấm của đoàn là ${result.total}/${result.maxTotal} điểm, chưa đạt (${result.reasons.map((x) => x.message.vi).join('; ')}); không thể công nhận.`,
        `Field decision: the team's result is ${result.total}/${result.maxTotal}, not recognised (${result.reasons.map((x) => x.message.en).join('; ')}); it cannot be recognised.`,
      );
    }
    if (decision !== 'recognised' && clean.length === 0) {
      throw fieldError('reasons_required', 'reasons', 'Trường reasons: quyết định này cần ít nhất một lý do.', 'Field reasons: this decision needs at least one reason.');
    }
    await trx
      .updateTable('review')
      .set({ state: decision, reasons_json: JSON.stringify(clean), decided_by: actor.name, decided_at: actor.now, updated_at: actor.now, dirty: 1 })
      .where('id', '=', id)
      .execute();
    await appendReviewAudit(trx, r.row, actor, 'decide', {
      old: r.row.state,
      new: { decision, reasons: clean, total: result.total, verdict: result.verdict },
      reason: clean.join('; ') || null,
    });
  });
}

export async function reopen(deps: ReviewDeps, id: string, reason: string, actor: Actor): Promise<void> {
  await writeTransaction(deps.db, async (trx) => {
    const r = await loadReview(trx, deps.packs, id);
    if (r.row.state === 'in_review') return;
    const why = reason.normalize('NFC').trim();
    await trx.updateTable('review').set({ state: 'in_review', decided_at: null, decided_by: null, updated_at: actor.now, dirty: 1 }).where('id', '=', id).execute();
    await appendReviewAudit(trx, r.row, actor, 'reopen', { old: { state: r.row.state, reasons: reasonsOf(r.row) }, new: 'in_review', reason: why });
  });
}
