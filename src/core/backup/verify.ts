import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cancelledError, isCancelled } from '../cancel';
import { fsyncFile } from '../fsx/durable';
import { PackageInvalid } from '../packages/reasons';
import { nameProblem } from '../packages/verify';
import { entryStream, openZip, readEntry, type OpenZip, type ZipEntry } from '../packages/zipread';
import type { BackupProgress } from './create';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BACKUP_REASONS,
  DATABASE_ENTRY,
  MANIFEST,
  MANIFEST_HASH,
  MAX_ENTRIES,
  MAX_MANIFEST_BYTES,
  backupManifestSchema,
  dataPathOf,
  kindOf,
  refused,
  type BackupManifest,
  type BackupReasonCode,
} from './format';
import { integrityCheck, readMigrations } from './sqlite';

export interface ReadOptions {
  /** The migrations this app knows, in order: a backup of a newer schema is refused. */
  knownMigrations: readonly string[];
  /** Restore: every entry is written under this folder (at its data folder path) while it is hashed. */
  extractDir?: string;
  onProgress?: (p: BackupProgress) => void;
  /** Aborted: reading stops between chunks, what was extracted is removed by the caller, `cancelled` is thrown. */
  signal?: AbortSignal | undefined;
}

export interface ReadBackup {
  manifest: BackupManifest;
  size: number;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The container's faults, as the package reader names them, become the backup's own reasons. */
function asBackupReason(e: unknown): never {
  if (e instanceof PackageInvalid) {
    const code = e.reason.code;
    const mapped: BackupReasonCode = code in BACKUP_REASONS ? (code as BackupReasonCode) : code.startsWith('name_') ? 'name_invalid' : code === 'entry_too_large' ? 'corrupt_entry' : 'zip_malformed';
    throw refused(mapped, { ...(e.reason.path ? { path: e.reason.path } : {}), ...(e.reason.detail ? { detail: e.reason.detail } : {}) });
  }
  throw e;
}

/**
 * Checks a backup, in this order, stopping at the first fault with one reason: the container; manifest.json against
 * manifest.sha256; the manifest's format and schema (a newer schema than this app knows is refused); the entry names and
 * the exact entry set (nothing extra, nothing missing, only the kinds a backup holds); sizes and methods from the
 * central directory; then every entry streamed and hashed against the manifest (written under `extractDir` as it goes,
 * when restoring); last the database copy itself (SQLite's integrity check, its migrations equal to the manifest's).
 * Never writes outside `extractDir` (verify alone uses a temporary folder for the database check, then removes it).
 */
export async function readBackup(file: string, opts: ReadOptions): Promise<ReadBackup> {
  const size = fs.statSync(file).size;
  let z: OpenZip | null = null;
  const scratch = opts.extractDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-verify-'));
  try {
    // 1. The container.
    z = await openZip(file, { maxEntries: MAX_ENTRIES }).catch(asBackupReason);
    const { zip, entries } = z;

    // 2. The manifest, against its hash.
    const named = (n: string) => entries.filter((e) => e.nameBytes.equals(Buffer.from(n, 'utf8')));
    const manifests = named(MANIFEST);
    const hashes = named(MANIFEST_HASH);
    if (manifests.length === 0 || hashes.length === 0) throw refused('manifest_missing');
    if (manifests.length > 1) throw refused('duplicate_entry', { path: MANIFEST });
    if (hashes.length > 1) throw refused('duplicate_entry', { path: MANIFEST_HASH });
    if (manifests[0]!.uncompressedSize > MAX_MANIFEST_BYTES) throw refused('manifest_too_large');
    const manifestBytes = await readEntry(zip, manifests[0]!, MAX_MANIFEST_BYTES, MANIFEST).catch(asBackupReason);
    const hashText = (await readEntry(zip, hashes[0]!, 256, MANIFEST_HASH).catch(asBackupReason)).toString('utf8').trim();
    const manifestSha = crypto.createHash('sha256').update(manifestBytes).digest('hex');
    if (hashText !== manifestSha) throw refused('manifest_hash_mismatch', { path: MANIFEST });

    // 3. Its format and schema.
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
    } catch (e) {
      throw refused('manifest_malformed', { detail: describe(e) });
    }
    const r = raw as { format?: unknown; formatVersion?: unknown } | null;
    if (!r || typeof r !== 'object' || r.format !== BACKUP_FORMAT) throw refused('manifest_malformed', { detail: `format is not "${BACKUP_FORMAT}"` });
    if (r.formatVersion !== BACKUP_FORMAT_VERSION) throw refused('unsupported_format', { detail: `formatVersion ${String(r.formatVersion)}, this app reads ${BACKUP_FORMAT_VERSION}` });
    const parsed = backupManifestSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw refused('manifest_malformed', { detail: i ? `${i.path.join('.')}: ${i.message}` : 'invalid' });
    }
    const manifest = parsed.data;
    checkSchema(manifest.migrations, opts.knownMigrations);
    if (manifest.schemaVersion !== (manifest.migrations[manifest.migrations.length - 1] ?? '')) {
      throw refused('manifest_malformed', { detail: `schemaVersion ${manifest.schemaVersion} is not the last of its migrations` });
    }

