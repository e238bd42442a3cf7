import fs from 'node:fs';
import path from 'node:path';
import { packRegistry, readJsonFile } from '../../core/criteria/registry';
import { cancelledError, CANCELLED, throwIfCancelled } from '../../core/cancel';
import { CfcError } from '../../core/errors';
import { createFromInput, exportRevision } from '../../core/packages/export';
import { assessmentDocSchema, auditLineSchema, evidenceMetaOf, reviewSchema, unitEditionOf, type AssessmentDoc } from '../../core/packages/format';
import { importPackages, expandInputs, type ImportProgress } from '../../core/packages/importer';
import { fingerprintOf } from '../../core/packages/keys';
import {
  chooseSigningKey,
  createSigningKey,
  listSigningKeys,
  publicKeyFile,
  trustAdd,
  trustList,
  lookupOf,
  trustEntries,
  trustRevoke,
  unsealKey,
} from '../../core/packages/trust';
import type { Verification } from '../../core/packages/verify';
import { verifyPackages } from '../../core/packages/verifyPool';
import type { PackageTable } from '../../core/store/schema';
import { readProfile } from '../../core/store/profile';
import type { PackageDetailView, PackageSummaryView, VerifiedPackage } from '../calls/packages';
import type { ServiceContext } from '../context';
import { evidenceStore } from './evidence';
import { evidenceAvailable } from '../../core/evidence/hygiene';
import type { Handlers } from './types';

/** Who acts: the profile's user when there is a profile (the CLI may run without one). */
export async function packagesActor(ctx: ServiceContext): Promise<{ name: string; now: string }> {
  const p = await readProfile((await ctx.store()).db);
  return { name: p ? `${p.userName} (${p.userTitle})` : 'cfc', now: ctx.now() };
}

function exportsDir(ctx: ServiceContext): string {
  return path.join(ctx.dataDir, 'exports');
}

/**
 * Paths as given, plus staged uploads (browser mode's `PUT /upload`) resolved to their staged files; `stagedIdOf` says
 * which upload a file is (what the page is told instead of the path).
 */
function sourceFiles(ctx: ServiceContext, input: { paths?: string[] | undefined; stagedIds?: string[] | undefined }): { files: string[]; stagedIdOf(file: string): string | null } {
  const store = evidenceStore(ctx);
  const staged = new Map(
    (input.stagedIds ?? []).map((id) => {
      store.staged(id);
      return [path.join(store.dir, 'staging', id), id] as const;
    }),
  );
  // A folder given to import may contain this data folder: its stored packages are not new input.
  const own = path.resolve(ctx.dataDir) + path.sep;
  const files = [...expandInputs(input.paths ?? []).filter((f) => !path.resolve(f).startsWith(own)), ...staged.keys()];
  return { files, stagedIdOf: (file) => staged.get(file) ?? null };
}

function verifiedView(file: string, stagedId: string | null, v: Verification): VerifiedPackage {
  const core = (x: Verification) => ({
    outcome: x.outcome,
    reasons: x.reasons,
    manifestSha256: x.manifestSha256,
    kind: x.manifest?.kind ?? null,
    assessmentId: x.manifest?.assessmentId ?? null,
    revision: x.manifest?.revision ?? null,
    unit: x.manifest ? { code: x.manifest.unit.code, name: x.manifest.unit.name, edition: unitEditionOf(x.manifest) } : null,
    year: x.manifest?.period.year ?? null,
    summary: x.manifest
      ? { total: x.manifest.summary.total, maxTotal: x.manifest.summary.maxTotal, verdict: x.manifest.summary.verdict, provisional: x.manifest.summary.provisional }
      : null,
    signer: x.signer,
    size: x.packageSize,
  });
  return { file, stagedId, ...core(v), inner: v.inner ? core(v.inner) : null };
}

function summaryView(r: PackageTable): PackageSummaryView {
  return {
    manifestSha256: r.manifest_sha256,
    kind: r.kind,
    packageId: r.package_id,
    assessmentId: r.assessment_id,
    revision: r.revision,
    unit: { code: r.unit_code, name: r.unit_name, edition: r.unit_edition },
    year: r.year,
    total: r.total,
    verdict: r.verdict,
    provisional: r.provisional === 1,
    signer: { keyId: r.signer_key_id, fingerprint: fingerprintOf(r.signer_key_id), name: r.signer_name, role: r.signer_role },
    outcome: r.outcome,
    trustDecision: r.trust_decision,
    decisionReason: r.decision_reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    state: r.state,
    conflict: r.conflict === 1,
    innerManifestSha256: r.inner_manifest_sha256,
    createdAt: r.created_at,
    importedAt: r.imported_at,
  };
}

type Names =
  | 'keys.list'
  | 'keys.create'
  | 'keys.exportPublic'
  | 'trust.list'
  | 'trust.add'
  | 'trust.revoke'
  | 'packages.export'
  | 'packages.verify'
  | 'packages.import'
  | 'packages.list'
  | 'packages.get';

