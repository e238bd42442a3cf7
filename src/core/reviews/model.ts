import canonicalize from 'canonicalize';
import type { Kysely, Transaction } from 'kysely';
import type { PackRegistry } from '../criteria/registry';
import type { LoadedPack } from '../criteria/schema';
import { CfcError } from '../errors';
import { assess, type Assessment } from '../scoring/assess';
import type { Database, PackageTable, PackageValueTable, ReviewTable, ReviewValueTable } from '../store/schema';
import type { UnitCatalogue } from '../units/catalogue';
import type { UnitEditions } from '../units/editions';

/**
 * What a review is made of, how it is loaded and scored, and the checks every change makes (see `reviews.ts` for the
 * rules of the life cycle).
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
export function fieldError(code: string, field: string, vi: string, en: string): CfcError {
  return new CfcError(code, { vi, en }, { field });
}
export function notFound(id: string): CfcError {
  return fieldError('not_found', 'id', `Không tìm thấy cuộc thẩm định ${id}.`, `No review ${id}.`);
}

/** Canonical JSON of a stored value (so key order never makes a difference), or null. */
export function canonicalValue(json: string | null): string | null {
  if (json === null) return null;
  return canonicalize(JSON.parse(json)) ?? null;
}
export function sameOverride(a: { override_points: number | null; override_reason: string | null }, b: { override_points: number | null; override_reason: string | null }): boolean {
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
export interface LoadedReview {
  row: ReviewTable;
  subject: PackageTable;
  pack: LoadedPack;
  commune: Map<string, PackageValueTable>;
  team: Map<string, ReviewValueTable>;
  findings: Map<string, string>;
}
export function packOf(packs: PackRegistry, p: PackageTable): LoadedPack {
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
export function scoreInput(pack: LoadedPack, unitClass: string, rows: Iterable<{ indicator_id: string; value_json: string | null; override_points: number | null; override_reason: string | null }>) {
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
