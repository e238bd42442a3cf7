import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { PackRegistry } from '../criteria/registry';
import { isCfcError, type Bilingual } from '../errors';
import { refreshCounted } from '../dashboard/counted';
import type { EvidenceStore } from '../evidence/store';
import type { Database, PackageTable } from '../store/schema';
import type { UnitEditions } from '../units/editions';
import { DEFAULT_LIMITS, EXTENSION, unitEditionOf, type Limits, type PackageKind } from './format';
import type { Reason } from './reasons';
import { collectOrphans } from '../evidence/hygiene';
import { placeDurably, touch } from '../evidence/durable';
import { packageStagingDir, storedPackagePath } from './stored';
import { trustLookup } from './trust';
import { verifyPackage, type Outcome, type Verification } from './verify';

export interface ImportDeps {
  db: Kysely<Database>;
  packs: PackRegistry;
  editions: UnitEditions;
  dataDir: string;
  evidence: EvidenceStore;
  limits?: Partial<Limits>;
}

export type ImportResult = 'imported' | 'already_present' | 'superseded' | 'conflict' | 'stale' | 'rejected';

export interface ImportItem {
  file: string;
  result: ImportResult;
  /** The verifier's outcome (null when the file could not be read at all). */
  outcome: Outcome | null;
  reasons: Reason[];
  /** Why a package was rejected when it is not the package's own fault (unreadable, untrusted not accepted, store error). */
  error: { code: string; message: Bilingual } | null;
  manifestSha256: string | null;
  kind: PackageKind | null;
  assessmentId: string | null;
  revision: number | null;
  unitCode: string | null;
  unitName: string | null;
  year: number | null;
  trustDecision: 'verified' | 'accepted_untrusted' | null;
}

export interface ImportSummary {
  total: number;
  imported: number;
  alreadyPresent: number;
  superseded: number;
  conflicts: number;
  stale: number;
  rejected: number;
}

export interface ImportProgress {
  index: number;
  total: number;
  file: string;
  /** Bytes of this package read so far, and its size. */
  bytes: number;
  size: number;
}

export interface ImportOptions {
  /** An explicit decision to import packages that are `untrusted`: recorded with its reason, who and when. */
  acceptUntrusted?: { reason: string } | null;
  who: { name: string; now: string };
  onProgress?: (p: ImportProgress) => void;
  /** Cancels the import (src/core/cancel.ts): checked between chunks and packages; what was begun is undone. */
  signal?: AbortSignal;
}

/** Folders become the `.cfcpkg` files under them (sorted, recursively); files stay as given. */
export function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.toLowerCase().endsWith(EXTENSION)) out.push(p);
    }
  };
  for (const i of inputs) {
    if (fs.existsSync(i) && fs.statSync(i).isDirectory()) walk(i);
    else out.push(i);
  }
  return out;
}

export { packagesDir, storedPackagePath } from './stored';

function blankItem(file: string): ImportItem {
  return {
    file,
    result: 'rejected',
    outcome: null,
    reasons: [],
    error: null,
    manifestSha256: null,
    kind: null,
    assessmentId: null,
    revision: null,
    unitCode: null,
    unitName: null,
    year: null,
    trustDecision: null,
  };
}

