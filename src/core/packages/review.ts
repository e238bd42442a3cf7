import crypto from 'node:crypto';
import fs from 'node:fs';
import { CfcError } from '../errors';
import { scoreFast } from '../scoring/facts';
import { ASSESSMENT_FORMAT, FORMAT_VERSION, packageFileName, unitEditionOf, type AssessmentDoc, type AuditLine, type EvidenceMeta, type ReviewPart } from './format';
import { entriesOf, summaryOf, type ExportDeps, type Exported, type Signing } from './export';
import { requireCovers } from './trust';
import { verifyPackage, type Role, type VerifyDeps } from './verify';
import { throwIfCancelled } from '../cancel';
import { writePackage, type FileSource, type ManifestBody, type WriteOptions } from './writer';
import path from 'node:path';

export interface ReviewInput {
  /** The team's values, overrides and notes per indicator (same shapes as a self-assessment). */
  values: Record<string, unknown>;
  overrides?: Record<string, { points: number; reason: string }>;
  notes?: Record<string, string>;
  decision: ReviewPart['decision'];
  reasons: string[];
  findings: string;
  team: { name: string; title: string }[];
  /** The review's own revision (a returned dossier reviewed again is revision 2). */
  revision?: number;
  /** Evidence the team adds (files on disk). */
  evidence?: (Omit<EvidenceMeta, 'sha256' | 'size'> & { file: string })[];
  audit?: AuditLine[];
}

async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * A review package: the team's values, points and decision, signed by an assessor (or province) key, carrying the
 * commune's original package byte for byte under `inner/<sha256>.cfcpkg`. The inner package must verify (valid or
 * untrusted, never invalid) and be a self-assessment.
 */
export async function createReview(
  deps: Omit<ExportDeps, 'db' | 'evidence'> & Pick<VerifyDeps, 'trust'>,
  innerFile: string,
  input: ReviewInput,
  signing: Signing,
  out: string,
  who: { name: string; now: string },
  opts: WriteOptions = {},
): Promise<Exported> {
  const inner = await verifyPackage(innerFile, { packs: deps.packs, editions: deps.editions, trust: deps.trust });
  if (inner.outcome === 'invalid' || !inner.manifest || !inner.assessment || !inner.pack) {
    throw new CfcError('inner_invalid', {
      vi: `Gói của xã không hợp lệ (${inner.reasons.map((r) => r.code).join(', ')}); không lập được gói thẩm định.`,
      en: `The commune package is invalid (${inner.reasons.map((r) => r.code).join(', ')}); no review package was made.`,
    });
  }
  if (inner.manifest.kind !== 'self-assessment') {
    throw new CfcError('inner_invalid', { vi: 'Gói bên trong phải là gói tự đánh giá của xã.', en: "The inner package must be a commune's self-assessment." });
  }
  if (signing.row.role === 'commune') {
    throw new CfcError('key_outside_jurisdiction', { vi: 'Khóa của xã không ký được gói thẩm định.', en: 'A commune key cannot sign a review package.' }, { field: 'keyId' });
  }
  const im = inner.manifest;
  // The review names the unit as the commune's package does, in its edition (a version-1 package: 2025-03-01).
  const unitRef = { ...im.unit, catalogue: unitEditionOf(im) };
  requireCovers(deps.editions, signing.row, { edition: unitRef.catalogue, code: im.unit.code });
  const pack = inner.pack;
  const score = scoreFast({ pack: pack.pack.id, packVersion: pack.pack.version, unitClass: im.unit.unitClass, values: input.values, overrides: input.overrides ?? {} }, pack);
  throwIfCancelled(opts.signal);
  const { sha256: innerSha, size: innerSize } = await sha256File(innerFile);
  throwIfCancelled(opts.signal);
  const evidence: EvidenceMeta[] = [];
  const sources: FileSource[] = [];
  for (const e of input.evidence ?? []) {
    const { sha256, size } = await sha256File(e.file);
    const { file, ...meta } = e;
    evidence.push({ ...meta, sha256, size });
    sources.push({ sha256, size, file });
  }
  const signer = { name: signing.row.holder_name, title: signing.row.holder_title, organisation: signing.row.organisation, role: signing.row.role as Role };
  const revision = input.revision ?? 1;
  const doc: AssessmentDoc = {
    format: ASSESSMENT_FORMAT,
    formatVersion: FORMAT_VERSION,
    kind: 'review',
    assessmentId: im.assessmentId,
    revision,
    unit: { ...unitRef, unitClassReason: inner.assessment.unit.unitClassReason },
    period: im.period,
    pack: im.pack,
    entries: entriesOf(pack, score, (id) =>
      id in input.values || input.notes?.[id] || input.overrides?.[id]
        ? { value: input.values[id] ?? null, note: (input.notes?.[id] ?? '').normalize('NFC'), override: input.overrides?.[id] ?? null }
        : undefined,
    ),
    evidence,
    people: { createdBy: who.name, createdAt: who.now, submittedBy: who.name, submittedAt: who.now, signer },
    review: {
      subject: { packageSha256: innerSha, manifestSha256: inner.manifestSha256!, packageId: im.packageId, assessmentId: im.assessmentId, revision: im.revision },
      decision: input.decision,
      reasons: input.reasons.map((r) => r.normalize('NFC')),
      findings: input.findings.normalize('NFC'),
      team: input.team,
    },
  };
  const body: ManifestBody = {
    kind: 'review',
    packageId: crypto.randomUUID(),
    assessmentId: im.assessmentId,
    revision,
    supersedes: null,
    createdAt: who.now,
    app: deps.app,
    pack: im.pack,
    unit: unitRef,
    period: im.period,
    summary: summaryOf(score),
    signer,
  };
  const fileName = packageFileName(body);
  const dest = fs.existsSync(out) && fs.statSync(out).isDirectory() ? path.join(out, fileName) : out;
  const written = await writePackage(
    { manifest: body, assessment: doc, audit: input.audit ?? [], evidence: sources, inner: { sha256: innerSha, size: innerSize, file: innerFile } },
    signing.pair,
    dest,
    opts,
  );
  return { ...written, fileName };
}
