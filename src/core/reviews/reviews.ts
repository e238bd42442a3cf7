import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import canonicalize from 'canonicalize';
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../assessments/assessments';
import type { PackRegistry } from '../criteria/registry';
import type { LoadedPack } from '../criteria/schema';
import { CfcError } from '../errors';
import { EvidenceStore } from '../evidence/store';
import type { Exported, Signing } from '../packages/export';
import type { AuditLine } from '../packages/format';
import { storedPackagePath } from '../packages/importer';
import { createReview, type ReviewInput } from '../packages/review';
import type { VerifyDeps } from '../packages/verify';
import { assess, type Assessment } from '../scoring/assess';
import { parseScoreInput } from '../scoring/input';
import type { Database, PackageTable, PackageValueTable, ReviewTable, ReviewValueTable } from '../store/schema';
import type { UnitCatalogue } from '../units/catalogue';
import type { UnitEditions } from '../units/editions';

/**
 * The assessor's side (issue 6): a review of a commune's imported self-assessment package. One review per commune
 * assessment; it follows the commune's current revision. The team's values start as the commune's (values and
 * overrides; notes start empty) and every change is recorded with who, when, old → new and why.
 *
 * Rules (the product spec's life cycle, the criteria spec's recognition rule):
 * - A team value that differs from the commune's needs a reason (`reason`, at least 3 characters).
 * - Nothing changes once decided, except through `reopen` (with a reason): the decision is what gets signed.
 * - `recognised` only when the team's own result is recognised (all 13 criteria assessed, none at 0, the total at or
 *   above the class threshold: the confirmed rule); `not_recognised` and `returned` need at least one reason. Every
 *   decision needs at least one team member (the minutes and the package name them).
 * - Returned → the commune's next revision imported → `open` continues the review from it: where the commune's value
 *   and override did not change, the team's value, override and reason are kept; where they changed, the team's side
 *   starts again from the commune's new value (the team must look at the correction). Notes, findings and members are
 *   kept; the decision and its reasons are cleared. A decided review (recognised / not recognised) does not follow a
 *   newer revision until it is reopened.
 */

export type ReviewState = ReviewTable['state'];
export type InboxState = 'received' | ReviewState;
export type Decision = Exclude<ReviewState, 'in_review'>;

export interface ReviewDeps {
  db: Kysely<Database>;
  packs: PackRegistry;
  units: UnitCatalogue;
  /** Catalogue editions: the reviewed unit is `(unit_edition, unit_code)` (issue 10). */
  editions: UnitEditions;
  dataDir: string;
}

export type Db = Kysely<Database> | Transaction<Database>;

export interface TeamMember {
  name: string;
  title: string;
}

function fieldError(code: string, field: string, vi: string, en: string): CfcError {
  return new CfcError(code, { vi, en }, { field });
}

function notFound(id: string): CfcError {
  return fieldError('not_found', 'id', `Không tìm thấy cuộc thẩm định ${id}.`, `No review ${id}.`);
}

/** Canonical JSON of a stored value (so key order never makes a difference), or null. */
export function canonicalValue(json: string | null): string | null {
  if (json === null) return null;
  return canonicalize(JSON.parse(json)) ?? null;
}

function sameOverride(a: { override_points: number | null; override_reason: string | null }, b: { override_points: number | null; override_reason: string | null }): boolean {
  return a.override_points === b.override_points && (a.override_points === null || (a.override_reason ?? '') === (b.override_reason ?? ''));
}

/** A content-addressed evidence file's preview id: its SHA-256's first 32 hex digits in the UUID layout. */
export function packageEvidenceId(sha256: string): string {
  return `${sha256.slice(0, 8)}-${sha256.slice(8, 12)}-${sha256.slice(12, 16)}-${sha256.slice(16, 20)}-${sha256.slice(20, 32)}`;
}

/** The package evidence row a preview id names (see `packageEvidenceId`), or undefined. */
export async function findPackageEvidence(db: Db, previewId: string) {
  const prefix = previewId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(prefix)) return undefined;
  return db
    .selectFrom('package_evidence')
    .selectAll()
    .where('sha256', '>=', prefix)
    .where('sha256', '<', `${prefix}g`)
    .orderBy('manifest_sha256')
    .orderBy('ord')
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------------------------

export interface LoadedReview {
  row: ReviewTable;
  subject: PackageTable;
  pack: LoadedPack;
  commune: Map<string, PackageValueTable>;
  team: Map<string, ReviewValueTable>;
  findings: Map<string, string>;
}

