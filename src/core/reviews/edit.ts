import canonicalize from 'canonicalize';
import type { Actor } from '../assessments/assessments';
import { parseScoreInput } from '../scoring/input';
import type { ReviewValueTable } from '../store/schema';
import { writeTransaction } from '../store/write';
import { appendReviewAudit } from './audit';
import { canonicalValue, fieldError, loadReview, requireIndicator, requireInReview, teamOf, touch, type Db, type LoadedReview, type ReviewDeps, type TeamMember } from './model';

/** The team's changes, only while in review: values with their reasons, overrides, notes, findings, the team. */

async function upsertTeam(trx: Db, r: LoadedReview, indicatorId: string, criterionId: string, set: Partial<ReviewValueTable>, now: string): Promise<void> {
  const base: ReviewValueTable = r.team.get(indicatorId) ?? {
    review_id: r.row.id,
    indicator_id: indicatorId,
    criterion_id: criterionId,
    value_json: null,
    override_points: null,
    override_reason: null,
    note: '',
    reason: null,
    updated_at: now,
  };
  const row = { ...base, ...set, updated_at: now };
  await trx
    .insertInto('review_value')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['review_id', 'indicator_id']).doUpdateSet({
        value_json: row.value_json,
        override_points: row.override_points,
        override_reason: row.override_reason,
        note: row.note,
        reason: row.reason,
        updated_at: now,
      }),
    )
    .execute();
}

const MIN_REASON = 3;

/**
 * The team's value of one indicator (null clears it), checked against its kind. A value other than the commune's needs
 * a reason (the one given, else the one already stored); the commune's value again clears the reason.
 */
export async function setTeamValue(deps: ReviewDeps, id: string, indicatorId: string, value: unknown, reason: string | undefined, actor: Actor): Promise<void> {
  await writeTransaction(deps.db, async (trx) => {
    const r = await loadReview(trx, deps.packs, id);
    requireInReview(r.row);
    const { criterionId } = requireIndicator(r.pack, indicatorId);
    if (value !== null && value !== undefined) {
      parseScoreInput({ pack: r.pack.pack.id, unitClass: r.subject.unit_class, values: { [indicatorId]: value } }, r.pack);
    }
    const next = value === null || value === undefined ? null : (canonicalize(value) ?? null);
    const commune = canonicalValue(r.commune.get(indicatorId)?.value_json ?? null);
    const current = r.team.get(indicatorId);
    const differs = next !== commune;
    const given = reason?.normalize('NFC').trim();
    const why = differs ? (given || current?.reason || '').trim() : null;
    if (differs && (why ?? '').length < MIN_REASON) {
      throw fieldError(
        'reason_required',
        'reason',
        `Trường reason: giá trị của đoàn ở chỉ tiêu ${indicatorId} khác số liệu xã tự chấm; hãy ghi lý do (ít nhất ${MIN_REASON} ký tự).`,
        `Field reason: the team's value of indicator ${indicatorId} differs from the commune's; give a reason (at least ${MIN_REASON} characters).`,
      );
    }
    const valueChanged = (current?.value_json ?? null) !== next;
    const reasonChanged = (current?.reason ?? null) !== why;
    if (!valueChanged && !reasonChanged) return;
    await upsertTeam(trx, r, indicatorId, criterionId, { value_json: next, reason: why }, actor.now);
    await touch(trx, id, actor.now);
    if (valueChanged) {
      await appendReviewAudit(trx, r.row, actor, 'value', {
        target: indicatorId,
        old: current?.value_json ? JSON.parse(current.value_json) : null,
        new: value ?? null,
        reason: why,
      });
    } else {
      await appendReviewAudit(trx, r.row, actor, 'reason', { target: indicatorId, old: current?.reason ?? null, new: why, reason: why });
    }
  });
}

export async function setTeamOverride(deps: ReviewDeps, id: string, indicatorId: string, override: { points: number; reason: string } | null, actor: Actor): Promise<void> {
  await writeTransaction(deps.db, async (trx) => {
    const r = await loadReview(trx, deps.packs, id);
    requireInReview(r.row);
    const { ind, criterionId } = requireIndicator(r.pack, indicatorId);
    if (override && override.points > ind.max) {
      throw fieldError(
        'invalid_input',
        'override.points',
        `Trường override.points: điểm điều chỉnh ${override.points} vượt điểm tối đa ${ind.max} của chỉ tiêu ${indicatorId}.`,
        `Field override.points: the override ${override.points} is above indicator ${indicatorId}'s maximum of ${ind.max}.`,
      );
    }
    const current = r.team.get(indicatorId);
    const old = current?.override_points == null ? null : { points: current.override_points, reason: current.override_reason };
    const reason = override ? override.reason.normalize('NFC').trim() : null;
    await upsertTeam(trx, r, indicatorId, criterionId, { override_points: override?.points ?? null, override_reason: reason }, actor.now);
    await touch(trx, id, actor.now);
    await appendReviewAudit(trx, r.row, actor, 'override', { target: indicatorId, old, new: override ? { points: override.points, reason } : null, reason });
  });
}

export async function setTeamNote(deps: ReviewDeps, id: string, indicatorId: string, note: string, actor: Actor): Promise<void> {
  await writeTransaction(deps.db, async (trx) => {
    const r = await loadReview(trx, deps.packs, id);
    requireInReview(r.row);
    const { criterionId } = requireIndicator(r.pack, indicatorId);
    const clean = note.normalize('NFC');
    const current = r.team.get(indicatorId);
    if ((current?.note ?? '') === clean) return;
    await upsertTeam(trx, r, indicatorId, criterionId, { note: clean }, actor.now);
    await touch(trx, id, actor.now);
    await appendReviewAudit(trx, r.row, actor, 'note', { target: indicatorId, old: current?.note ?? '', new: clean });
  });
}

export async function setFinding(deps: ReviewDeps, id: string, criterionId: string, text: string, actor: Actor): Promise<void> {
  await writeTransaction(deps.db, async (trx) => {
    const r = await loadReview(trx, deps.packs, id);
    requireInReview(r.row);
    if (!r.pack.pack.criteria.some((c) => c.id === criterionId)) {
      throw fieldError('invalid_input', 'criterionId', `Trường criterionId: không có tiêu chí "${criterionId}".`, `Field criterionId: no criterion "${criterionId}".`);
    }
    const clean = text.normalize('NFC');
    const current = r.findings.get(criterionId) ?? '';
    if (current === clean) return;
    await trx
      .insertInto('review_finding')
      .values({ review_id: id, criterion_id: criterionId, text: clean, updated_at: actor.now })
      .onConflict((oc) => oc.columns(['review_id', 'criterion_id']).doUpdateSet({ text: clean, updated_at: actor.now }))
      .execute();
    await touch(trx, id, actor.now);
    await appendReviewAudit(trx, r.row, actor, 'finding', { target: criterionId, old: current, new: clean });
  });
}

export async function setTeam(deps: ReviewDeps, id: string, members: TeamMember[], actor: Actor): Promise<void> {
  await writeTransaction(deps.db, async (trx) => {
    const r = await loadReview(trx, deps.packs, id);
    requireInReview(r.row);
    const clean = members.map((m) => ({ name: m.name.normalize('NFC').trim(), title: m.title.normalize('NFC').trim() }));
    const json = JSON.stringify(clean);
    if (json === r.row.team_json) return;
    await trx.updateTable('review').set({ team_json: json, updated_at: actor.now, dirty: 1 }).where('id', '=', id).execute();
    await appendReviewAudit(trx, r.row, actor, 'team', { old: teamOf(r.row), new: clean });
  });
}
