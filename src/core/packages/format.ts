import { z } from 'zod';
import { asciiSlug } from '../units/fold';

/**
 * Signed package format (product.md, "Signed package format"; FORMAT.md in this folder). Version 2 names the unit's
 * catalogue edition (`unit.catalogue`); version 1 packages, written before editions, are read as edition 2025-03-01.
 */
export const FORMAT = 'cfc-package';
export const FORMAT_VERSION = 2;
/** Every version this verifier reads. */
export const FORMAT_VERSIONS = [1, 2] as const;
/** The catalogue edition of a version-1 package's unit. */
export const V1_UNIT_EDITION = '2025-03-01';
export const ASSESSMENT_FORMAT = 'cfc-assessment';
export const PUBLIC_KEY_FORMAT = 'cfc-public-key';
export const EXTENSION = '.cfcpkg';

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';
export const ASSESSMENT = 'assessment.json';
export const AUDIT = 'audit.jsonl';

/** The bounds a verifier enforces before it reads or inflates anything. */
export interface Limits {
  /** Size of the package file itself. */
  maxPackageBytes: number;
  maxEntries: number;
  maxManifestBytes: number;
  maxSignatureBytes: number;
  maxAssessmentBytes: number;
  maxAuditBytes: number;
  /** Sum of the uncompressed sizes of all entries. */
  maxTotalBytes: number;
  /** Uncompressed / compressed, for deflated entries larger than `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
  maxNameBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxPackageBytes: 16 * 1024 ** 3,
  maxEntries: 10_000,
  maxManifestBytes: 4 * 1024 ** 2,
  maxSignatureBytes: 4 * 1024,
  maxAssessmentBytes: 32 * 1024 ** 2,
  maxAuditBytes: 64 * 1024 ** 2,
  maxTotalBytes: 16 * 1024 ** 3,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
  maxNameBytes: 255,
};

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');
const keyId = z.string().regex(/^[0-9a-f]{16}$/, '16 lower-case hex digits');
const text = (max: number) => z.string().max(max);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'an ISO 8601 UTC time');
export const roleSchema = z.enum(['commune', 'assessor', 'province']);
export const kindSchema = z.enum(['self-assessment', 'review']);
export type PackageKind = z.infer<typeof kindSchema>;
const unitClassSchema = z.enum(['urban_ward', 'mountain_island_disadvantaged', 'other']);

export const EVIDENCE_PATH = /^evidence\/([0-9a-f]{64})$/;
export const INNER_PATH = /^inner\/([0-9a-f]{64})\.cfcpkg$/;

export const fileEntrySchema = z
  .object({ path: z.string(), sha256, size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) })
  .strict()
  .superRefine((f, ctx) => {
    if (f.path === ASSESSMENT || f.path === AUDIT) return;
    const m = EVIDENCE_PATH.exec(f.path) ?? INNER_PATH.exec(f.path);
    if (!m) ctx.addIssue({ code: 'custom', message: `path "${f.path}" is not one the format allows`, path: ['path'] });
    else if (m[1] !== f.sha256) ctx.addIssue({ code: 'custom', message: `path "${f.path}" does not name its own SHA-256`, path: ['path'] });
  });
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const packRefSchema = z.object({ id: text(100).min(1), version: text(50).min(1), sha256 }).strict();
export const unitRefSchema = z
  .object({
    code: z.string().regex(/^\d{2,5}$/),
    name: text(200),
    type: text(100),
    unitClass: unitClassSchema,
    parentCodes: z.array(z.string().regex(/^\d{2,5}$/)).max(5),
    /** Version 2: the catalogue edition (its dataDate) the code belongs to. Absent in version 1. */
    catalogue: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a catalogue edition date YYYY-MM-DD').optional(),
  })
  .strict();
const formatVersionSchema = z.union([z.literal(1), z.literal(2)]);