function packOf(packs: PackRegistry, p: PackageTable): LoadedPack {
  const pack = packs.find(p.pack_id, p.pack_version);
  if (!pack) {
    throw new CfcError('unknown_pack', {
      vi: `Gói của xã dùng bộ tiêu chí ${p.pack_id} ${p.pack_version}, không có trong ứng dụng này.`,
      en: `The commune package uses criteria pack ${p.pack_id} ${p.pack_version}, which this app does not have.`,
    });
  }
  return pack;
}

export async function loadReview(db: Db, packs: PackRegistry, id: string): Promise<LoadedReview> {
  const row = await db.selectFrom('review').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(id);
  const subject = await db.selectFrom('package').selectAll().where('manifest_sha256', '=', row.subject_sha256).executeTakeFirstOrThrow();
  const commune = await db.selectFrom('package_value').selectAll().where('manifest_sha256', '=', row.subject_sha256).execute();
  const team = await db.selectFrom('review_value').selectAll().where('review_id', '=', id).execute();
  const findings = await db.selectFrom('review_finding').selectAll().where('review_id', '=', id).execute();
  return {
    row,
    subject,
    pack: packOf(packs, subject),
    commune: new Map(commune.map((v) => [v.indicator_id, v])),
    team: new Map(team.map((v) => [v.indicator_id, v])),
    findings: new Map(findings.filter((f) => f.text.trim() !== '').map((f) => [f.criterion_id, f.text])),
  };
}

function scoreInput(pack: LoadedPack, unitClass: string, rows: Iterable<{ indicator_id: string; value_json: string | null; override_points: number | null; override_reason: string | null }>) {
  const values: Record<string, unknown> = {};
  const overrides: Record<string, { points: number; reason: string }> = {};
  for (const v of rows) {
    if (v.value_json !== null) values[v.indicator_id] = JSON.parse(v.value_json);
    if (v.override_points !== null) overrides[v.indicator_id] = { points: v.override_points, reason: v.override_reason ?? '' };
  }
  return { pack: pack.pack.id, packVersion: pack.pack.version, unitClass, values, overrides };
}

export function teamResult(r: LoadedReview): Assessment {
  return assess(scoreInput(r.pack, r.subject.unit_class, r.team.values()), r.pack);
}

export function selfResult(r: LoadedReview): Assessment {
  return assess(scoreInput(r.pack, r.subject.unit_class, r.commune.values()), r.pack);
}

/** Whether the team's side of an indicator differs from the commune's (value or override). */
export function isChanged(c: PackageValueTable | undefined, t: ReviewValueTable | undefined): boolean {
  const cv = canonicalValue(c?.value_json ?? null);
  const tv = canonicalValue(t?.value_json ?? null);
  return cv !== tv || !sameOverride(c ?? { override_points: null, override_reason: null }, t ?? { override_points: null, override_reason: null });
}

export function reasonsOf(row: ReviewTable): string[] {
  return JSON.parse(row.reasons_json) as string[];
}
export function teamOf(row: ReviewTable): TeamMember[] {
  return JSON.parse(row.team_json) as TeamMember[];
}

// ---------------------------------------------------------------------------------------------------------------
// Audit
// ---------------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------------
// Inbox
// ---------------------------------------------------------------------------------------------------------------

export interface InboxItem {
  assessmentId: string;
  unit: { code: string; name: string; edition: string };
  year: number;
  state: InboxState;
  reviewId: string | null;
  latest: PackageTable;
  /** The revision the review follows (null before it starts); lower than the latest when a correction arrived. */
  reviewedRevision: number | null;
  newerRevision: boolean;
  history: PackageTable[];
  team: { total: number; verdict: string } | null;
  decidedAt: string | null;
}

