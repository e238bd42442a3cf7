import path from 'node:path';
import { packRegistry } from '../../core/criteria/registry';
import { CfcError } from '../../core/errors';
import { evidenceMetaOf } from '../../core/packages/format';
import { evidenceAvailable } from '../../core/evidence/hygiene';
import { fingerprintOf } from '../../core/packages/keys';
import { chooseSigningKey, trustLookup, unsealKey } from '../../core/packages/trust';
import type { MinutesReport } from '../../core/reports/minutes';
import {
  decide,
  evidenceStoreOf,
  exportReview,
  inbox,
  isChanged,
  loadReview,
  openReview,
  packageEvidenceId,
  reasonsOf,
  reopen,
  reviewAudit,
  selfResult,
  setFinding,
  setTeam,
  setTeamNote,
  setTeamOverride,
  setTeamValue,
  teamOf,
  teamResult,
  type ReviewDeps,
} from '../../core/reviews/reviews';
import { attachReviewEvidence, removeReviewEvidence, reviewEvidenceRows, reviewPackageEvidence } from '../../core/reviews/evidence';
import type { PackageTable, ReviewEvidenceTable } from '../../core/store/schema';
import { readProfile } from '../../core/store/profile';
import { asciiSlug } from '../../core/units/fold';
import type { ReviewDetailView, TeamEvidenceView } from '../calls/reviews';
import type { ServiceContext } from '../context';
import { actor } from './assessments';
import { evidenceStore, maxBytes } from './evidence';
import { reportWriters, writeReportFile } from './reports';
import type { Handlers } from './types';

async function reviewDeps(ctx: ServiceContext): Promise<ReviewDeps> {
  return { db: (await ctx.store()).db, packs: packRegistry(ctx.resourcesDir, ctx.dataDir), units: ctx.units, editions: ctx.editions, dataDir: ctx.dataDir };
}

/** "Huyện Càng Long, Tỉnh Trà Vinh": where a commune is, without its own name (the catalogue may not know it). */
function unitPath(ctx: ServiceContext, code: string, edition?: string): string {
  const units = (edition ? ctx.editions.find(edition) : null) ?? ctx.units;
  const r = units.record(code);
  if (!r) return '';
  return units
    .ancestors(code)
    .map((a) => a.name)
    .reverse()
    .join(', ');
}

function revisionItem(p: PackageTable) {
  return {
    manifestSha256: p.manifest_sha256,
    revision: p.revision,
    state: p.state,
    outcome: p.outcome,
    trustDecision: p.trust_decision,
    total: p.total,
    verdict: p.verdict,
    createdAt: p.created_at,
    importedAt: p.imported_at,
  };
}

function untrusted(p: PackageTable): string[] {
  return p.untrusted_reasons ? (JSON.parse(p.untrusted_reasons) as { code: string }[]).map((r) => r.code) : [];
}

function teamEvidenceOf(e: ReviewEvidenceTable, stored: boolean): TeamEvidenceView {
  return { id: e.id, indicatorId: e.indicator_id, sha256: e.sha256, name: e.name, mediaType: e.media_type, size: e.size, addedBy: e.added_by, addedAt: e.added_at, stored };
}

async function historyOf(d: ReviewDeps, assessmentId: string): Promise<PackageTable[]> {
  return d.db
    .selectFrom('package')
    .selectAll()
    .where('kind', '=', 'self-assessment')
    .where('assessment_id', '=', assessmentId)
    .orderBy('revision', 'desc')
    .orderBy('imported_at', 'desc')
    .execute();
}

