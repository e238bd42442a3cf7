import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { loadRevision, scoreRevision } from '../assessments/assessments';
import type { PackRegistry } from '../criteria/registry';
import type { LoadedPack } from '../criteria/schema';
import { CfcError } from '../errors';
import type { EvidenceStore } from '../evidence/store';
import { evidenceMediaType } from '../evidence/store';
import { ensureEvidence } from '../evidence/hygiene';
import { scoreFast } from '../scoring/facts';
import type { Scored } from '../scoring/facts';
import type { Database, SigningKeyTable } from '../store/schema';
import { resolveUnitForYear } from '../units/current';
import { BASE_EDITION, type UnitEditions } from '../units/editions';
import { ASSESSMENT_FORMAT, evidenceMetaOf, FORMAT_VERSION, packageFileName, type AssessmentDoc, type AuditLine, type EvidenceMeta, type Summary } from './format';
import type { KeyPair } from './keys';
import { requireCovers } from './trust';
import type { Role } from './verify';
import { writePackage, type FileSource, type ManifestBody, type WriteOptions, type Written } from './writer';

export interface ExportDeps {
  db: Kysely<Database>;
  packs: PackRegistry;
  /** The catalogue editions: a unit is named in its own edition. */
  editions: UnitEditions;
  evidence: EvidenceStore;
  app: { name: string; version: string };
}

export interface Signing {
  row: SigningKeyTable;
  pair: KeyPair;
}

export interface Exported extends Written {
  fileName: string;
}

export function summaryOf(score: Scored): Summary {
  return {
    total: score.total,
    maxTotal: score.maxTotal,
    threshold: score.threshold,
    criteria: score.criteria.map((c) => ({ id: c.id, points: c.points })),
    verdict: score.verdict,
    provisional: score.provisional,
  };
}

/** The unit as the manifest names it, from its catalogue edition (parents from the province down; format version 2). */
export function unitRef(editions: UnitEditions, edition: string, code: string, unitClass: string) {
  const units = editions.get(edition, 'unitEdition');
  const u = units.require(code, 'unitCode');
  return {
    code: u.code,
    name: u.name,
    type: u.type,
    unitClass: unitClass as 'urban_ward' | 'mountain_island_disadvantaged' | 'other',
    parentCodes: units.ancestors(code).map((a) => a.code),
    catalogue: edition,
  };
}

/** Every indicator of the pack with its value, note, override and the points the engine gives. */
export function entriesOf(
  pack: LoadedPack,
  score: Scored,
  get: (id: string) => { value: unknown; note: string; override: { points: number; reason: string } | null } | undefined,
): AssessmentDoc['entries'] {
  const out: AssessmentDoc['entries'] = {};
  const results = new Map(score.criteria.flatMap((c) => c.indicators.map((i) => [i.id, i] as const)));
  for (const c of pack.pack.criteria) {
    for (const i of c.indicators) {
      const e = get(i.id);
      const r = results.get(i.id)!;
      out[i.id] = { value: e?.value ?? null, note: e?.note ?? '', override: e?.override ?? null, computed: r.computed, points: r.points };
    }
  }
  return out;
}

function target(out: string, fileName: string): string {
  return fs.existsSync(out) && fs.statSync(out).isDirectory() ? path.join(out, fileName) : out;
}

/**
 * Exports a submitted revision as a signed self-assessment package. The same revision exported again with the same key
 * keeps its package id and time, so it is the same package (byte for byte), never a conflict at the recipient.
 * `out` is a file, or a folder to put the package in under its recognisable name.
 */