export const packagesHandlers: Handlers<Names> = {
  'keys.list': async (_input, ctx) => {
    const { db } = await ctx.store();
    return { items: await listSigningKeys(db, ctx.editions), sealing: ctx.secrets ? 'safeStorage' : 'passphrase' };
  },
  'keys.create': async (input, ctx) => {
    const { db } = await ctx.store();
    return createSigningKey(
      db,
      ctx.editions,
      { name: input.name, title: input.title, organisation: input.organisation, role: input.role, unitCode: input.unitCode, unitEdition: input.unitEdition },
      { secrets: ctx.secrets, passphrase: input.passphrase },
      await packagesActor(ctx),
    );
  },
  'keys.exportPublic': async (input, ctx) => {
    const { db } = await ctx.store();
    const row = await chooseSigningKey(db, input.keyId);
    const file = publicKeyFile(row, ctx.editions);
    const content = JSON.stringify(file, null, 2) + '\n';
    return { fileName: `KhoaCongKhai_${row.unit_code}_${row.key_id}.json`, content, keyId: row.key_id, fingerprint: fingerprintOf(row.key_id) };
  },
  'trust.list': async (_input, ctx) => {
    const { db } = await ctx.store();
    return { items: await trustList(db, ctx.editions) };
  },
  'trust.add': async (input, ctx) => {
    const { db } = await ctx.store();
    return trustAdd(db, ctx.editions, input.publicKey, await packagesActor(ctx));
  },
  'trust.revoke': async (input, ctx) => {
    const { db } = await ctx.store();
    return trustRevoke(db, ctx.editions, input.keyId, input.reason, await packagesActor(ctx));
  },
  'packages.export': async (input, ctx) => {
    const { db } = await ctx.store();
    const row = await chooseSigningKey(db, input.keyId);
    const pair = unsealKey(row, { secrets: ctx.secrets, passphrase: input.passphrase });
    if (input.saveToken && input.outPath) {
      throw new CfcError('invalid_input', { vi: 'Chỉ một nơi lưu: saveToken hoặc outPath.', en: 'One place to save: saveToken or outPath.' }, { field: 'saveToken' });
    }
    // "Save as…": where the shell's save dialog said, the token spent (a second call with it is refused).
    const target = input.saveToken ? ctx.saveTokens.redeem(input.saveToken, 'packages.export') : input.outPath;
    let out = target ?? exportsDir(ctx);
    if (!target) fs.mkdirSync(out, { recursive: true });
    out = path.resolve(out);
    const written = await exportRevision(
      { db, packs: packRegistry(ctx.resourcesDir, ctx.dataDir), editions: ctx.editions, evidence: evidenceStore(ctx), app: { name: ctx.app.name, version: ctx.app.version } },
      input.id,
      { row, pair },
      out,
      await packagesActor(ctx),
      { onProgress: ctx.progress, signal: ctx.signal },
    );
    return { file: written.file, fileName: written.fileName, size: written.size, manifestSha256: written.manifestSha256, keyId: row.key_id, fingerprint: fingerprintOf(row.key_id) };
  },
  'packages.verify': async (input, ctx) => {
    const { db } = await ctx.store();
    const { files, stagedIdOf } = sourceFiles(ctx, input);
    for (const file of files) {
      throwIfCancelled(ctx.signal);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        throw new CfcError('unreadable_file', { vi: `Không đọc được tệp ${file}.`, en: `Cannot read the file ${file}.` }, { field: 'paths' });
      }
    }
    const entries = await trustEntries(db);
    const vs = await verifyPackages(files, { packs: packRegistry(ctx.resourcesDir, ctx.dataDir), editions: ctx.editions, trust: lookupOf(entries), trustEntries: entries });
    return { items: files.map((file, i) => verifiedView(file, stagedIdOf(file), vs[i]!)) };
  },
  'packages.import': async (input, ctx) => {
    const { db } = await ctx.store();
    const { files, stagedIdOf } = sourceFiles(ctx, input);
    throwIfCancelled(ctx.signal);
    // The importer checks the signal between chunks and packages and undoes the package in flight (core/cancel.ts).
    const onProgress = (p: ImportProgress) => {
      ctx.progress({ index: p.index, total: p.total, label: path.basename(p.file), bytes: p.bytes, size: p.size });
    };
    const r = await importPackages(
      { db, packs: packRegistry(ctx.resourcesDir, ctx.dataDir), editions: ctx.editions, dataDir: ctx.dataDir },
      files,
      { acceptUntrusted: input.acceptUntrusted ? { reason: input.reason ?? '' } : null, who: await packagesActor(ctx), onProgress, signal: ctx.signal },
    );
    // Cancelled before every package was done: the call answers `cancelled` (the packages done before it stay imported)
    // and the staged uploads are kept, so Import can be pressed again without sending them again.
    if (r.items.some((i) => i.error?.code === CANCELLED)) throw cancelledError();
    // Staged uploads are consumed: imported or not, they are not kept.
    for (const id of input.stagedIds ?? []) {
      const store = evidenceStore(ctx);
      fs.rmSync(path.join(store.dir, 'staging', id), { force: true });
      fs.rmSync(path.join(store.dir, 'staging', `${id}.json`), { force: true });
    }
    return { ...r, items: r.items.map((item) => ({ ...item, stagedId: stagedIdOf(item.file) })) };
  },
  'packages.list': async (input, ctx) => {
    const { db } = await ctx.store();
    let q = db.selectFrom('package').selectAll().orderBy('year', 'desc').orderBy('unit_code').orderBy('kind').orderBy('revision', 'desc').orderBy('manifest_sha256');
    if (input.year !== undefined) q = q.where('year', '=', input.year);
    if (input.state !== undefined) q = q.where('state', '=', input.state);
    if (input.kind !== undefined) q = q.where('kind', '=', input.kind);
    if (input.assessmentId !== undefined) q = q.where('assessment_id', '=', input.assessmentId);
    return { items: (await q.execute()).map(summaryView) };
  },
  'packages.get': async (input, ctx) => {
    const { db } = await ctx.store();
    const row = await db.selectFrom('package').selectAll().where('manifest_sha256', '=', input.manifestSha256).executeTakeFirst();
    if (!row) throw new CfcError('not_found', { vi: 'Không có gói này.', en: 'No such package.' }, { field: 'manifestSha256' });
    const doc: AssessmentDoc = assessmentDocSchema.parse(JSON.parse(row.assessment_json));
    const values = await db.selectFrom('package_value').selectAll().where('manifest_sha256', '=', row.manifest_sha256).execute();
    const evidence = await db.selectFrom('package_evidence').selectAll().where('manifest_sha256', '=', row.manifest_sha256).orderBy('ord').execute();
    const audit = await db.selectFrom('package_audit').selectAll().where('manifest_sha256', '=', row.manifest_sha256).orderBy('line').execute();
    const manifest = JSON.parse(row.manifest_json) as { summary: { criteria: { id: string; points: number }[] } };
    const store = evidenceStore(ctx);
    const detail: PackageDetailView = {
      ...summaryView(row),
      supersedes: row.supersedes,
      unitClass: row.unit_class,
      unitClassReason: doc.unit.unitClassReason,
      pack: { id: row.pack_id, version: row.pack_version, sha256: row.pack_sha256 },
      untrustedReasons: row.untrusted_reasons ? (JSON.parse(row.untrusted_reasons) as { code: string; detail: string | null }[]) : [],
      fileSize: row.file_size,
      importedBy: row.imported_by,
      criteria: manifest.summary.criteria,
      entries: Object.fromEntries(
        values.map((v) => [
          v.indicator_id,
          {
            value: v.value_json === null ? null : (JSON.parse(v.value_json) as unknown),
            note: v.note,
            override: v.override_points === null ? null : { points: v.override_points, reason: v.override_reason ?? '' },
            computed: v.computed,
            points: v.points,
          },
        ]),
      ),
      evidence: evidence.map((e) => ({ ...evidenceMetaOf(e), stored: evidenceAvailable(store, ctx.dataDir, row.manifest_sha256, e) })),
      audit: audit.map((a) => auditLineSchema.parse(JSON.parse(a.entry_json))),
      people: { createdBy: doc.people.createdBy, createdAt: doc.people.createdAt, submittedBy: doc.people.submittedBy, submittedAt: doc.people.submittedAt },
      review: doc.review ? reviewSchema.parse(doc.review) : null,
    };
    return detail;
  },
};