export async function reviewView(ctx: ServiceContext, id: string): Promise<ReviewDetailView> {
  const d = await reviewDeps(ctx);
  const r = await loadReview(d.db, d.packs, id);
  const team = teamResult(r);
  const self = selfResult(r);
  const teamPts = new Map(team.criteria.flatMap((c) => c.indicators.map((i) => [i.id, i] as const)));
  const selfPts = new Map(self.criteria.flatMap((c) => c.indicators.map((i) => [i.id, i] as const)));
  const indicators: ReviewDetailView['indicators'] = {};
  let differences = 0;
  for (const c of r.pack.pack.criteria) {
    for (const ind of c.indicators) {
      const cv = r.commune.get(ind.id);
      const tv = r.team.get(ind.id);
      const tp = teamPts.get(ind.id)!;
      const sp = selfPts.get(ind.id)!;
      const changed = isChanged(cv, tv);
      if (changed) differences++;
      indicators[ind.id] = {
        criterionId: c.id,
        commune: {
          value: cv?.value_json ? (JSON.parse(cv.value_json) as unknown) : null,
          note: cv?.note ?? '',
          override: cv?.override_points == null ? null : { points: cv.override_points, reason: cv.override_reason ?? '' },
          computed: sp.computed,
          points: sp.points,
        },
        team: {
          value: tv?.value_json ? (JSON.parse(tv.value_json) as unknown) : null,
          note: tv?.note ?? '',
          override: tv?.override_points == null ? null : { points: tv.override_points, reason: tv.override_reason ?? '' },
          computed: tp.computed,
          points: tp.points,
          reason: tv?.reason ?? null,
        },
        changed,
        delta: tp.points - sp.points,
      };
    }
  }
  const history = await historyOf(d, r.row.assessment_id);
  const newest = history[0];
  const store = evidenceStoreOf(ctx.dataDir);
  const evidence = await d.db.selectFrom('package_evidence').selectAll().where('manifest_sha256', '=', r.row.subject_sha256).orderBy('ord').execute();
  const teamEvidence = (await reviewEvidenceRows(d.db, r.row.id)).map((e) => teamEvidenceOf(e, store.has(e.sha256, e.size)));
  const s = r.subject;
  return {
    id: r.row.id,
    assessmentId: r.row.assessment_id,
    state: r.row.state,
    readOnly: r.row.state !== 'in_review',
    unit: { code: s.unit_code, name: s.unit_name, path: unitPath(ctx, s.unit_code, s.unit_edition) },
    year: s.year,
    unitClass: s.unit_class,
    pack: { id: s.pack_id, version: s.pack_version, sha256: s.pack_sha256 },
    subject: { ...revisionItem(s), signerName: s.signer_name, untrustedReasons: untrusted(s), decisionReason: s.decision_reason },
    newerRevision: newest && newest.revision > r.row.subject_revision ? newest.revision : null,
    history: history.map(revisionItem),
    indicators,
    findings: Object.fromEntries(r.findings),
    team: teamOf(r.row),
    reasons: reasonsOf(r.row),
    decidedBy: r.row.decided_by,
    decidedAt: r.row.decided_at,
    selfResult: self,
    result: team,
    differences,
    evidence: evidence.map((e) => ({ previewId: packageEvidenceId(e.sha256), ...evidenceMetaOf(e), stored: evidenceAvailable(store, ctx.dataDir, r.row.subject_sha256, e) })),
    teamEvidence,
    exported:
      r.row.export_sha256 && r.row.export_file && r.row.exported_at
        ? {
            fileName: r.row.export_file,
            manifestSha256: r.row.export_sha256,
            revision: r.row.export_revision,
            exportedAt: r.row.exported_at,
            exportedBy: r.row.exported_by ?? '',
            upToDate: r.row.dirty === 0,
          }
        : null,
    createdBy: r.row.created_by,
    createdAt: r.row.created_at,
    updatedAt: r.row.updated_at,
  };
}