export async function exportRevision(
  deps: ExportDeps,
  revisionId: string,
  signing: Signing,
  out: string,
  who: { name: string; now: string },
  opts: WriteOptions = {},
): Promise<Exported> {
  const rev = await loadRevision(deps.db, deps.packs, revisionId);
  const { row } = rev;
  if (row.status !== 'submitted') {
    throw new CfcError(
      'not_submitted',
      {
        vi: `Chỉ xuất gói được từ bản đã nộp; bản năm ${row.year} (lần ${row.revision}) vẫn đang soạn.`,
        en: `Only a submitted revision can be exported; the ${row.year} assessment (revision ${row.revision}) is still a draft.`,
      },
      { field: 'id' },
    );
  }
  requireCovers(deps.editions, signing.row, { edition: row.unit_edition, code: row.unit_code });
  const score = scoreRevision(rev);
  const before = await deps.db
    .selectFrom('package_export')
    .selectAll()
    .where('revision_id', '=', row.id)
    .where('key_id', '=', signing.row.key_id)
    .executeTakeFirst();
  const supersedes = row.previous_revision
    ? ((
        await deps.db
          .selectFrom('package_export')
          .select('manifest_sha256')
          .where('revision_id', '=', row.previous_revision)
          .orderBy('exported_at', 'desc')
          .executeTakeFirst()
      )?.manifest_sha256 ?? null)
    : null;
  const audit = await deps.db
    .selectFrom('audit')
    .innerJoin('assessment', 'assessment.id', 'audit.revision_id')
    .select(['audit.seq', 'assessment.revision', 'audit.at', 'audit.actor', 'audit.action', 'audit.indicator_id', 'audit.old_json', 'audit.new_json', 'audit.reason'])
    .where('audit.assessment_id', '=', row.assessment_id)
    .where('assessment.revision', '<=', row.revision)
    .orderBy('audit.seq')
    .execute();
  const lines: AuditLine[] = audit.map((a) => ({
    seq: a.seq,
    revision: a.revision,
    at: a.at,
    actor: a.actor,
    action: a.action,
    indicatorId: a.indicator_id,
    old: a.old_json === null ? null : (JSON.parse(a.old_json) as unknown),
    new: a.new_json === null ? null : (JSON.parse(a.new_json) as unknown),
    reason: a.reason,
  }));
  const submit = audit.filter((a) => a.action === 'submit' && a.revision === row.revision).pop();
  const evidence: EvidenceMeta[] = rev.evidence.map(evidenceMetaOf);
  // Each file intact before it is signed into the package (repaired from a package or upload that carries it).
  for (const e of evidence) await ensureEvidence({ db: deps.db, dataDir: path.dirname(deps.evidence.dir) }, deps.evidence, e);
  const sources: FileSource[] = evidence.map((e) => ({ sha256: e.sha256, size: e.size, file: deps.evidence.pathOf(e.sha256) }));
  const unit = unitRef(deps.editions, row.unit_edition, row.unit_code, row.unit_class);
  const signer = { name: signing.row.holder_name, title: signing.row.holder_title, organisation: signing.row.organisation, role: signing.row.role as Role };
  const packRef = { id: rev.pack.pack.id, version: rev.pack.pack.version, sha256: rev.pack.sha256 };
  const doc: AssessmentDoc = {
    format: ASSESSMENT_FORMAT,
    formatVersion: FORMAT_VERSION,
    kind: 'self-assessment',
    assessmentId: row.assessment_id,
    revision: row.revision,
    unit: { ...unit, unitClassReason: row.unit_class_reason },
    period: { year: row.year },
    pack: packRef,
    entries: entriesOf(rev.pack, score, (id) => {
      const v = rev.entries.get(id);
      if (!v) return undefined;
      return {
        value: v.value_json === null ? null : (JSON.parse(v.value_json) as unknown),
        note: v.note,
        override: v.override_points === null ? null : { points: v.override_points, reason: v.override_reason ?? '' },
      };
    }),
    evidence,
    people: { createdBy: row.created_by, createdAt: row.created_at, submittedBy: submit?.actor ?? null, submittedAt: row.submitted_at, signer },
    review: null,
  };
  const body: ManifestBody = {
    kind: 'self-assessment',
    packageId: before?.package_id ?? crypto.randomUUID(),
    assessmentId: row.assessment_id,
    revision: row.revision,
    supersedes,
    createdAt: before?.created_at ?? who.now,
    app: { name: deps.app.name, version: before?.app_version ?? deps.app.version },
    pack: packRef,
    unit,
    period: { year: row.year },
    summary: summaryOf(score),
    signer,
  };
  const fileName = packageFileName(body);
  for (const s of sources) {
    if (!fs.existsSync(s.file)) {
      throw new CfcError('evidence_missing', {
        vi: `Thiếu tệp minh chứng ${s.sha256.slice(0, 12)}… trong kho; không tạo được gói.`,
        en: `The evidence file ${s.sha256.slice(0, 12)}… is missing from the store; the package was not made.`,
      });
    }
  }
  const written = await writePackage({ manifest: body, assessment: doc, audit: lines, evidence: sources }, signing.pair, target(out, fileName), opts);
  await deps.db
    .insertInto('package_export')
    .values({
      revision_id: row.id,
      key_id: signing.row.key_id,
      package_id: body.packageId,
      created_at: body.createdAt,
      app_version: body.app.version,
      manifest_sha256: written.manifestSha256,
      file_name: fileName,
      exported_at: who.now,
      exported_by: who.name,
    })
    .onConflict((oc) => oc.columns(['revision_id', 'key_id']).doUpdateSet({ manifest_sha256: written.manifestSha256, exported_at: who.now, exported_by: who.name }))
    .execute();
  return { ...written, fileName };
}

