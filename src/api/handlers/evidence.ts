import crypto from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { appendAudit, loadRevision, requireDraft } from '../../core/assessments/assessments';
import { writeTransaction } from '../../core/store/write';
import { packRegistry } from '../../core/criteria/registry';
import { CfcError } from '../../core/errors';
import { servableEvidence } from '../../core/evidence/hygiene';
import type { ServedEvidence } from '../fileRoute';
import { evidenceRefCount } from '../../core/evidence/refs';
import { EvidenceStore, evidenceMediaType, tooLarge, type StagedInfo } from '../../core/evidence/store';
import { findReviewEvidence } from '../../core/reviews/evidence';
import { findPackageEvidence } from '../../core/reviews/reviews';
import type { EvidenceTable } from '../../core/store/schema';
import type { ServiceContext } from '../context';
import { actor, deps, evidenceItemOf } from './assessments';
import { settingsView } from './profile';
import type { Handlers } from './types';

export function evidenceStore(ctx: ServiceContext): EvidenceStore {
  return new EvidenceStore(path.join(ctx.dataDir, 'evidence'));
}

/** The evidence size limit from the settings, in bytes. */
export async function maxBytes(ctx: ServiceContext): Promise<number> {
  return (await settingsView(ctx)).evidenceMaxMb * 1024 * 1024;
}

/** The largest signed package accepted for import (the package format bounds its total size too). */
export const MAX_PACKAGE_BYTES = 8 * 1024 * 1024 * 1024;
/** The largest criteria pack file (`.cfcpack` or a pack's `.json`, to preview and install; a workbook is within the evidence limit). */
export const MAX_PACK_FILE_BYTES = 16 * 1024 * 1024;
/** The largest backup (`.cfcbak`, to restore) accepted as an upload. */
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024 * 1024;

/**
 * Streams one file into the staging area (browser mode's `PUT /upload`, Electron's bridge). A signed package
 * (`.cfcpkg`, to verify or import) is bounded by the package limit, a backup (`.cfcbak`, to restore) by the backup limit; anything else is evidence: its type is checked from
 * the name first and its size against the evidence limit as it arrives, so a refused file is never kept.
 */
export async function stageUpload(ctx: ServiceContext, source: Readable, name: string, declaredSize?: number): Promise<StagedInfo> {
  const ext = path.extname(name).toLowerCase();
  const isPackage = ext === '.cfcpkg' || ext === '.cfcbak';
  const isPack = ext === '.cfcpack' || ext === '.json';
  if (!isPackage && !isPack) evidenceMediaType(name);
  const limit = ext === '.cfcbak' ? MAX_BACKUP_BYTES : isPackage ? MAX_PACKAGE_BYTES : isPack ? MAX_PACK_FILE_BYTES : await maxBytes(ctx);
  if (declaredSize !== undefined && declaredSize > limit) {
    source.resume();
    throw tooLarge(name, limit);
  }
  return evidenceStore(ctx).stage(source, { maxBytes: limit, name });
}

/** The stored file of a live evidence row, for previews and downloads. */
export async function evidenceFile(ctx: ServiceContext, evidenceId: string): Promise<ServedEvidence> {
  const { db } = await ctx.store();
  const row = await db.selectFrom('evidence').selectAll().where('id', '=', evidenceId).where('removed_at', 'is', null).executeTakeFirst();
  const store = evidenceStore(ctx);
  // Served only when intact (its content is its SHA-256): the stored file, or its entry in a package that carries it.
  const served = async (e: { sha256: string; name: string; media_type: string; size: number }): Promise<ServedEvidence> => {
    const r = await servableEvidence({ db, dataDir: ctx.dataDir }, store, e);
    return { path: r.path, start: r.start, size: r.length, name: e.name, mediaType: e.media_type };
  };
  if (!row) {
    // The review team's own evidence (a random id, never in the package preview id layout's range of hashes).
    const r = await findReviewEvidence(db, evidenceId);
    if (r) return served(r);
    // Evidence carried by an imported package (the assessor's review shows it): named by its content's hash.
    const p = await findPackageEvidence(db, evidenceId);
    if (p) return served(p);
  }
  if (!row) {
    throw new CfcError('not_found', { vi: 'Không tìm thấy tệp minh chứng.', en: 'No such evidence file.' }, { field: 'evidenceId' });
  }
  return served(row);
}

