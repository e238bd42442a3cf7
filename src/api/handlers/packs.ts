import fs from 'node:fs';
import path from 'node:path';
import { CfcError } from '../../core/errors';
import { loadRevision } from '../../core/assessments/assessments';
import { newerVersions, previewRepack, repackDraft } from '../../core/assessments/repack';
import { diffPacks } from '../../core/criteria/diff';
import { installPack } from '../../core/criteria/installed';
import { writeDurably } from '../../core/fsx/durable';
import { packRegistry, packSummary } from '../../core/criteria/registry';
import { signPack } from '../../core/criteria/sign';
import { readPackSource, type PackSource } from '../../core/criteria/source';
import { fingerprintOf } from '../../core/packages/keys';
import { chooseSigningKey, trustLookup, unsealKey } from '../../core/packages/trust';
import type { ServiceContext } from '../context';
import { deps as assessmentDeps } from './assessments';
import { evidenceStore } from './evidence';
import { packagesActor } from './packages';
import type { Handlers } from './types';

/** Installed packs live as files in the data folder (src/core/criteria/installed.ts); the trust store checks signed ones. */

async function readSource(ctx: ServiceContext, file: string, name: string): Promise<PackSource> {
  const trust = await trustLookup((await ctx.store()).db);
  return readPackSource(file, trust, name);
}

function stagedFile(ctx: ServiceContext, stagedId: string): string {
  const store = evidenceStore(ctx);
  store.staged(stagedId);
  return path.join(store.dir, 'staging', stagedId);
}

async function install(ctx: ServiceContext, file: string, name: string) {
  const src = await readSource(ctx, file, name);
  const registry = packRegistry(ctx.resourcesDir, ctx.dataDir);
  const r = installPack(ctx.dataDir, { loaded: src.loaded, signed: src.signed, from: name, who: await packagesActor(ctx), known: (id, v) => registry.find(id, v) });
  return { summary: packSummary(packRegistry(ctx.resourcesDir, ctx.dataDir).require(r.loaded.pack.id, r.loaded.pack.version)), installed: r.installed };
}

/** Refuses to overwrite an existing file with an output: a person names a new file (nothing written). */
function freshOut(outPath: string): string {
  const out = path.resolve(outPath);
  if (!fs.existsSync(path.dirname(out))) {
    throw new CfcError('not_found', { vi: `Thư mục ${path.dirname(out)} không tồn tại.`, en: `The folder ${path.dirname(out)} does not exist.` }, { field: 'outPath' });
  }
  return out;
}

export const packsHandlers: Handlers<'packs.preview' | 'packs.installStaged' | 'packs.diff' | 'packs.repackDraft' | 'packs.newerVersions'> = {
  'packs.repackDraft': async (input, ctx) => {
    const deps = await assessmentDeps(ctx);
    if (input.apply) return { ...(await repackDraft(deps, input.id, input.version, await packagesActor(ctx))), applied: true };
    return { ...(await previewRepack(deps, input.id, input.version)), applied: false };
  },
  'packs.newerVersions': async (input, ctx) => {
    const deps = await assessmentDeps(ctx);
    const rev = await loadRevision(deps.db, deps.packs, input.id);
    return { current: { id: rev.row.pack_id, version: rev.row.pack_version }, draft: rev.row.status === 'draft', items: newerVersions(deps.packs, rev).map(packSummary) };
  },
  'packs.diff': async (input, ctx) => {
    const registry = packRegistry(ctx.resourcesDir, ctx.dataDir);
    const a = registry.require(input.a.id, input.a.version, 'a');
    const b = registry.require(input.b.id, input.b.version, 'b');
    return { a: packSummary(a), b: packSummary(b), changes: diffPacks(a.pack, b.pack) };
  },
  'packs.preview': async (input, ctx) => {
    const src = await readSource(ctx, stagedFile(ctx, input.stagedId), input.name ?? input.stagedId);
    const known = packRegistry(ctx.resourcesDir, ctx.dataDir).find(src.loaded.pack.id, src.loaded.pack.version);
    if (known && known.sha256 !== src.loaded.sha256) {
      throw new CfcError(
        'pack_mismatch',
        {
          vi: `Đã có gói ${known.pack.id} phiên bản ${known.pack.version} với nội dung khác; hãy đặt số phiên bản mới.`,
          en: `Pack ${known.pack.id} version ${known.pack.version} already exists with other content; give it a new version number.`,
        },
        { field: 'version' },
      );
    }
    const summary = packSummary(src.signed ? { ...src.loaded, origin: 'signed', issuer: src.signed.issuer } : { ...src.loaded, origin: 'installed' });
    return { summary, pack: src.loaded.pack, format: src.format, existing: known ? 'same' : 'new' };
  },
  'packs.installStaged': async (input, ctx) => install(ctx, stagedFile(ctx, input.stagedId), input.name ?? input.stagedId),
};

export const packsLocalHandlers: Handlers<'packs.install' | 'packs.toXlsx' | 'packs.fromXlsx' | 'packs.sign'> = {
  'packs.install': async (input, ctx) => install(ctx, input.file, input.file),
  'packs.toXlsx': async (input, ctx) => {
    const p = packRegistry(ctx.resourcesDir, ctx.dataDir).require(input.id, input.version, input.version === undefined ? 'id' : 'version');
    const out = freshOut(input.outPath);
    const { packToXlsx } = await import('../../core/criteria/xlsx'); // exceljs: loaded on first use
    writeDurably(out, await packToXlsx(p.pack));
    return { file: out, sha256: p.sha256 };
  },
  'packs.fromXlsx': async (input, ctx) => {
    const src = await readSource(ctx, input.file, input.file);
    if (src.format !== 'xlsx') {
      throw new CfcError('not_a_workbook', { vi: `Tệp ${input.file} không phải bảng tính XLSX.`, en: `The file ${input.file} is not an XLSX workbook.` }, { field: 'file' });
    }
    const out = freshOut(input.outPath);
    writeDurably(out, JSON.stringify(src.loaded.pack, null, 2) + '\n');
    return { file: out, summary: packSummary({ ...src.loaded, origin: input.file }) };
  },
  'packs.sign': async (input, ctx) => {
    const src = await readSource(ctx, input.file, input.file);
    const db = (await ctx.store()).db;
    const row = await chooseSigningKey(db, input.keyId);
    if (row.role !== 'province' && row.role !== 'assessor') {
      throw new CfcError(
        'role_not_allowed',
        { vi: `Khóa của ${row.holder_name} (${row.role}) không được phát hành gói tiêu chí; chỉ tỉnh hoặc tổ thẩm định.`, en: `${row.holder_name}'s key (${row.role}) may not issue criteria packs; only a province or an assessment team may.` },
        { field: 'keyId' },
      );
    }
    const pair = unsealKey(row, { secrets: ctx.secrets, passphrase: input.passphrase });
    const out = freshOut(input.outPath);
    writeDurably(out, signPack(src.loaded, pair, { name: row.holder_name, role: row.role, unitCode: row.unit_code }));
    return { file: out, keyId: pair.keyId, fingerprint: fingerprintOf(pair.keyId), sha256: src.loaded.sha256 };
  },
};