// ---------------------------------------------------------------------------------------------------------------
// `cfc package create --input FILE [--evidence DIR]`
// ---------------------------------------------------------------------------------------------------------------

export const packageInputSchema = z
  .object({
    pack: z.string().min(1),
    packVersion: z.string().optional(),
    unitClass: z.enum(['urban_ward', 'mountain_island_disadvantaged', 'other']),
    unitClassReason: z.string().max(2000).optional(),
    unitCode: z.string().regex(/^\d{5}$/, 'a commune GSO code (5 digits)'),
    /** The catalogue edition of unitCode (YYYY-MM-DD); the current edition when absent. */
    unitEdition: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a catalogue edition date YYYY-MM-DD').optional(),
    year: z.number().int().min(2019).max(2100),
    values: z.record(z.string(), z.unknown()),
    overrides: z.record(z.string(), z.object({ points: z.number().int().min(0), reason: z.string().trim().min(1) })).optional(),
    notes: z.record(z.string(), z.string().max(20_000)).optional(),
    assessmentId: z.string().uuid().optional(),
    revision: z.number().int().min(1).max(1000).optional(),
    supersedes: z.string().regex(/^[0-9a-f]{64}$/).nullable().optional(),
    /** Evidence files (paths relative to --evidence DIR) per indicator id; without it, every file of DIR, unlinked. */
    evidence: z.record(z.string(), z.array(z.string().min(1))).optional(),
  })
  .passthrough();
export type PackageInput = z.infer<typeof packageInputSchema>;

function inputError(field: string, en: string, vi: string): CfcError {
  return new CfcError('invalid_input', { vi: `Trường ${field}: ${vi}`, en: `Field ${field}: ${en}` }, { field });
}

async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * A stable assessment id for a commune and year when the input names none (so revisions of one file line up). The
 * edition is part of it (a reused code is another commune); for 2025-03-01 the id is the one made before editions.
 */