/** Imported self-assessment packages, one item per commune assessment, with the review's state. */
export async function inbox(deps: ReviewDeps, filter: { year?: number | undefined; state?: InboxState | undefined }): Promise<InboxItem[]> {
  let q = deps.db.selectFrom('package').selectAll().where('kind', '=', 'self-assessment');
  if (filter.year !== undefined) q = q.where('year', '=', filter.year);
  const packages = await q.orderBy('year', 'desc').orderBy('unit_code').orderBy('revision', 'desc').orderBy('imported_at', 'desc').execute();
  const reviews = new Map((await deps.db.selectFrom('review').selectAll().execute()).map((r) => [r.assessment_id, r]));
  const groups = new Map<string, PackageTable[]>();
  for (const p of packages) {
    const g = groups.get(p.assessment_id);
    if (g) g.push(p);
    else groups.set(p.assessment_id, [p]);
  }
  const out: InboxItem[] = [];
  for (const [assessmentId, history] of groups) {
    const latest = history[0]!;
    const review = reviews.get(assessmentId);
    const state: InboxState = review?.state ?? 'received';
    if (filter.state !== undefined && filter.state !== state) continue;
    let team: InboxItem['team'] = null;
    if (review) {
      const r = await loadReview(deps.db, deps.packs, review.id);
      const res = teamResult(r);
      team = { total: res.total, verdict: res.verdict };
    }
    out.push({
      assessmentId,
      unit: { code: latest.unit_code, name: latest.unit_name, edition: latest.unit_edition },
      year: latest.year,
      state,
      reviewId: review?.id ?? null,
      latest,
      reviewedRevision: review?.subject_revision ?? null,
      newerRevision: review ? latest.revision > review.subject_revision : false,
      history,
      team,
      decidedAt: review?.decided_at ?? null,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Open / continue
// ---------------------------------------------------------------------------------------------------------------

/** The commune package a review should follow: the current revision of the assessment (never a conflict). */
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
  const pkg = await deps.db.selectFrom('package').selectAll().where('manifest_sha256', '=', manifestSha256).executeTakeFirst();
  if (!pkg) throw fieldError('not_found', 'manifestSha256', 'Không có gói hồ sơ này trong máy.', 'No such imported package.');
  if (pkg.kind !== 'self-assessment') {
    throw fieldError('not_a_self_assessment', 'manifestSha256', 'Chỉ thẩm định được gói tự đánh giá của xã.', "Only a commune's self-assessment package can be reviewed.");
  }
  const subject = await currentSubject(deps.db, pkg.assessment_id);
  packOf(deps.packs, subject);
  const existing = await deps.db.selectFrom('review').selectAll().where('assessment_id', '=', pkg.assessment_id).executeTakeFirst();
  const values = await deps.db.selectFrom('package_value').selectAll().where('manifest_sha256', '=', subject.manifest_sha256).execute();

  if (!existing) {
    const id = crypto.randomUUID();
    await deps.db.transaction().execute(async (trx) => {
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
    });
    return { id, started: true, continued: false };
  }
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
  // Continue from the newer revision.
  const old = new Map(
    (await deps.db.selectFrom('package_value').selectAll().where('manifest_sha256', '=', existing.subject_sha256).execute()).map((v) => [v.indicator_id, v]),
  );
  const team = new Map((await deps.db.selectFrom('review_value').selectAll().where('review_id', '=', existing.id).execute()).map((v) => [v.indicator_id, v]));
  const reset: string[] = [];
  await deps.db.transaction().execute(async (trx) => {
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
    const next = { ...existing, subject_sha256: subject.manifest_sha256, subject_revision: subject.revision };
    await trx
      .updateTable('review')
      .set({ subject_sha256: subject.manifest_sha256, subject_revision: subject.revision, state: 'in_review', reasons_json: '[]', decided_at: null, decided_by: null, dirty: 1, updated_at: actor.now })
      .where('id', '=', existing.id)
      .execute();
    await appendReviewAudit(trx, next, actor, 'continue', {
      old: { manifestSha256: existing.subject_sha256, revision: existing.subject_revision, state: existing.state },
      new: { manifestSha256: subject.manifest_sha256, revision: subject.revision, teamChangesReset: reset },
    });
  });
  return { id: existing.id, started: false, continued: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Changes (only while in review)
// ---------------------------------------------------------------------------------------------------------------

export function requireInReview(row: ReviewTable): void {
  if (row.state !== 'in_review') {
    throw fieldError(
      'review_decided',
      'id',
      'Cuộc thẩm định đã có quyết định nên chỉ được xem; hãy mở lại (kèm lý do) nếu cần sửa.',
      'The review has a decision and is read-only; reopen it (with a reason) to change it.',
    );
  }
}

export function requireIndicator(pack: LoadedPack, indicatorId: string) {
  for (const c of pack.pack.criteria) {
    const i = c.indicators.find((x) => x.id === indicatorId);
    if (i) return { ind: i, criterionId: c.id };
  }
  throw fieldError('invalid_input', 'indicatorId', `Trường indicatorId: không có chỉ tiêu "${indicatorId}".`, `Field indicatorId: no indicator "${indicatorId}".`);
}

export async function touch(trx: Db, id: string, now: string): Promise<void> {
  await trx.updateTable('review').set({ updated_at: now, dirty: 1 }).where('id', '=', id).execute();
}

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
  const r = await loadReview(deps.db, deps.packs, id);
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
  await deps.db.transaction().execute(async (trx) => {
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
  const r = await loadReview(deps.db, deps.packs, id);
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
  await deps.db.transaction().execute(async (trx) => {
    await upsertTeam(trx, r, indicatorId, criterionId, { override_points: override?.points ?? null, override_reason: reason }, actor.now);
    await touch(trx, id, actor.now);
    await appendReviewAudit(trx, r.row, actor, 'override', { target: indicatorId, old, new: override ? { points: override.points, reason } : null, reason });
  });
}

export async function setTeamNote(deps: ReviewDeps, id: string, indicatorId: string, note: string, actor: Actor): Promise<void> {
  const r = await loadReview(deps.db, deps.packs, id);
  requireInReview(r.row);
  const { criterionId } = requireIndicator(r.pack, indicatorId);
  const clean = note.normalize('NFC');
  const current = r.team.get(indicatorId);
  if ((current?.note ?? '') === clean) return;
  await deps.db.transaction().execute(async (trx) => {
    await upsertTeam(trx, r, indicatorId, criterionId, { note: clean }, actor.now);
    await touch(trx, id, actor.now);
    await appendReviewAudit(trx, r.row, actor, 'note', { target: indicatorId, old: current?.note ?? '', new: clean });
  });
}

export async function setFinding(deps: ReviewDeps, id: string, criterionId: string, text: string, actor: Actor): Promise<void> {
  const r = await loadReview(deps.db, deps.packs, id);
  requireInReview(r.row);
  if (!r.pack.pack.criteria.some((c) => c.id === criterionId)) {
    throw fieldError('invalid_input', 'criterionId', `Trường criterionId: không có tiêu chí "${criterionId}".`, `Field criterionId: no criterion "${criterionId}".`);
  }
  const clean = text.normalize('NFC');
  const current = r.findings.get(criterionId) ?? '';
  if (current === clean) return;
  await deps.db.transaction().execute(async (trx) => {
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
  const r = await loadReview(deps.db, deps.packs, id);
  requireInReview(r.row);
  const clean = members.map((m) => ({ name: m.name.normalize('NFC').trim(), title: m.title.normalize('NFC').trim() }));
  const json = JSON.stringify(clean);
  if (json === r.row.team_json) return;
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('review').set({ team_json: json, updated_at: actor.now, dirty: 1 }).where('id', '=', id).execute();
    await appendReviewAudit(trx, r.row, actor, 'team', { old: teamOf(r.row), new: clean });
  });
}

export async function decide(deps: ReviewDeps, id: string, decision: Decision, reasons: string[], actor: Actor): Promise<void> {
  const r = await loadReview(deps.db, deps.packs, id);
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
  await deps.db.transaction().execute(async (trx) => {
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
  const r = await loadReview(deps.db, deps.packs, id);
  if (r.row.state === 'in_review') return;
  const why = reason.normalize('NFC').trim();
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('review').set({ state: 'in_review', decided_at: null, decided_by: null, updated_at: actor.now, dirty: 1 }).where('id', '=', id).execute();
    await appendReviewAudit(trx, r.row, actor, 'reopen', { old: { state: r.row.state, reasons: reasonsOf(r.row) }, new: 'in_review', reason: why });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Review package
// ---------------------------------------------------------------------------------------------------------------

/** Findings per criterion as the package's one `findings` text ("Tiêu chí 2: …", in pack order). */
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
 */
export async function exportReview(
  deps: ReviewDeps & { app: { name: string; version: string }; trust: VerifyDeps['trust'] },
  id: string,
  signing: Signing,
  outDir: string,
  actor: Actor,
  /** The team's own evidence (files from the store), asked for only when a new package is written. */
  teamEvidence: () => Promise<NonNullable<ReviewInput['evidence']>> = async () => [],
): Promise<Exported & { revision: number; reused: boolean }> {
  const r = await loadReview(deps.db, deps.packs, id);
  if (r.row.state === 'in_review') {
    throw fieldError('not_decided', 'id', 'Chưa có quyết định thẩm định; hãy ra quyết định trước khi xuất gói.', 'The review has no decision yet; decide before exporting the package.');
  }
  if (r.row.dirty === 0 && r.row.export_file && r.row.export_sha256 && fs.existsSync(path.join(outDir, r.row.export_file))) {
    const file = path.join(outDir, r.row.export_file);
    return { file, fileName: r.row.export_file, size: fs.statSync(file).size, manifestSha256: r.row.export_sha256, revision: r.row.export_revision, reused: true } as Exported & {
      revision: number;
      reused: boolean;
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
  const trail = await reviewAudit(deps.db, id);
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
  );
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('review')
      .set({ export_sha256: written.manifestSha256, export_file: written.fileName, export_revision: revision, exported_at: actor.now, exported_by: actor.name, dirty: 0 })
      .where('id', '=', id)
      .execute();
    await appendReviewAudit(trx, r.row, actor, 'export', { new: { manifestSha256: written.manifestSha256, fileName: written.fileName, revision, keyId: signing.row.key_id } });
  });
  return { ...written, revision, reused: false };
}

export function evidenceStoreOf(dataDir: string): EvidenceStore {
  return new EvidenceStore(path.join(dataDir, 'evidence'));
}