/** The minutes' content from a review and the profile (the team's organisation issues them). */
export async function minutesReport(ctx: ServiceContext, id: string): Promise<MinutesReport> {
  const d = await reviewDeps(ctx);
  const r = await loadReview(d.db, d.packs, id);
  const profile = await readProfile(d.db);
  const units = ctx.editions.find(r.subject.unit_edition) ?? ctx.units;
  const rec = units.record(r.subject.unit_code);
  const ancestors = rec ? units.ancestors(r.subject.unit_code).map((a) => ({ code: a.code, name: a.name, level: a.level })) : [];
  const own = profile ? ctx.editions.find(profile.unitEdition)?.record(profile.unitCode) ?? null : null;
  const bare = (name: string, type: string) => name.replace(new RegExp(`^${type}\\s+`), '');
  const values = (m: Map<string, { indicator_id: string; value_json: string | null }>) =>
    Object.fromEntries([...m.values()].filter((v) => v.value_json !== null).map((v) => [v.indicator_id, JSON.parse(v.value_json!) as unknown]));
  return {
    unit: { code: r.subject.unit_code, name: r.subject.unit_name, type: rec?.type ?? '', ancestors },
    year: r.subject.year,
    subject: { revision: r.subject.revision, manifestSha256: r.subject.manifest_sha256, signerName: r.subject.signer_name, outcome: r.subject.outcome },
    place: own ? bare(own.name, own.type) : bare(r.subject.unit_name, rec?.type ?? ''),
    date: ctx.now(),
    organisation: profile?.organisation || (own ? `Ủy ban nhân dân ${own.name}` : 'Đoàn thẩm định'),
    team: teamOf(r.row),
    self: selfResult(r),
    result: teamResult(r),
    selfValues: values(r.commune),
    teamValues: values(r.team),
    changeReasons: Object.fromEntries([...r.team.values()].filter((v) => v.reason).map((v) => [v.indicator_id, v.reason!])),
    teamNotes: Object.fromEntries([...r.team.values()].filter((v) => v.note.trim()).map((v) => [v.indicator_id, v.note.trim()])),
    findings: Object.fromEntries(r.findings),
    decision: r.row.state === 'in_review' ? null : r.row.state,
    reasons: reasonsOf(r.row),
  };
}

type Names =
  | 'reviews.inbox'
  | 'reviews.open'
  | 'reviews.get'
  | 'reviews.setValue'
  | 'reviews.setOverride'
  | 'reviews.setNote'
  | 'reviews.setFinding'
  | 'reviews.setTeam'
  | 'reviews.decide'
  | 'reviews.reopen'
  | 'reviews.attachEvidence'
  | 'reviews.removeEvidence'
  | 'reviews.minutes'
  | 'reviews.export'
  | 'reviews.audit';

const MEDIA = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
} as const;