/** The local contract's extra call (CLI, tests): a package straight from an input file and an evidence folder. */
export const packagesLocalHandlers: Handlers<'packages.create'> = {
  'packages.create': async (input, ctx) => {
    const raw = readJsonFile(input.input, 'input');
    const { db } = await ctx.store();
    const row = await chooseSigningKey(db, input.keyId);
    const pair = unsealKey(row, { secrets: ctx.secrets, passphrase: input.passphrase });
    const w = await createFromInput(
      { packs: packRegistry(ctx.resourcesDir, ctx.dataDir), editions: ctx.editions, app: { name: ctx.app.name, version: ctx.app.version } },
      raw,
      input.evidenceDir ?? null,
      { row, pair },
      path.resolve(input.outPath),
      await packagesActor(ctx),
      { onProgress: ctx.progress, signal: ctx.signal },
    );
    const m = w.manifest;
    return {
      file: w.file,
      fileName: w.fileName,
      size: w.size,
      manifestSha256: w.manifestSha256,
      keyId: row.key_id,
      fingerprint: fingerprintOf(row.key_id),
      unit: { code: m.unit.code, name: m.unit.name },
      year: m.period.year,
      revision: m.revision,
      summary: { total: m.summary.total, maxTotal: m.summary.maxTotal, verdict: m.summary.verdict },
    };
  },
};
