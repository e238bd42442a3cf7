import { sql } from 'kysely';
import { fingerprintOf } from '../packages/keys';
import type { DashboardDeps } from './read';
import type { CommuneStatus } from './rules';

/**
 * The drill-down of one commune: every package it has (self-assessments and reviews, every revision and state), per
 * year, with the chain of custody (who signed, with which key and its trust, who imported it and how it was decided)
 * and which one counts (from the counted table).
 */

export interface CustodyPackage {
  manifestSha256: string;
  kind: 'self-assessment' | 'review';
  packageId: string;
  assessmentId: string;
  revision: number;
  year: number;
  state: 'current' | 'superseded' | 'conflict';
  conflict: boolean;
  total: number;
  verdict: string;
  decision: string | null;
  decisionReasons: string[];
  provisional: boolean;
  unitClass: string;
  pack: string;
  createdAt: string;
  signer: { name: string; title: string; organisation: string; role: string; keyId: string; fingerprint: string; trust: 'trusted' | 'revoked' | 'unknown'; trustHolder: string | null };
  outcome: 'valid' | 'untrusted';
  trustDecision: 'verified' | 'accepted_untrusted';
  decisionReason: string | null;
  decidedBy: string;
  decidedAt: string;
  importedAt: string;
  importedBy: string;
  innerManifestSha256: string | null;
  /** The review that carries this commune package, if any. */
  reviewedBy: string[];
  counted: boolean;
  fileSize: number;
  criteria: { id: string; points: number }[];
}

export interface CommuneDetail {
  unit: { code: string; name: string; edition: string; ancestors: { code: string; name: string }[] };
  /** Per year (newest first): what counts, and every package (self and review, all revisions). */
  years: { year: number; status: CommuneStatus; countedSha256: string | null; packages: CustodyPackage[] }[];
  /**
   * A commune of a newer edition: the communes of the previous edition whose territory went into it (`deps.former`),
   * each with its own packages and results in its own edition (`whole`: all of it came here; else only part of it).
   */
  predecessors: (Omit<CommuneDetail, 'predecessors'> & { whole: boolean })[];
}

/**
 * One commune `(deps.units edition, unitCode)`: only its own packages — a package of another unit that had the same
 * code in another edition (29266 was Thị trấn Càng Long before 01/07/2025, is Xã Càng Long since) is not its own.
 */
export async function commune(deps: DashboardDeps, unitCode: string): Promise<CommuneDetail> {
  const own = await communeOnly(deps, unitCode);
  const former = deps.former;
  const predecessors = former
    ? await Promise.all(
        former.mapping
          .predecessors(unitCode)
          .filter((p) => former.units.record(p.code)?.level === 'commune')
          .map(async (p) => ({ ...(await communeOnly({ ...deps, units: former.units }, p.code)), whole: p.whole })),
      )
    : [];
  return { ...own, predecessors };
}

async function communeOnly(deps: DashboardDeps, unitCode: string): Promise<Omit<CommuneDetail, 'predecessors'>> {
  const unit = deps.units.require(unitCode, 'unitCode');
  const rows = await deps.db
    .selectFrom('package as p')
    .leftJoin('trusted_key as k', 'k.key_id', 'p.signer_key_id')
    .select([
      'p.manifest_sha256', 'p.kind', 'p.package_id', 'p.assessment_id', 'p.revision', 'p.year', 'p.state', 'p.conflict', 'p.total', 'p.verdict', 'p.provisional',
      'p.unit_class', 'p.pack_id', 'p.pack_version', 'p.created_at', 'p.signer_key_id', 'p.signer_name', 'p.signer_role', 'p.outcome', 'p.trust_decision',
      'p.decision_reason', 'p.decided_by', 'p.decided_at', 'p.imported_at', 'p.imported_by', 'p.inner_manifest_sha256', 'p.file_size', 'p.manifest_json',
      sql<string | null>`json_extract(p.assessment_json, '$.review.decision')`.as('decision'),
      sql<string | null>`json_extract(p.assessment_json, '$.review.reasons')`.as('reasons'),
      'k.status as key_status', 'k.holder_name as key_holder',
    ])
    .where('p.unit_code', '=', unitCode)
    .where('p.unit_edition', '=', deps.units.dataDate)
    .orderBy('p.year', 'desc')
    .orderBy('p.kind', 'desc')
    .orderBy('p.revision', 'desc')
    .orderBy('p.created_at', 'desc')
    .execute();
  const reviewedBy = new Map<string, string[]>();
  for (const r of rows) if (r.inner_manifest_sha256) reviewedBy.set(r.inner_manifest_sha256, [...(reviewedBy.get(r.inner_manifest_sha256) ?? []), r.manifest_sha256]);
  const yearsSeen = [...new Set(rows.map((r) => r.year))];
  const counted = yearsSeen.length
    ? await deps.db
        .selectFrom('counted')
        .select(['year', 'manifest_sha256', 'status'])
        .where('year', 'in', yearsSeen)
        .where('unit_edition', '=', deps.units.dataDate)
        .where('unit_code', '=', unitCode)
        .execute()
    : [];
  const countedOf = new Map(counted.map((c) => [c.year, c]));
  const out: CommuneDetail['years'] = [];
  for (const year of yearsSeen) {
    const c = countedOf.get(year);
    const packages = rows
      .filter((r) => r.year === year)
      .map((r): CustodyPackage => {
        const m = JSON.parse(r.manifest_json) as { signer: { title: string; organisation: string }; summary: { criteria: { id: string; points: number }[] } };
        return {
          manifestSha256: r.manifest_sha256,
          kind: r.kind,
          packageId: r.package_id,
          assessmentId: r.assessment_id,
          revision: r.revision,
          year: r.year,
          state: r.state,
          conflict: r.conflict === 1,
          total: r.total,
          verdict: r.verdict,
          decision: r.decision,
          decisionReasons: r.reasons ? (JSON.parse(r.reasons) as string[]) : [],
          provisional: r.provisional === 1,
          unitClass: r.unit_class,
          pack: `${r.pack_id}@${r.pack_version}`,
          createdAt: r.created_at,
          signer: {
            name: r.signer_name,
            title: m.signer.title,
            organisation: m.signer.organisation,
            role: r.signer_role,
            keyId: r.signer_key_id,
            fingerprint: fingerprintOf(r.signer_key_id),
            trust: r.key_status === 'trusted' ? 'trusted' : r.key_status === 'revoked' ? 'revoked' : 'unknown',
            trustHolder: r.key_holder ?? null,
          },
          outcome: r.outcome,
          trustDecision: r.trust_decision,
          decisionReason: r.decision_reason,
          decidedBy: r.decided_by,
          decidedAt: r.decided_at,
          importedAt: r.imported_at,
          importedBy: r.imported_by,
          innerManifestSha256: r.inner_manifest_sha256,
          reviewedBy: reviewedBy.get(r.manifest_sha256) ?? [],
          counted: r.manifest_sha256 === c?.manifest_sha256,
          fileSize: r.file_size,
          criteria: m.summary.criteria,
        };
      });
    out.push({ year, status: c?.status ?? 'not_assessed', countedSha256: c?.manifest_sha256 ?? null, packages });
  }
  return { unit: { code: unit.code, name: unit.name, edition: deps.units.dataDate, ancestors: deps.units.ancestors(unit.code).map((a) => ({ code: a.code, name: a.name })) }, years: out };
}