/** Version 2 names the catalogue edition; version 1 must not (it predates editions). */
function editionByVersion(d: { formatVersion: 1 | 2; unit: { catalogue?: string | undefined } }, ctx: z.RefinementCtx): void {
  if (d.formatVersion === 2 && d.unit.catalogue === undefined) ctx.addIssue({ code: 'custom', message: 'formatVersion 2 needs unit.catalogue', path: ['unit', 'catalogue'] });
  if (d.formatVersion === 1 && d.unit.catalogue !== undefined) ctx.addIssue({ code: 'custom', message: 'formatVersion 1 has no unit.catalogue', path: ['unit', 'catalogue'] });
}

/** The catalogue edition a package's unit belongs to. */
export function unitEditionOf(m: { unit: { catalogue?: string | undefined } }): string {
  return m.unit.catalogue ?? V1_UNIT_EDITION;
}

export const summarySchema = z
  .object({
    total: z.number().int(),
    maxTotal: z.number().int(),
    threshold: z.number().int(),
    criteria: z.array(z.object({ id: text(20), points: z.number().int() }).strict()).max(100),
    verdict: z.enum(['recognised', 'not_recognised', 'incomplete']),
    provisional: z.boolean(),
  })
  .strict();
export type Summary = z.infer<typeof summarySchema>;

export const signerSchema = z
  .object({ name: text(200).min(1), title: text(200), organisation: text(300), role: roleSchema, keyId })
  .strict();
export type Signer = z.infer<typeof signerSchema>;

export const manifestSchema = z
  .object({
    format: z.literal(FORMAT),
    formatVersion: formatVersionSchema,
    kind: kindSchema,
    packageId: z.string().uuid(),
    assessmentId: z.string().min(1).max(100),
    revision: z.number().int().min(1).max(1000),
    supersedes: sha256.nullable(),
    createdAt: isoDate,
    app: z.object({ name: text(100), version: text(50) }).strict(),
    pack: packRefSchema,
    unit: unitRefSchema,
    period: z.object({ year: z.number().int().min(2000).max(2100) }).strict(),
    summary: summarySchema,
    signer: signerSchema,
    files: z.array(fileEntrySchema).min(2),
  })
  .strict()
  .superRefine((m, ctx) => {
    editionByVersion(m, ctx);
    const seen = new Set<string>();
    for (const f of m.files) {
      if (seen.has(f.path)) ctx.addIssue({ code: 'custom', message: `path "${f.path}" is listed twice`, path: ['files'] });
      seen.add(f.path);
    }
    for (const required of [ASSESSMENT, AUDIT]) {
      if (!seen.has(required)) ctx.addIssue({ code: 'custom', message: `${required} is not listed`, path: ['files'] });
    }
  });
export type Manifest = z.infer<typeof manifestSchema>;

/** `manifest.sig`. */
export const signatureSchema = z
  .object({
    alg: z.literal('Ed25519'),
    keyId,
    publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'base64 of 32 bytes'),
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'base64 of 64 bytes'),
  })
  .strict();
export type SignatureFile = z.infer<typeof signatureSchema>;

const entrySchema = z
  .object({
    value: z.unknown(),
    note: text(20_000),
    override: z.object({ points: z.number().int().min(0), reason: text(4000).min(1) }).strict().nullable(),
    computed: z.number().int().nullable(),
    points: z.number().int(),
  })
  .strict();
export type AssessmentEntry = z.infer<typeof entrySchema>;

export const evidenceMetaSchema = z
  .object({
    sha256,
    name: text(255).min(1),
    mediaType: text(200),
    size: z.number().int().min(0),
    indicatorId: z.string().regex(/^\d+(\.\d+)*$/).nullable(),
    addedBy: text(300),
    addedAt: text(40),
  })
  .strict();
export type EvidenceMeta = z.infer<typeof evidenceMetaSchema>;