export const reviewsHandlers: Handlers<Names> = {
  'reviews.inbox': async (input, ctx) => {
    const d = await reviewDeps(ctx);
    const items = await inbox(d, { year: input.year, state: input.state });
    const years = (await d.db.selectFrom('package').select('year').distinct().where('kind', '=', 'self-assessment').orderBy('year', 'desc').execute()).map((y) => y.year);
    return {
      years,
      items: items.map((i) => ({
        assessmentId: i.assessmentId,
        unit: { ...i.unit, path: unitPath(ctx, i.unit.code, i.unit.edition) },
        year: i.year,
        state: i.state,
        reviewId: i.reviewId,
        latest: {
          ...revisionItem(i.latest),
          signerName: i.latest.signer_name,
          untrustedReasons: untrusted(i.latest),
          decisionReason: i.latest.decision_reason,
          provisional: i.latest.provisional === 1,
        },
        reviewedRevision: i.reviewedRevision,
        newerRevision: i.newerRevision,
        history: i.history.map(revisionItem),
        self: { total: i.latest.total, verdict: i.latest.verdict },
        team: i.team ? { total: i.team.total, verdict: i.team.verdict as 'recognised' | 'not_recognised' | 'incomplete' } : null,
        decidedAt: i.decidedAt,
      })),
    };
  },
  'reviews.open': async (input, ctx) => openReview(await reviewDeps(ctx), input.manifestSha256, await actor(ctx)),
  'reviews.get': async (input, ctx) => reviewView(ctx, input.id),
  'reviews.setValue': async (input, ctx) => {
    await setTeamValue(await reviewDeps(ctx), input.id, input.indicatorId, input.value, input.reason, await actor(ctx));
    return reviewView(ctx, input.id);
  },
  'reviews.setOverride': async (input, ctx) => {
    await setTeamOverride(await reviewDeps(ctx), input.id, input.indicatorId, input.override, await actor(ctx));
    return reviewView(ctx, input.id);
  },
  'reviews.setNote': async (input, ctx) => {
    await setTeamNote(await reviewDeps(ctx), input.id, input.indicatorId, input.note, await actor(ctx));
    return reviewView(ctx, input.id);
  },
  'reviews.setFinding': async (input, ctx) => {
    await setFinding(await reviewDeps(ctx), input.id, input.criterionId, input.text, await actor(ctx));
    return reviewView(ctx, input.id);
  },
  'reviews.setTeam': async (input, ctx) => {
    await setTeam(await reviewDeps(ctx), input.id, input.members, await actor(ctx));
    return reviewView(ctx, input.id);
  },
  'reviews.decide': async (input, ctx) => {
    await decide(await reviewDeps(ctx), input.id, input.decision, input.reasons, await actor(ctx));
    return reviewView(ctx, input.id);
  },
  'reviews.reopen': async (input, ctx) => {
    await reopen(await reviewDeps(ctx), input.id, input.reason, await actor(ctx));
    return reviewView(ctx, input.id);
  },
  'reviews.attachEvidence': async (input, ctx) => {
    const store = evidenceStore(ctx);
    const r = await attachReviewEvidence(await reviewDeps(ctx), store, input.id, input.indicatorId, input.files, await maxBytes(ctx), await actor(ctx));
    return { items: r.items.map((e) => teamEvidenceOf(e, true)), storedOnce: r.storedOnce, review: await reviewView(ctx, input.id) };
  },
  'reviews.removeEvidence': async (input, ctx) => {
    const store = evidenceStore(ctx);
    const r = await removeReviewEvidence(await reviewDeps(ctx), store, input.id, input.evidenceId, input.reason, await actor(ctx));
    return { removed: teamEvidenceOf(r.removed, store.has(r.removed.sha256, r.removed.size)), fileReleased: r.fileReleased, review: await reviewView(ctx, input.id) };
  },
  'reviews.minutes': async (input, ctx) => {
    const report = await minutesReport(ctx, input.id);
    const fontsDir = path.join(ctx.resourcesDir, 'fonts');
    const { renderMinutesDocx, renderMinutesPdf } = await reportWriters.minutes();
    const fileName = `BienBan-ThamDinh_${report.unit.code}_${asciiSlug(report.unit.name)}_${report.year}_lan${report.subject.revision}.${input.format}`;
    const w = await writeReportFile(ctx, fileName, () => (input.format === 'docx' ? renderMinutesDocx(report) : renderMinutesPdf(report, { fontsDir })));
    return { ...w, mediaType: MEDIA[input.format] };
  },
  'reviews.export': async (input, ctx) => {
    const d = await reviewDeps(ctx);
    const who = await actor(ctx);
    // Say what is missing in the order a person fixes it: the decision first, then the key.
    if ((await loadReview(d.db, d.packs, input.id)).row.state === 'in_review') {
      throw new CfcError('not_decided', { vi: 'Chưa có quyết định thẩm định; hãy ra quyết định trước khi xuất gói.', en: 'The review has no decision yet; decide before exporting the package.' }, { field: 'id' });
    }
    const row = await chooseSigningKey(d.db, input.keyId);
    if (row.role === 'commune') {
      throw new CfcError('key_outside_jurisdiction', { vi: 'Khóa của xã không ký được gói thẩm định.', en: 'A commune key cannot sign a review package.' }, { field: 'keyId' });
    }
    const pair = unsealKey(row, { secrets: ctx.secrets, passphrase: input.passphrase });
    const out = path.join(ctx.dataDir, 'exports');
    const exportDeps = { ...d, app: { name: ctx.app.name, version: ctx.app.version }, trust: await trustLookup(d.db) };
    // The team's own evidence goes in too, the files read from the content-addressed store.
    const w = await exportReview(exportDeps, input.id, { row, pair }, out, who, () => reviewPackageEvidence(d.db, evidenceStore(ctx), input.id, ctx.dataDir), {
      onProgress: ctx.progress,
      signal: ctx.signal,
    });
    return { file: w.file, fileName: w.fileName, size: w.size, manifestSha256: w.manifestSha256, revision: w.revision, reused: w.reused, keyId: row.key_id, fingerprint: fingerprintOf(row.key_id) };
  },
  'reviews.audit': async (input, ctx) => ({ items: await reviewAudit((await ctx.store()).db, input.id) }),
};
