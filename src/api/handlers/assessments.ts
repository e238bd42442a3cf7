import { packRegistry } from '../../core/criteria/registry';
import type { UnitClass } from '../../core/criteria/schema';
import {
  confirmCopied,
  createAssessment,
  duplicateAssessment,
  entryView,
  isSuperseded,
  loadRevision,
  newRevision,
  progressOf,
  scoreRevision,
  scoreRevisionFacts,
  setNote,
  setOverride,
  setUnitClass,
  setValue,
  submitAssessment,
  type Actor,
  type Deps,
} from '../../core/assessments/assessments';
import { CfcError } from '../../core/errors';
import { readProfile } from '../../core/store/profile';
import type { AssessmentDetail, AssessmentSummary, AuditEntry, EvidenceItem } from '../calls/assessments';
import type { EvidenceTable } from '../../core/store/schema';
import type { ServiceContext } from '../context';
import { copySources } from '../../core/assessments/across';
import type { Handlers } from './types';

export async function deps(ctx: ServiceContext): Promise<Deps> {
  return { db: (await ctx.store()).db, packs: packRegistry(ctx.resourcesDir, ctx.dataDir), units: ctx.units, editions: ctx.editions };
}

/** The person changing things: the profile's user. Without a profile nobody may write. */
export async function actor(ctx: ServiceContext): Promise<Actor> {
  const p = await readProfile((await ctx.store()).db);
  if (!p) {
    throw new CfcError('profile_required', {
      vi: 'Hãy thiết lập hồ sơ người dùng (vai trò, đơn vị, họ tên) trước khi nhập liệu.',
      en: 'Set up the user profile (role, unit, name) before entering data.',
    });
  }
  return { name: `${p.userName} (${p.userTitle})`, now: ctx.now() };
}

export function evidenceItemOf(e: EvidenceTable): EvidenceItem {
  return {
    id: e.id,
    indicatorId: e.indicator_id,
    sha256: e.sha256,
    name: e.name,
    mediaType: e.media_type,
    size: e.size,
    addedBy: e.added_by,
    addedAt: e.added_at,
    copied: e.copied === 1,
  };
}

export async function detail(ctx: ServiceContext, id: string): Promise<AssessmentDetail> {
  const d = await deps(ctx);
  const rev = await loadRevision(d.db, d.packs, id);
  const { row, pack } = rev;
  const copiedFrom = row.copied_from
    ? await d.db.selectFrom('assessment').select(['id', 'year']).where('id', '=', row.copied_from).executeTakeFirst()
    : undefined;
  return {
    id: row.id,
    assessmentId: row.assessment_id,
    revision: row.revision,
    status: row.status,
    readOnly: row.status !== 'draft',
    year: row.year,
    unit: ctx.editions.get(row.unit_edition).get(row.unit_code),
    unitClass: row.unit_class as UnitClass,
    unitClassDefault: ctx.editions.get(row.unit_edition).defaultUnitClass(row.unit_code),
    unitClassReason: row.unit_class_reason,
    pack: { id: pack.pack.id, version: pack.pack.version, sha256: pack.sha256, status: pack.pack.status, title: pack.pack.title },
    copiedFrom: copiedFrom ?? null,
    previousRevision: row.previous_revision,
    superseded: await isSuperseded(d.db, row),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    entries: Object.fromEntries([...rev.entries].map(([k, v]) => [k, entryView(v)])),
    evidence: rev.evidence.map(evidenceItemOf),
    result: scoreRevision(rev),
    progress: progressOf(rev),
  };
}

export const assessmentsHandlers: Handlers<
  | 'assessments.list'
  | 'assessments.create'
  | 'assessments.duplicate'
  | 'assessments.sources'
  | 'assessments.get'
  | 'assessments.setValue'
  | 'assessments.setNote'
  | 'assessments.setOverride'
  | 'assessments.confirmCopied'
  | 'assessments.setUnitClass'
  | 'assessments.submit'
  | 'assessments.newRevision'
  | 'audit.list'