export const evidenceHandlers: Handlers<'evidence.attach' | 'evidence.remove'> = {
  'evidence.attach': async (input, ctx) => {
    const d = await deps(ctx);
    const who = await actor(ctx);
    const rev = await loadRevision(d.db, packRegistry(ctx.resourcesDir, ctx.dataDir), input.id);
    requireDraft(rev.row);
    if (!rev.pack.pack.criteria.some((c) => c.indicators.some((i) => i.id === input.indicatorId))) {
      throw new CfcError(
        'invalid_input',
        { vi: `Trường indicatorId: không có chỉ tiêu "${input.indicatorId}".`, en: `Field indicatorId: no indicator "${input.indicatorId}".` },
        { field: 'indicatorId' },
      );
    }
    const store = evidenceStore(ctx);
    const limit = await maxBytes(ctx);
    // Check every file before moving any into place.
    const files = input.files.map((f, i) => {
      const staged = store.staged(f.stagedId);
      if (staged.size > limit) throw tooLarge(f.name, limit);
      const mediaType = evidenceMediaType(f.name);
      return { ...f, ...staged, mediaType, field: `files.${i}` };
    });
    const storedOnce = files.filter((f) => store.has(f.sha256, f.size)).map((f) => f.name);
    // Into the store durably; if the transaction below fails they are left for the collector (never deleted here).
    for (const f of files) store.commit(f.stagedId);
    const rows: EvidenceTable[] = files.map((f) => ({
      id: crypto.randomUUID(),
      revision_id: rev.row.id,
      indicator_id: input.indicatorId,
      sha256: f.sha256,
      name: f.name.normalize('NFC'),
      media_type: f.mediaType,
      size: f.size,
      added_by: who.name,
      added_at: who.now,
      copied: 0,
      removed_by: null,
      removed_at: null,
    }));
    await writeTransaction(d.db, async (trx) => {
      // Checked again under the write lock: the revision may have been submitted since it was read above.
      requireDraft((await loadRevision(trx, d.packs, rev.row.id)).row);
      for (const r of rows) {
        await trx.insertInto('evidence').values(r).execute();
        await appendAudit(trx, rev.row, who, 'evidence_add', {
          indicatorId: input.indicatorId,
          new: { name: r.name, sha256: r.sha256, size: r.size, mediaType: r.media_type },
        });
      }
      await trx.updateTable('assessment').set({ updated_at: who.now }).where('id', '=', rev.row.id).execute();
    });
    return { items: rows.map(evidenceItemOf), storedOnce };
  },
  'evidence.remove': async (input, ctx) => {
    const d = await deps(ctx);
    const who = await actor(ctx);
    // Read and checked inside one BEGIN IMMEDIATE transaction: a removal racing a submit (or another removal) sees
    // the state it changes.
    const { row, live } = await writeTransaction(d.db, async (trx) => {
      const row = await trx.selectFrom('evidence').selectAll().where('id', '=', input.evidenceId).where('removed_at', 'is', null).executeTakeFirst();
      if (!row) {
        throw new CfcError('not_found', { vi: 'Không tìm thấy minh chứng này (có thể đã được gỡ).', en: 'No such evidence (it may have been removed already).' }, { field: 'evidenceId' });
      }
      const rev = await loadRevision(trx, d.packs, row.revision_id);
      requireDraft(rev.row);
      await trx.updateTable('evidence').set({ removed_at: who.now, removed_by: who.name }).where('id', '=', row.id).execute();
      await appendAudit(trx, rev.row, who, 'evidence_remove', {
        indicatorId: row.indicator_id,
        old: { name: row.name, sha256: row.sha256, size: row.size, mediaType: row.media_type },
        reason: input.reason ?? null,
      });
      await trx.updateTable('assessment').set({ updated_at: who.now }).where('id', '=', rev.row.id).execute();
      // Live links of the workspaces, imported packages and review teams that refer to the same file.
      return { row, live: await evidenceRefCount(trx, row.sha256) };
    });
    const fileReleased = live === 0 ? evidenceStore(ctx).release(row.sha256) : false;
    return { removed: evidenceItemOf({ ...row, removed_at: who.now, removed_by: who.name }), fileReleased };
  },
};