function describe(item: ImportItem, v: Verification): void {
  item.outcome = v.outcome;
  item.reasons = v.reasons;
  item.manifestSha256 = v.manifestSha256;
  if (v.manifest) {
    item.kind = v.manifest.kind;
    item.assessmentId = v.manifest.assessmentId;
    item.revision = v.manifest.revision;
    item.unitCode = v.manifest.unit.code;
    item.unitName = v.manifest.unit.name;
    item.year = v.manifest.period.year;
  }
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A verified package file into the package store, durably; a copy already there of the right size is kept (marked
 * used), one of another size (damaged) is replaced.
 */
function storePackageFile(from: string, target: string, size: number): void {
  const st = fs.statSync(target, { throwIfNoEntry: false });
  if (st && st.size === size) touch(target);
  else placeDurably(from, target);
}

/**
 * The state of every package of one assessment and kind, from the set alone: the highest revision is `current` (or
 * `conflict` when two different packages claim it), lower revisions are `superseded`; `conflict` = 1 on every package
 * that shares its revision with a different one. So the store never depends on the order packages arrived in.
 */
export async function recomputeStates(db: Db, kind: PackageKind, assessmentId: string): Promise<void> {
  const rows = await db.selectFrom('package').select(['manifest_sha256', 'revision']).where('kind', '=', kind).where('assessment_id', '=', assessmentId).execute();
  if (rows.length === 0) return;
  const max = Math.max(...rows.map((r) => r.revision));
  const count = new Map<number, number>();
  for (const r of rows) count.set(r.revision, (count.get(r.revision) ?? 0) + 1);
  for (const r of rows) {
    const shared = (count.get(r.revision) ?? 0) > 1;
    const state: PackageTable['state'] = r.revision === max ? (shared ? 'conflict' : 'current') : 'superseded';
    await db.updateTable('package').set({ state, conflict: shared ? 1 : 0 }).where('manifest_sha256', '=', r.manifest_sha256).execute();
  }
}

/** What importing a package of this revision does to its assessment's history (before it is stored). */
async function effect(db: Db, kind: PackageKind, assessmentId: string, revision: number): Promise<ImportResult> {
  const rows = await db.selectFrom('package').select('revision').where('kind', '=', kind).where('assessment_id', '=', assessmentId).execute();
  if (rows.length === 0) return 'imported';
  if (rows.some((r) => r.revision === revision)) return 'conflict';
  return revision > Math.max(...rows.map((r) => r.revision)) ? 'superseded' : 'stale';
}

async function insertPackage(
  trx: Transaction<Database>,
  v: Verification,
  decision: { kind: 'verified' | 'accepted_untrusted'; reason: string | null },
  innerSha: string | null,
  who: { name: string; now: string },
): Promise<void> {
  const m = v.manifest!;
  const doc = v.assessment!;
  const score = v.score!;
  await trx
    .insertInto('package')
    .values({
      manifest_sha256: v.manifestSha256!,
      kind: m.kind,
      package_id: m.packageId,
      assessment_id: m.assessmentId,
      revision: m.revision,
      supersedes: m.supersedes,
      unit_code: m.unit.code,
      unit_edition: unitEditionOf(m),
      unit_name: m.unit.name,
      year: m.period.year,
      unit_class: m.unit.unitClass,
      pack_id: m.pack.id,
      pack_version: m.pack.version,
      pack_sha256: m.pack.sha256,
      created_at: m.createdAt,
      total: score.total,
      verdict: score.verdict,
      provisional: score.provisional ? 1 : 0,
      signer_key_id: m.signer.keyId,
      signer_name: m.signer.name,
      signer_role: m.signer.role,
      outcome: v.outcome === 'valid' ? 'valid' : 'untrusted',
      untrusted_reasons: v.outcome === 'untrusted' ? JSON.stringify(v.reasons.map((r) => ({ code: r.code, detail: r.detail ?? null }))) : null,
      trust_decision: decision.kind,
      decision_reason: decision.reason,
      decided_by: who.name,
      decided_at: who.now,
      state: 'current',
      conflict: 0,
      inner_manifest_sha256: innerSha,
      file_size: v.packageSize,
      manifest_json: v.manifestBytes!.toString('utf8'),
      assessment_json: JSON.stringify(doc),
      imported_at: who.now,
      imported_by: who.name,
    })
    .execute();
  for (const c of score.criteria) {
    for (const i of c.indicators) {
      const e = doc.entries[i.id];
      await trx
        .insertInto('package_value')
        .values({
          manifest_sha256: v.manifestSha256!,
          indicator_id: i.id,
          criterion_id: c.id,
          value_json: e && e.value !== null && e.value !== undefined ? JSON.stringify(e.value) : null,
          note: e?.note ?? '',
          computed: i.computed,
          points: i.points,
          override_points: e?.override?.points ?? null,
          override_reason: e?.override?.reason ?? null,
        })
        .execute();
    }
  }
  for (const [ord, e] of doc.evidence.entries()) {
    await trx
      .insertInto('package_evidence')
      .values({
        manifest_sha256: v.manifestSha256!,
        ord,
        sha256: e.sha256,
        indicator_id: e.indicatorId,
        name: e.name,
        media_type: e.mediaType,
        size: e.size,
        added_by: e.addedBy,
        added_at: e.addedAt,
      })
      .execute();
  }
  for (const [line, a] of v.audit.entries()) {
    await trx.insertInto('package_audit').values({ manifest_sha256: v.manifestSha256!, line, entry_json: JSON.stringify(a) }).execute();
  }
}

function errorOf(e: unknown): { code: string; message: Bilingual } {
  if (isCfcError(e)) return { code: e.code, message: e.messages };
  const msg = e instanceof Error ? e.message : String(e);
  return { code: 'import_failed', message: { vi: `Không nhập được gói: ${msg}. Không có gì được ghi.`, en: `The package could not be imported: ${msg}. Nothing was written.` } };
}

const NOT_ACCEPTED = {
  code: 'untrusted_not_accepted',
  message: {
    vi: 'Gói hợp lệ nhưng chưa được tin cậy; chỉ nhập khi có quyết định rõ ràng (kèm lý do).',
    en: 'The package is intact but not trusted; it is imported only after an explicit decision (with a reason).',
  },
};

/**
 * Imports packages one by one: each is copied into the data folder, verified (evidence extracted while it is hashed),
 * then stored in one transaction (evidence and package files moved into place first, taken back out if the
 * transaction fails). A package that fails writes nothing and the batch goes on.
 */
export async function importPackages(deps: ImportDeps, inputs: string[], opts: ImportOptions): Promise<{ items: ImportItem[]; summary: ImportSummary }> {
  const files = expandInputs(inputs);
  const items: ImportItem[] = [];
  const staging = packageStagingDir(deps.dataDir);
  for (const [index, file] of files.entries()) {
    const item = blankItem(file);
    items.push(item);
    const work = path.join(staging, crypto.randomUUID());
    try {
      let size: number;
      try {
        const st = fs.statSync(file);
        if (!st.isFile()) throw new Error('not a file');
        size = st.size;
      } catch {
        item.error = { code: 'unreadable_file', message: { vi: `Không đọc được tệp ${file}.`, en: `Cannot read the file ${file}.` } };
        continue;
      }
      opts.onProgress?.({ index, total: files.length, file, bytes: 0, size });
      const trust = await trustLookup(deps.db);
      const verifyDeps = { packs: deps.packs, editions: deps.editions, trust, ...(deps.limits ? { limits: deps.limits } : {}) };
      if (size > { ...DEFAULT_LIMITS, ...deps.limits }.maxPackageBytes) {
        // Refused on its size before anything is copied (the verifier says so without reading the file).
        describe(item, await verifyPackage(file, verifyDeps));
        continue;
      }
      fs.mkdirSync(work, { recursive: true });
      // Verify (and keep) a private copy: what is stored is exactly what was verified.
      const copy = path.join(work, `package${EXTENSION}`);
      fs.copyFileSync(file, copy);
      const v = await verifyPackage(copy, verifyDeps, { extractDir: path.join(work, 'x') });
      describe(item, v);
      opts.onProgress?.({ index, total: files.length, file, bytes: size, size });
      if (v.outcome === 'invalid') continue;
      if (v.outcome === 'untrusted' && !opts.acceptUntrusted) {
        item.error = NOT_ACCEPTED;
        continue;
      }
      const decision = v.outcome === 'valid' ? { kind: 'verified' as const, reason: null } : { kind: 'accepted_untrusted' as const, reason: opts.acceptUntrusted!.reason.trim() };
      item.trustDecision = decision.kind;
      const m = v.manifest!;
      const present = await deps.db.selectFrom('package').select('manifest_sha256').where('manifest_sha256', '=', v.manifestSha256!).executeTakeFirst();
      if (present) {
        // The same bytes again: a stored copy damaged since (e.g. cut short by a power cut) is replaced by this one.
        storePackageFile(copy, storedPackagePath(deps.dataDir, v.manifestSha256!), v.packageSize);
        item.result = 'already_present';
        continue;
      }
      const innerV = v.inner;
      const innerPresent = innerV
        ? await deps.db.selectFrom('package').select('manifest_sha256').where('manifest_sha256', '=', innerV.manifestSha256!).executeTakeFirst()
        : undefined;

      // Files first, each durably (fsync, rename, fsync the folder): evidence into the content-addressed store (an
      // intact copy already there is kept and marked used), the package (and a review's inner one) kept as is. If the
      // transaction then fails they are left unreferenced, never deleted here (another call may be using the same
      // content): the collector takes them a day later (`collectOrphans`).
      const evidenceOf = (x: Verification) => {
        for (const [p, f] of x.extracted) {
          const sha = /^evidence\/([0-9a-f]{64})$/.exec(p)?.[1];
          if (sha) deps.evidence.place(f, sha, x.manifest!.files.find((e) => e.path === p)!.size);
        }
      };
      evidenceOf(v);
      if (innerV && !innerPresent) {
        evidenceOf(innerV);
        const innerFile = [...v.extracted].find(([p]) => p.startsWith('inner/'))?.[1];
        if (innerFile) storePackageFile(innerFile, storedPackagePath(deps.dataDir, innerV.manifestSha256!), innerV.packageSize);
      }
      storePackageFile(copy, storedPackagePath(deps.dataDir, v.manifestSha256!), v.packageSize);
      const result = await effect(deps.db, m.kind, m.assessmentId, m.revision);
      await deps.db.transaction().execute(async (trx) => {
        if (innerV && !innerPresent) {
          const innerDecision = innerV.outcome === 'valid' ? { kind: 'verified' as const, reason: null } : decision;
          await insertPackage(trx, innerV, innerDecision, null, opts.who);
          await recomputeStates(trx, innerV.manifest!.kind, innerV.manifest!.assessmentId);
        }
        await insertPackage(trx, v, decision, innerV?.manifestSha256 ?? null, opts.who);
        await recomputeStates(trx, m.kind, m.assessmentId);
        await refreshCounted(trx, [innerV?.manifestSha256, v.manifestSha256]);
      });
      item.result = result;
    } catch (e) {
      item.result = 'rejected';
      item.trustDecision = null;
      item.error = errorOf(e);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  // The idle moment after a batch: leftovers of crashed imports and files nothing refers to for a day go.
  await collectOrphans({ db: deps.db, dataDir: deps.dataDir });
  const count = (r: ImportResult) => items.filter((i) => i.result === r).length;
  return {
    items,
    summary: {
      total: items.length,
      imported: count('imported'),
      alreadyPresent: count('already_present'),
      superseded: count('superseded'),
      conflicts: count('conflict'),
      stale: count('stale'),
      rejected: count('rejected'),
    },
  };
}
