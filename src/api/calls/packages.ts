import { z } from 'zod';
import { auditLineSchema, evidenceMetaSchema, reviewSchema } from '../../core/packages/format';
import { bilingual } from '../errors';
import { defineCall } from './define';
import { linkedUnit, unitCode, unitEdition } from './units';

/** Signed packages (issue 5): signing keys, the trust store, export, verify, import, and the imported packages. */

const role = z.enum(['commune', 'assessor', 'province']);
const keyId = z
  .string()
  .trim()
  .transform((s) => s.replace(/\s+/g, '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{16}$/, 'A key id is 16 hex digits (spaces allowed, as in the fingerprint)'));
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const stagedId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
/** A passphrase for a key sealed with one (CLI and browser mode); unused where the OS seals keys (Electron). */
const passphrase = z.string().min(1).max(1024);
const holder = z.object({ name: z.string(), title: z.string(), organisation: z.string() });

export const signingKey = z.object({
  keyId: z.string(),
  /** The key id in groups of four, as people compare it. */
  fingerprint: z.string(),
  fullFingerprint: z.string(),
  publicKey: z.string(),
  holder,
  role,
  unitCode: z.string(),
  /** The catalogue edition of unitCode. */
  unitEdition,
  unitName: z.string().nullable(),
  /** A key on a unit of an older edition: the current units that took it over (a new key is made for one of them). */
  superseded: z.object({ currentEdition: unitEdition, successors: z.array(linkedUnit) }).nullable(),
  status: z.enum(['active', 'retired']),
  sealedBy: z.enum(['passphrase', 'safeStorage']),
  createdAt: z.string(),
});
export type SigningKey = z.infer<typeof signingKey>;

export const trustedKey = z.object({
  keyId: z.string(),
  fingerprint: z.string(),
  fullFingerprint: z.string(),
  publicKey: z.string(),
  holder,
  role,
  unitCode: z.string(),
  unitEdition,
  unitName: z.string().nullable(),
  superseded: z.object({ currentEdition: unitEdition, successors: z.array(linkedUnit) }).nullable(),
  source: z.enum(['file', 'own']),
  status: z.enum(['trusted', 'revoked']),
  addedAt: z.string(),
  addedBy: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  revokeReason: z.string().nullable(),
});
export type TrustedKey = z.infer<typeof trustedKey>;

export const packageReason = z.object({ code: z.string(), message: bilingual, path: z.string().optional(), detail: z.string().optional() });
export type PackageReason = z.infer<typeof packageReason>;

const outcome = z.enum(['valid', 'untrusted', 'invalid']);

const verifiedCore = z.object({
  outcome,
  /** `invalid`: the one reason verification stopped at; `untrusted`: every reason; `valid`: none. */
  reasons: z.array(packageReason),
  manifestSha256: z.string().nullable(),
  kind: z.enum(['self-assessment', 'review']).nullable(),
  assessmentId: z.string().nullable(),
  revision: z.number().int().nullable(),
  unit: z.object({ code: z.string(), name: z.string(), edition: unitEdition }).nullable(),
  year: z.number().int().nullable(),
  summary: z.object({ total: z.number().int(), maxTotal: z.number().int(), verdict: z.string(), provisional: z.boolean() }).nullable(),
  signer: z
    .object({ keyId: z.string(), fingerprint: z.string(), name: z.string(), role: z.string(), unitCode: z.string().nullable(), trust: z.enum(['trusted', 'unknown', 'revoked']) })
    .nullable(),
  size: z.number().int(),
});

/**
 * One verified package as the page sees it: the staged upload it came from (its opaque id), never a path. The local
 * contract's (CLI, tests) names the file it read (`verifiedPackageLocal`).
 */
export const verifiedPackage = verifiedCore.extend({ stagedId: z.string().nullable(), inner: verifiedCore.nullable() });
export const verifiedPackageLocal = verifiedPackage.extend({ file: z.string() });
export type VerifiedPackage = z.infer<typeof verifiedPackageLocal>;

export const importItem = z.object({
  /** The staged upload it came from; null for a file named by path (local contract). */
  stagedId: z.string().nullable(),
  result: z.enum(['imported', 'already_present', 'superseded', 'conflict', 'stale', 'rejected']),
  outcome: outcome.nullable(),
  reasons: z.array(packageReason),
  error: z.object({ code: z.string(), message: bilingual }).nullable(),
  manifestSha256: z.string().nullable(),
  kind: z.enum(['self-assessment', 'review']).nullable(),
  assessmentId: z.string().nullable(),
  revision: z.number().int().nullable(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  year: z.number().int().nullable(),
  trustDecision: z.enum(['verified', 'accepted_untrusted']).nullable(),
});
export const importItemLocal = importItem.extend({ file: z.string() });
export type ImportItemView = z.infer<typeof importItemLocal>;

export const importSummary = z.object({
  total: z.number().int(),
  imported: z.number().int(),
  alreadyPresent: z.number().int(),
  superseded: z.number().int(),
  conflicts: z.number().int(),
  stale: z.number().int(),
  rejected: z.number().int(),
});

const packageState = z.enum(['current', 'superseded', 'conflict']);

export const packageSummary = z.object({
  manifestSha256: z.string(),
  kind: z.enum(['self-assessment', 'review']),
  packageId: z.string(),
  assessmentId: z.string(),
  revision: z.number().int(),
  unit: z.object({ code: z.string(), name: z.string(), edition: unitEdition }),
  year: z.number().int(),
  total: z.number().int(),
  verdict: z.string(),
  provisional: z.boolean(),
  signer: z.object({ keyId: z.string(), fingerprint: z.string(), name: z.string(), role: z.string() }),
  outcome: z.enum(['valid', 'untrusted']),
  trustDecision: z.enum(['verified', 'accepted_untrusted']),
  decisionReason: z.string().nullable(),
  decidedBy: z.string(),
  decidedAt: z.string(),
  state: packageState,
  /** Another package claims the same revision with different content. */
  conflict: z.boolean(),
  innerManifestSha256: z.string().nullable(),
  createdAt: z.string(),
  importedAt: z.string(),
});
export type PackageSummaryView = z.infer<typeof packageSummary>;

export const packageDetail = packageSummary.extend({
  supersedes: z.string().nullable(),
  unitClass: z.string(),
  unitClassReason: z.string().nullable(),
  pack: z.object({ id: z.string(), version: z.string(), sha256: z.string() }),
  untrustedReasons: z.array(z.object({ code: z.string(), detail: z.string().nullable() })),
  fileSize: z.number().int(),
  importedBy: z.string(),
  criteria: z.array(z.object({ id: z.string(), points: z.number().int() })),
  entries: z.record(
    z.string(),
    z.object({
      value: z.unknown(),
      note: z.string(),
      override: z.object({ points: z.number().int(), reason: z.string() }).nullable(),
      computed: z.number().int().nullable(),
      points: z.number().int(),
    }),
  ),
  evidence: z.array(evidenceMetaSchema.extend({ stored: z.boolean() })),
  audit: z.array(auditLineSchema),
  people: z.object({ createdBy: z.string(), createdAt: z.string(), submittedBy: z.string().nullable(), submittedAt: z.string().nullable() }),
  review: reviewSchema.nullable(),
});
export type PackageDetailView = z.infer<typeof packageDetail>;

/** Packages to verify or import from the page: staged uploads only (the UI contract never takes a path). */
const stagedSources = z.object({ stagedIds: z.array(stagedId).max(10_000).optional() }).strict();
/** The local contract (CLI, tests) may also name files and folders on this machine. */
const localSources = stagedSources.extend({ paths: z.array(z.string().min(1).max(4096)).max(10_000).optional() }).strict();

/** "Save as…" in the desktop app: an opaque one-time token from the main process's save dialog (src/api/saveTokens.ts), never a path. */
export const saveToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'A save token is the 43-character code the save dialog gave');
const exportInput = z.object({ id: z.string().uuid(), keyId: keyId.optional(), passphrase: passphrase.optional(), saveToken: saveToken.optional() }).strict();
/** The page downloads an exported package from `/exports/<fileName>`; the local contract's also says where it is. */
const exportOutput = z.object({ fileName: z.string(), size: z.number().int(), manifestSha256: z.string(), keyId: z.string(), fingerprint: z.string() });
const exportOutputLocal = exportOutput.extend({ file: z.string() });
const verifyOutput = z.object({ items: z.array(verifiedPackage) });
const verifyOutputLocal = z.object({ items: z.array(verifiedPackageLocal) });
const importOutput = z.object({ items: z.array(importItem), summary: importSummary });
const importOutputLocal = z.object({ items: z.array(importItemLocal), summary: importSummary });

const importDecision = { acceptUntrusted: z.boolean().default(false), reason: z.string().trim().max(2000).optional() };

/** The import rules shared by both contracts: untrusted packages only with a reason; at least one package. */
function checkImport(v: { acceptUntrusted: boolean; reason?: string | undefined; stagedIds?: string[] | undefined; paths?: string[] | undefined }, ctx: z.RefinementCtx): void {
  if (v.acceptUntrusted && (!v.reason || v.reason.length < 3)) {
    ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Accepting untrusted packages needs a reason (at least 3 characters)' });
  }
  if (!v.paths?.length && !v.stagedIds?.length) ctx.addIssue({ code: 'custom', path: ['stagedIds'], message: 'Give at least one package (paths or stagedIds)' });
}

export const packagesCalls = {
  'keys.list': defineCall({
    summary: "This profile's signing keys (fingerprints; private keys never leave their seal), and how new keys are sealed",
    input: z.object({}).strict(),
    output: z.object({ items: z.array(signingKey), sealing: z.enum(['safeStorage', 'passphrase']) }),
  }),
  'keys.create': defineCall({
    summary: 'Make an Ed25519 key pair for one signing person; the private key is sealed (OS secret store, or the passphrase)',
    input: z
      .object({
        name: z.string().trim().min(1).max(200),
        title: z.string().trim().max(200).default(''),
        organisation: z.string().trim().max(300).default(''),
        role,
        unitCode,
        /** The current edition when absent (a unit of an older edition is refused, its successors named). */
        unitEdition: unitEdition.optional(),
        passphrase: passphrase.optional(),
      })
      .strict(),
    output: signingKey,
  }),
  'keys.exportPublic': defineCall({
    summary: 'The public key file of a signing key (holder, role, unit, key): small JSON to send to the next level',
    input: z.object({ keyId: keyId.optional() }).strict(),
    output: z.object({ fileName: z.string(), content: z.string(), keyId: z.string(), fingerprint: z.string() }),
  }),
  'trust.list': defineCall({
    summary: 'The trust store: public keys with holder, role, unit, fingerprint and status',
    input: z.object({}).strict(),
    output: z.object({ items: z.array(trustedKey) }),
  }),
  'trust.add': defineCall({
    summary: 'Trust a public key file (its content); the same key again is a no-op, a revoked key stays revoked',
    input: z.object({ publicKey: z.string().min(1).max(16_384) }).strict(),
    output: z.object({ key: trustedKey, added: z.boolean() }),
  }),
  'trust.revoke': defineCall({
    summary: 'Revoke a key (permanent): packages it signed verify as invalid (key_revoked)',
    input: z.object({ keyId, reason: z.string().trim().min(3).max(2000) }).strict(),
    output: trustedKey,
  }),
  'packages.export': defineCall({
    summary: "Sign and write the package of a submitted revision into the data folder's exports/ (a download); re-export gives the same package",
    input: exportInput,
    output: exportOutput,
  }),
  'packages.verify': defineCall({
    summary: 'Verify staged packages (signature, entries, hashes, schema, pack, recomputed scores, trust); writes nothing',
    input: stagedSources,
    output: verifyOutput,
  }),
  'packages.import': defineCall({
    summary: 'Verify and import staged packages one transaction each; idempotent; untrusted ones only with an explicit, recorded decision',
    input: stagedSources.extend(importDecision).strict().superRefine(checkImport),
    output: importOutput,
  }),
  'packages.list': defineCall({
    summary: 'Imported packages, newest year first, with state (current / superseded / conflict) and trust decision',
    input: z
      .object({
        year: z.number().int().optional(),
        state: packageState.optional(),
        kind: z.enum(['self-assessment', 'review']).optional(),
        assessmentId: z.string().optional(),
      })
      .strict(),
    output: z.object({ items: z.array(packageSummary) }),
  }),
  'packages.get': defineCall({
    summary: 'One imported package in full: values, points, notes, evidence, audit trail, review part',
    input: z.object({ manifestSha256: sha256 }).strict(),
    output: packageDetail,
  }),
};

/**
 * The same calls in the local contract (CLI, tests): they may name files and folders on this machine. The UI contract
 * (IPC, HTTP) has only the versions above.
 */
export const packagesLocalCalls = {
  'packages.export': defineCall({
    summary: 'Sign and write the package of a submitted revision (to a file or folder, default exports/); re-export gives the same package',
    input: exportInput.extend({ outPath: z.string().min(1).max(4096).optional() }).strict(),
    output: exportOutputLocal,
  }),
  'packages.verify': defineCall({
    summary: 'Verify packages (files, folders and/or staged uploads); writes nothing',
    input: localSources,
    output: verifyOutputLocal,
  }),
  'packages.import': defineCall({
    summary: 'Verify and import packages (files, folders and/or staged uploads) one transaction each',
    input: localSources.extend(importDecision).strict().superRefine(checkImport),
    output: importOutputLocal,
  }),
  'packages.create': defineCall({
    summary: 'A signed self-assessment package straight from a score input file and an evidence folder (cfc package create)',
    input: z
      .object({
        input: z.string().min(1).max(4096),
        evidenceDir: z.string().min(1).max(4096).optional(),
        outPath: z.string().min(1).max(4096),
        keyId: keyId.optional(),
        passphrase: passphrase.optional(),
      })
      .strict(),
    output: exportOutputLocal.extend({
      unit: z.object({ code: z.string(), name: z.string() }),
      year: z.number().int(),
      revision: z.number().int(),
      summary: z.object({ total: z.number(), maxTotal: z.number(), verdict: z.string() }),
    }),
  }),
};
