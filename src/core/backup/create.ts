import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import yazl from 'yazl';
import { cancelledError, throwIfCancelled } from '../cancel';
import { CfcError } from '../errors';
import type { Store } from '../store/db';
import {
  APP_ENTRIES,
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BACKUPS_DIR,
  DATABASE_ENTRY,
  MANIFEST,
  MANIFEST_HASH,
  kindOf,
  type BackupFile,
  type BackupManifest,
} from './format';
import { listTables, readMigrations, signingKeyCounts } from './sqlite';

export interface BackupProgress {
  /** Entries done, and how many in all. */
  index: number;
  total: number;
  /** The entry being written. */
  label: string;
  /** Bytes written of all of them. */
  bytes: number;
  size: number;
}

export interface CreateOptions {
  app: { name: string; version: string };
  now: string;
  onProgress?: (p: BackupProgress) => void;
  /** Aborted: the writing stops between chunks, nothing is left (no `.part`, no database copy), `cancelled` is thrown. */
  signal?: AbortSignal;
}

export interface Created {
  file: string;
  size: number;
  sha256: string;
  manifest: BackupManifest;
}

interface Source {
  /** The entry path in the backup. */
  path: string;
  /** Where the bytes are. */
  file: string;
  size: number;
  compress: boolean;
}

function walk(root: string, rel: string, skip: (rel: string) => boolean, out: string[]): void {
  const dir = path.join(root, rel);
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (skip(r)) continue;
    if (e.isDirectory()) walk(root, r, skip, out);
    else if (e.isFile()) out.push(r);
  }
}

/**
 * The files of the data folder that go into a backup, by entry path, and what is left out. Looks at what is there:
 * the stores' files are named by their layout (`format.ts`), unfinished work is skipped, and anything else found is
 * reported as not included rather than silently dropped or blindly copied.
 */
export function collectFiles(dataDir: string): { sources: Source[]; notIncluded: BackupManifest['notIncluded'] } {
  const sources: Source[] = [];
  const notIncluded: BackupManifest['notIncluded'] = [];
  const why: Record<string, string> = {
    'evidence/staging': 'uploads not yet attached (dropped after a day)',
    'packages/staging': 'imports in progress',
    reports: 'generated reports (made again from the data)',
    [BACKUPS_DIR]: 'the backups themselves',
    'cfc.sqlite': 'copied consistently as database/cfc.sqlite',
    'cfc.sqlite-wal': 'folded into the database copy',
    'cfc.sqlite-shm': 'folded into the database copy',
  };
  for (const top of ['evidence', 'packages', 'exports']) {
    const files: string[] = [];
    walk(dataDir, top, (r) => r === 'evidence/staging' || r === 'packages/staging', files);
    for (const rel of files) {
      const kind = kindOf(rel);
      if (!kind || kind === 'database') {
        notIncluded.push({ path: rel, why: 'not a file of the app’s stores' });
        continue;
      }
      const file = path.join(dataDir, ...rel.split('/'));
      sources.push({ path: rel, file, size: fs.statSync(file).size, compress: false });
    }
  }
  for (const skipped of ['evidence/staging', 'packages/staging']) {
    if (fs.existsSync(path.join(dataDir, skipped))) notIncluded.push({ path: skipped, why: why[skipped]! });
  }
  const kept = new Set<string>([...APP_ENTRIES, BACKUPS_DIR]);
  for (const e of fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : []) {
    if (e === 'evidence' || e === 'packages' || e === 'exports' || e === 'cfc.sqlite') continue;
    notIncluded.push({ path: e, why: why[e] ?? (kept.has(e) ? 'kept by the app' : 'not kept by this app (e.g. Electron’s own files)') });
  }
  sources.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { sources, notIncluded };
}

/** A stored file that is not what its name says is not copied into a backup as if it were sound. */
function storedFileDamaged(rel: string): CfcError {
  return new CfcError('backup_stored_file_damaged', {
    vi: `Tệp ${rel} trong thư mục dữ liệu không khớp với mã băm trong tên của nó (tệp đã hỏng); bản sao lưu không được tạo.`,
    en: `The file ${rel} in the data folder does not match the hash in its name (it is damaged); the backup was not made.`,
  });
}

/**
 * Writes a backup of the data folder to `outFile`: first a consistent copy of the database (SQLite's online backup,
 * so the app keeps running), then the stored files streamed in while they are hashed, then the manifest naming every
 * entry's size and SHA-256. Written to `<outFile>.part` and renamed when complete; on any failure nothing is left.
 */