export function derivedAssessmentId(unitCode: string, year: number, edition: string = BASE_EDITION): string {
  const seed = edition === BASE_EDITION ? `cfc-assessment:${unitCode}:${year}` : `cfc-assessment:${edition}:${unitCode}:${year}`;
  const h = crypto.createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** A signed self-assessment package from a score input file (product.md's format plus unit, year and evidence). */
export async function createFromInput(
  deps: Omit<ExportDeps, 'db' | 'evidence'>,
  raw: unknown,
  evidenceDir: string | null,
  signing: Signing,
  out: string,
  who: { name: string; now: string },
  opts: WriteOptions = {},
): Promise<Exported> {
  const parsed = packageInputSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const field = i.path.join('.') || 'input';
    throw inputError(field, i.message, i.message);
  }
  const input = parsed.data;
  const pack = deps.packs.require(input.pack, input.packVersion, input.packVersion ? 'packVersion' : 'pack');
  // The same rule as creating an assessment: from 2025 on, only a unit of the current edition (successors named).
  const { catalogue, unit } = resolveUnitForYear(deps.editions, input);
  requireCovers(deps.editions, signing.row, { edition: catalogue.dataDate, code: unit.code });
  const score = scoreFast({ pack: pack.pack.id, packVersion: pack.pack.version, unitClass: input.unitClass, values: input.values, overrides: input.overrides ?? {} }, pack);
  const indicatorIds = new Set(pack.pack.criteria.flatMap((c) => c.indicators.map((i) => i.id)));
  for (const id of Object.keys(input.notes ?? {})) if (!indicatorIds.has(id)) throw inputError(`notes.${id}`, `no indicator "${id}"`, `không có chỉ tiêu "${id}"`);

  // Evidence: named per indicator, or every file of the folder.
  const files: { rel: string; indicatorId: string | null }[] = [];
  if (input.evidence) {
    if (!evidenceDir) throw inputError('evidence', 'the input lists evidence files: give --evidence DIR', 'tệp số liệu liệt kê minh chứng: hãy chỉ ra --evidence DIR');
    for (const [id, list] of Object.entries(input.evidence)) {
      if (!indicatorIds.has(id)) throw inputError(`evidence.${id}`, `no indicator "${id}"`, `không có chỉ tiêu "${id}"`);
      for (const rel of list) files.push({ rel, indicatorId: id });
    }
  } else if (evidenceDir) {
    const walk = (d: string, prefix: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
        else if (e.isFile()) files.push({ rel: `${prefix}${e.name}`, indicatorId: null });
      }
    };
    walk(evidenceDir, '');
  }
  const root = evidenceDir ? path.resolve(evidenceDir) : '';
  const evidence: EvidenceMeta[] = [];
  const sources: FileSource[] = [];
  for (const f of files) {
    const abs = path.resolve(root, f.rel);
    if (path.relative(root, abs).startsWith('..') || !fs.existsSync(abs) || !fs.statSync(abs).isFile()) {
      throw inputError('evidence', `"${f.rel}" is not a file inside the evidence folder`, `"${f.rel}" không phải tệp trong thư mục minh chứng`);
    }
    const name = path.basename(f.rel).normalize('NFC');
    const mediaType = evidenceMediaType(name);
    const { sha256, size } = await hashFile(abs);
    evidence.push({ sha256, name, mediaType, size, indicatorId: f.indicatorId, addedBy: signing.row.holder_name, addedAt: who.now });
    sources.push({ sha256, size, file: abs });
  }

  const assessmentId = input.assessmentId ?? derivedAssessmentId(unit.code, input.year, catalogue.dataDate);
  const revision = input.revision ?? 1;
  const ref = unitRef(deps.editions, catalogue.dataDate, unit.code, input.unitClass);
  const signer = { name: signing.row.holder_name, title: signing.row.holder_title, organisation: signing.row.organisation, role: signing.row.role as Role };
  const packRef = { id: pack.pack.id, version: pack.pack.version, sha256: pack.sha256 };
  const doc: AssessmentDoc = {
    format: ASSESSMENT_FORMAT,
    formatVersion: FORMAT_VERSION,
    kind: 'self-assessment',
    assessmentId,
    revision,
    unit: { ...ref, unitClassReason: input.unitClassReason ?? null },
    period: { year: input.year },
    pack: packRef,
    entries: entriesOf(pack, score, (id) =>
      id in input.values || input.notes?.[id] || input.overrides?.[id]
        ? { value: input.values[id] ?? null, note: (input.notes?.[id] ?? '').normalize('NFC'), override: input.overrides?.[id] ?? null }
        : undefined,
    ),
    evidence,
    people: { createdBy: signer.name, createdAt: who.now, submittedBy: signer.name, submittedAt: who.now, signer },
    review: null,
  };
  const lines: AuditLine[] = [
    { seq: 1, revision, at: who.now, actor: who.name, action: 'package_create', indicatorId: null, old: null, new: { source: 'input file', total: score.total, verdict: score.verdict }, reason: null },
  ];
  const body: ManifestBody = {
    kind: 'self-assessment',
    packageId: crypto.randomUUID(),
    assessmentId,
    revision,
    supersedes: input.supersedes ?? null,
    createdAt: who.now,
    app: deps.app,
    pack: packRef,
    unit: ref,
    period: { year: input.year },
    summary: summaryOf(score),
    signer,
  };
  const fileName = packageFileName(body);
  const written = await writePackage({ manifest: body, assessment: doc, audit: lines, evidence: sources }, signing.pair, target(out, fileName), opts);
  return { ...written, fileName };
}