/** An evidence row of the store (a workspace link or an imported package's) as the package format describes it. */
export function evidenceMetaOf(e: {
  sha256: string;
  name: string;
  media_type: string;
  size: number;
  indicator_id: string | null;
  added_by: string;
  added_at: string;
}): EvidenceMeta {
  return { sha256: e.sha256, name: e.name, mediaType: e.media_type, size: e.size, indicatorId: e.indicator_id, addedBy: e.added_by, addedAt: e.added_at };
}

const person = z.object({ name: text(200), title: text(200) }).strict();

export const reviewSchema = z
  .object({
    /** The commune package this review is about (carried byte for byte under inner/). */
    subject: z
      .object({
        packageSha256: sha256,
        manifestSha256: sha256,
        packageId: z.string().uuid(),
        assessmentId: z.string().min(1).max(100),
        revision: z.number().int().min(1),
      })
      .strict(),
    decision: z.enum(['recognised', 'not_recognised', 'returned']),
    reasons: z.array(text(4000)).max(200),
    findings: text(50_000),
    team: z.array(person).max(50),
  })
  .strict();
export type ReviewPart = z.infer<typeof reviewSchema>;

/** `assessment.json`. */
export const assessmentDocSchema = z
  .object({
    format: z.literal(ASSESSMENT_FORMAT),
    formatVersion: formatVersionSchema,
    kind: kindSchema,
    assessmentId: z.string().min(1).max(100),
    revision: z.number().int().min(1).max(1000),
    unit: unitRefSchema.extend({ unitClassReason: text(2000).nullable() }).strict(),
    period: z.object({ year: z.number().int().min(2000).max(2100) }).strict(),
    pack: packRefSchema,
    entries: z.record(z.string().regex(/^\d+(\.\d+)*$/), entrySchema),
    evidence: z.array(evidenceMetaSchema).max(10_000),
    people: z
      .object({
        createdBy: text(300),
        createdAt: text(40),
        submittedBy: text(300).nullable(),
        submittedAt: text(40).nullable(),
        signer: z.object({ name: text(200), title: text(200), organisation: text(300), role: roleSchema }).strict(),
      })
      .strict(),
    review: reviewSchema.nullable(),
  })
  .strict()
  .superRefine(editionByVersion);
export type AssessmentDoc = z.infer<typeof assessmentDocSchema>;

/** One line of `audit.jsonl`. */
export const auditLineSchema = z
  .object({
    seq: z.number().int(),
    revision: z.number().int(),
    at: text(40),
    actor: text(300),
    action: text(50),
    indicatorId: z.string().nullable(),
    old: z.unknown(),
    new: z.unknown(),
    reason: z.string().nullable(),
  })
  .strict();
export type AuditLine = z.infer<typeof auditLineSchema>;

/** The public key file (`cfc keys export-public`). */
export const publicKeyFileSchema = z
  .object({
    format: z.literal(PUBLIC_KEY_FORMAT),
    formatVersion: z.literal(1),
    alg: z.literal('Ed25519'),
    keyId,
    fingerprint: z.string(),
    publicKey: signatureSchema.shape.publicKey,
    holder: z.object({ name: text(200).min(1), title: text(200), organisation: text(300) }).strict(),
    role: roleSchema,
    unitCode: z.string().regex(/^\d{2,5}$/),
    /** The catalogue edition of unitCode; absent in files written before editions (read as 2025-03-01). */
    unitEdition: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    unitName: text(200),
    createdAt: text(40),
  })
  .strict();
export type PublicKeyFile = z.infer<typeof publicKeyFileSchema>;

/** The first issue of a zod error as "path: message". */
export function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  return i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid';
}

/** A name a person recognises: kind, unit code, unit name without diacritics, year, revision. */
export function packageFileName(m: Pick<Manifest, 'kind' | 'unit' | 'period' | 'revision'>): string {
  const kind = m.kind === 'review' ? 'ThamDinh' : 'TuDanhGia';
  return `${kind}_${m.unit.code}_${asciiSlug(m.unit.name)}_${m.period.year}_lan${m.revision}${EXTENSION}`;
}