export async function createBackup(store: Store, dataDir: string, outFile: string, opts: CreateOptions): Promise<Created> {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const part = `${outFile}.part`;
  const dbCopy = `${outFile}.db-${crypto.randomUUID()}`;
  try {
    throwIfCancelled(opts.signal);
    // 1. The database, consistent as of one moment, while other calls may go on writing.
    await store.sqlite.backup(dbCopy);
    throwIfCancelled(opts.signal);
    const migrations = readMigrations(dbCopy);
    const tables = listTables(dbCopy);
    const keys = signingKeyCounts(dbCopy);

    // 2. The stored files (after the copy: every file its rows name is already there).
    const { sources, notIncluded } = collectFiles(dataDir);
    const all: Source[] = [{ path: DATABASE_ENTRY, file: dbCopy, size: fs.statSync(dbCopy).size, compress: true }, ...sources];
    const size = all.reduce((n, s) => n + s.size, 0);
    const files: BackupFile[] = [];
    let bytes = 0;
    const mtime = new Date(opts.now);
    const zip = new yazl.ZipFile();
    const out = fs.createWriteStream(part, { flags: 'w' });

    const manifest = await new Promise<BackupManifest>((resolve, reject) => {
      let failed = false;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        out.destroy();
        reject(e);
      };
      let built: BackupManifest | null = null;
      out.on('error', fail);
      out.on('close', () => {
        if (!failed && built) resolve(built);
      });
      (zip as unknown as NodeJS.EventEmitter).on('error', fail);
      zip.outputStream.on('error', fail);
      zip.outputStream.pipe(out);
      const done = all.map(
        (s, index) =>
          new Promise<void>((ok) => {
            zip.addReadStreamLazy(s.path, { mtime, mode: 0o100644, compress: s.compress, size: s.size }, (cb) => {
              const hash = crypto.createHash('sha256');
              let seen = 0;
              const meter = new Transform({
                transform(chunk: Buffer, _enc, next) {
                  if (opts.signal?.aborted) return next(cancelledError());
                  hash.update(chunk);
                  seen += chunk.length;
                  bytes += chunk.length;
                  opts.onProgress?.({ index, total: all.length, label: s.path, bytes, size });
                  next(null, chunk);
                },
                flush(next) {
                  const sha256 = hash.digest('hex');
                  if (kindOf(s.path) === 'evidence' && !s.path.endsWith(`/${sha256}`)) return next(storedFileDamaged(s.path));
                  files.push({ path: s.path, size: seen, sha256 });
                  next();
                  ok();
                },
              });
              const src = fs.createReadStream(s.file, { highWaterMark: 1024 * 1024 });
              src.on('error', fail);
              meter.on('error', (e) => {
                src.destroy();
                fail(e);
              });
              cb(null, src.pipe(meter));
            });
          }),
      );
      void Promise.all(done).then(() => {
        const sum = (k: string) => files.filter((f) => kindOf(f.path) === k);
        const group = (k: string) => ({ files: sum(k).length, bytes: sum(k).reduce((n, f) => n + f.size, 0) });
        built = {
          format: BACKUP_FORMAT,
          formatVersion: BACKUP_FORMAT_VERSION,
          app: opts.app,
          schemaVersion: migrations[migrations.length - 1] ?? '',
          migrations,
          createdAt: opts.now,
          included: {
            database: { path: DATABASE_ENTRY, tables },
            signingKeys: {
              count: keys.reduce((n, k) => n + k.n, 0),
              sealedBy: keys.map((k) => k.kind),
              note: 'in the database (table signing_key), still sealed as stored: a passphrase-sealed key needs its passphrase; one sealed by the operating system opens only for the same user on the same computer',
            },
            evidence: group('evidence'),
            packages: group('package'),
            exports: group('export'),
          },
          notIncluded,
          files,
        };
        const bytesOut = Buffer.from(JSON.stringify(built, null, 1), 'utf8');
        zip.addBuffer(bytesOut, MANIFEST, { mtime, mode: 0o100644, compress: true });
        zip.addBuffer(Buffer.from(crypto.createHash('sha256').update(bytesOut).digest('hex') + '\n', 'utf8'), MANIFEST_HASH, { mtime, mode: 0o100644, compress: false });
        zip.end();
      });
    });
    throwIfCancelled(opts.signal);
    fs.renameSync(part, outFile);
    const sha256 = await hashFile(outFile);
    return { file: outFile, size: fs.statSync(outFile).size, sha256, manifest };
  } catch (e) {
    fs.rmSync(part, { force: true });
    throw e;
  } finally {
    fs.rmSync(dbCopy, { force: true });
  }
}

export async function hashFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