> = {
  'assessments.list': async (input, ctx) => {
    const d = await deps(ctx);
    let q = d.db.selectFrom('assessment').select('id').orderBy('year', 'desc').orderBy('unit_code').orderBy('revision', 'desc');
    if (input.year !== undefined) q = q.where('year', '=', input.year);
    if (input.status !== undefined) q = q.where('status', '=', input.status);
    const ids = await q.execute();
    const items: AssessmentSummary[] = [];
    for (const { id } of ids) {
      const rev = await loadRevision(d.db, d.packs, id);
      const result = scoreRevisionFacts(rev);
      const progress = progressOf(rev);
      const unit = ctx.editions.get(rev.row.unit_edition).get(rev.row.unit_code);
      items.push({
        id,
        assessmentId: rev.row.assessment_id,
        revision: rev.row.revision,
        status: rev.row.status,
        year: rev.row.year,
        unit: { code: unit.code, name: unit.name, path: [unit.name, ...unit.ancestors.map((a) => a.name).reverse()].join(', '), edition: rev.row.unit_edition },
        unitClass: rev.row.unit_class as UnitClass,
        total: result.total,
        maxTotal: result.maxTotal,
        threshold: result.threshold,
        verdict: result.verdict,
        provisional: result.provisional,
        filled: progress.filled,
        indicators: progress.total,
        copiedFrom: rev.row.copied_from,
        superseded: await isSuperseded(d.db, rev.row),
        updatedAt: rev.row.updated_at,
      });
    }
    const years = await d.db.selectFrom('assessment').select('year').distinct().orderBy('year', 'desc').execute();
    return { items, years: years.map((y) => y.year) };
  },
  'assessments.create': async (input, ctx) => detail(ctx, await createAssessment(await deps(ctx), input, await actor(ctx))),
  'assessments.duplicate': async (input, ctx) => {
    const into = input.unitCode !== undefined ? { code: input.unitCode, edition: input.unitEdition } : undefined;
    const r = await duplicateAssessment(await deps(ctx), input.fromId, input.year, await actor(ctx), into);
    return { ...(await detail(ctx, r.id)), copied: r.copied };
  },
  'assessments.sources': async (input, ctx) => ({
    items: await copySources((await deps(ctx)).db, ctx.editions, { code: input.unitCode, edition: input.unitEdition ?? ctx.editions.currentEdition }, input.year),
  }),
  'assessments.get': async (input, ctx) => detail(ctx, input.id),
  'assessments.setValue': async (input, ctx) => setValue(await deps(ctx), input.id, input.indicatorId, input.value, await actor(ctx)),
  'assessments.setNote': async (input, ctx) => setNote(await deps(ctx), input.id, input.indicatorId, input.note, await actor(ctx)),
  'assessments.setOverride': async (input, ctx) =>
    setOverride(await deps(ctx), input.id, input.indicatorId, input.override, await actor(ctx)),
  'assessments.confirmCopied': async (input, ctx) => confirmCopied(await deps(ctx), input.id, input.indicatorId, await actor(ctx)),
  'assessments.setUnitClass': async (input, ctx) => {
    await setUnitClass(await deps(ctx), input.id, input.unitClass, input.reason, await actor(ctx));
    return detail(ctx, input.id);
  },
  'assessments.submit': async (input, ctx) => {
    await submitAssessment(await deps(ctx), input.id, await actor(ctx));
    return detail(ctx, input.id);
  },
  'assessments.newRevision': async (input, ctx) => detail(ctx, await newRevision(await deps(ctx), input.id, await actor(ctx))),
  'audit.list': async (input, ctx) => {
    const d = await deps(ctx);
    const rev = await loadRevision(d.db, d.packs, input.id);
    let q = d.db
      .selectFrom('audit')
      .innerJoin('assessment', 'assessment.id', 'audit.revision_id')
      .select([
        'audit.seq',
        'audit.revision_id',
        'assessment.revision',
        'audit.at',
        'audit.actor',
        'audit.action',
        'audit.indicator_id',
        'audit.old_json',
        'audit.new_json',
        'audit.reason',
      ])
      .where('audit.assessment_id', '=', rev.row.assessment_id)
      .orderBy('audit.seq');
    if (input.indicatorId !== undefined) q = q.where('audit.indicator_id', '=', input.indicatorId);
    const rows = await q.execute();
    return {
      items: rows.map(
        (r): AuditEntry => ({
          seq: r.seq,
          revisionId: r.revision_id,
          revision: r.revision,
          at: r.at,
          actor: r.actor,
          action: r.action as AuditEntry['action'],
          indicatorId: r.indicator_id,
          old: r.old_json === null ? null : JSON.parse(r.old_json),
          new: r.new_json === null ? null : JSON.parse(r.new_json),
          reason: r.reason,
        }),
      ),
    };
  },
};