    // 4. Names, then the exact entry set.
    const seen = new Map<string, ZipEntry>();
    for (const e of entries) {
      const problem = nameProblem(e, 1024);
      if (problem) throw refused('name_invalid', { path: problem.reason.path ?? '?', detail: problem.reason.code });
      if (e.symlink) throw refused('symlink_entry', { path: e.name! });
      if (seen.has(e.name!)) throw refused('duplicate_entry', { path: e.name! });
      seen.set(e.name!, e);
    }
    const listed = new Map<string, BackupManifest['files'][number]>();
    for (const f of manifest.files) {
      if (listed.has(f.path)) throw refused('duplicate_entry', { path: f.path, detail: 'listed twice in the manifest' });
      if (!kindOf(f.path)) throw refused('entry_not_allowed', { path: f.path });
      listed.set(f.path, f);
    }
    for (const name of seen.keys()) {
      if (name === MANIFEST || name === MANIFEST_HASH) continue;
      if (!kindOf(name)) throw refused('entry_not_allowed', { path: name });
      if (!listed.has(name)) throw refused('extra_entry', { path: name });
    }
    for (const p of listed.keys()) if (!seen.has(p)) throw refused('missing_entry', { path: p });
    if (!listed.has(DATABASE_ENTRY)) throw refused('database_missing');

    // 5. Sizes and methods, from the central directory (nothing inflated yet).
    for (const [p, f] of listed) {
      const e = seen.get(p)!;
      if (e.encrypted) throw refused('encrypted_entry', { path: p });
      if (e.method !== 0 && e.method !== 8) throw refused('unsupported_compression', { path: p, detail: `method ${e.method}` });
      if (e.uncompressedSize !== f.size) throw refused('size_mismatch', { path: p, detail: `${e.uncompressedSize} in the ZIP, ${f.size} in the manifest` });
    }

    // 6. Every entry, streamed and hashed (and written out when restoring).
    const total = manifest.files.reduce((n, f) => n + f.size, 0);
    let bytes = 0;
    let index = 0;
    for (const f of manifest.files) {
      const e = seen.get(f.path)!;
      const target = opts.extractDir ? path.join(scratch, dataPathOf(f.path)) : f.path === DATABASE_ENTRY ? path.join(scratch, 'cfc.sqlite') : null;
      if (target) fs.mkdirSync(path.dirname(target), { recursive: true });
      const hash = crypto.createHash('sha256');
      let n = 0;
      const i = index++;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, next) {
          if (opts.signal?.aborted) return next(cancelledError());
          hash.update(chunk);
          n += chunk.length;
          bytes += chunk.length;
          opts.onProgress?.({ index: i, total: manifest.files.length, label: f.path, bytes, size: total });
          next(null, chunk);
        },
      });
      const sink = target ? fs.createWriteStream(target, { flags: 'wx' }) : new Writable({ write: (_c, _e, next) => next() });
      try {
        await pipeline(await entryStream(zip, e.raw), meter, sink);
      } catch (err) {
        if (isCancelled(err)) throw err;
        throw refused(/EOF|truncat|unexpected end/i.test(describe(err)) ? 'truncated' : 'corrupt_entry', { path: f.path, detail: describe(err) });
      }
      if (n !== f.size) throw refused('size_mismatch', { path: f.path, detail: `${n} bytes read, ${f.size} in the manifest` });
      const sha256 = hash.digest('hex');
      if (sha256 !== f.sha256) throw refused('hash_mismatch', { path: f.path });
      if (kindOf(f.path) === 'evidence' && !f.path.endsWith(`/${sha256}`)) throw refused('name_hash_mismatch', { path: f.path });
      if (target) fsyncFile(target);
    }

    // 7. The database copy: sound, and the schema the manifest says.
    const db = path.join(scratch, 'cfc.sqlite');
    const ok = integrityCheck(db);
    if (ok !== 'ok') throw refused('database_corrupt', { path: DATABASE_ENTRY, detail: ok });
    let applied: string[];
    try {
      applied = readMigrations(db);
    } catch (e) {
      throw refused('database_corrupt', { path: DATABASE_ENTRY, detail: describe(e) });
    }
    if (applied.join('\n') !== manifest.migrations.join('\n')) {
      throw refused('database_mismatch', { path: DATABASE_ENTRY, detail: `database: ${applied[applied.length - 1] ?? 'none'}, manifest: ${manifest.schemaVersion}` });
    }
    return { manifest, size };
  } finally {
    z?.close();
    if (!opts.extractDir) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A backup's migrations must be a prefix of the ones this app knows (an older backup is migrated when opened). */
export function checkSchema(applied: readonly string[], known: readonly string[]): void {
  const mismatch = applied.findIndex((name, i) => known[i] !== name);
  if (mismatch === -1) return;
  const name = applied[mismatch]!;
  if (!known.includes(name)) throw refused('newer_schema', { detail: `migration "${name}" is unknown to this version; it knows up to "${known[known.length - 1] ?? ''}"` });
  throw refused('schema_mismatch', { detail: `step ${mismatch + 1} is "${name}", expected "${known[mismatch] ?? ''}"` });
}
