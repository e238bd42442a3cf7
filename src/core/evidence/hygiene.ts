import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { CfcError } from '../errors';
import { EXTENSION } from '../packages/format';
import { packageStagingDir, packagesDir, storedPackagePath } from '../packages/stored';
import { localHeader, openZip } from '../packages/zipread';
import type { Database } from '../store/schema';
import { rangeStream } from '../fsx/range';
import { EvidenceStore, fileStamp } from './store';

/**
 * Crash hygiene of the data folder. A crash (or a power cut) in the middle of an upload or an import leaves files that
 * no row refers to: staged uploads, import work folders under `packages/staging/`, evidence and package files moved into
 * place before a transaction that never committed. Files are never deleted inline by the call that released them
 * (another call may be about to use the same content); this collector deletes them at start-up and after each import
 * batch, only once they have been unreferenced and unused for a day (their modification time: every call that stores
 * or re-uses a file marks it used, see `EvidenceStore.place`). And a stored file whose content is not what its name
 * says is repaired, when it is read, from any stored package or staged upload that carries it (`ensureEvidence`).
 */

export const ORPHAN_MIN_AGE_MS = 24 * 60 * 60 * 1000;

export interface HygieneDeps {
  db: Kysely<Database>;
  dataDir: string;
}

export interface HygieneReport {
  /** Staged uploads never attached or imported. */
  stagedUploads: number;
  /** Part files (and older work folders) of imports that never finished. */
  importLeftovers: number;
  /** Evidence files no workspace, package or review refers to. */
  evidence: number;
  /** Package files no package row refers to. */
  packages: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

function ageOf(p: string, now: number): number {
  try {
    return now - fs.statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

/** Every SHA-256 a row refers to: live workspace links, every imported package's evidence, live team attachments. */
async function referencedEvidence(db: Kysely<Database>): Promise<Set<string>> {
  const rows = await sql<{ sha256: string }>`
    select sha256 from evidence where removed_at is null
    union select sha256 from package_evidence
    union select sha256 from review_evidence where removed_at is null`.execute(db);
  return new Set(rows.rows.map((r) => r.sha256));
}

/**
 * Sweeps the staging folders and deletes the evidence and package files nothing refers to, each only when older than
 * `maxAgeMs` (a day). `now` is the file system's clock (file times), not the app's.
 */
export async function collectOrphans(deps: HygieneDeps, opts: { now?: number; maxAgeMs?: number } = {}): Promise<HygieneReport> {
  const now = opts.now ?? Date.now();
  const maxAge = opts.maxAgeMs ?? ORPHAN_MIN_AGE_MS;
  const old = (p: string) => ageOf(p, now) > maxAge;
  const store = new EvidenceStore(path.join(deps.dataDir, 'evidence'));
  const report: HygieneReport = { stagedUploads: store.sweepStaging(maxAge, now), importLeftovers: 0, evidence: 0, packages: 0 };

  // Import leftovers under packages/staging/: part files (or, before, work folders) of imports that never finished.
  const work = packageStagingDir(deps.dataDir);
  if (fs.existsSync(work)) {
    for (const f of fs.readdirSync(work)) {
      const p = path.join(work, f);
      if (!old(p) || hasFreshFile(p, now, maxAge)) continue;
      fs.rmSync(p, { recursive: true, force: true });
      report.importLeftovers++;
    }
  }

  // Evidence: `<dir>/<aa>/<sha256>` files that no row names.
  const refs = await referencedEvidence(deps.db);
  if (fs.existsSync(store.dir)) {
    for (const aa of fs.readdirSync(store.dir)) {
      if (!/^[0-9a-f]{2}$/.test(aa)) continue;
      for (const f of fs.readdirSync(path.join(store.dir, aa))) {
        if (!SHA256.test(f) || !f.startsWith(aa) || refs.has(f)) continue;
        if (old(store.pathOf(f)) && store.remove(f)) report.evidence++;
      }
    }
  }

  // Packages: `<manifest sha256>.cfcpkg` files without their row.
  const pkgDir = packagesDir(deps.dataDir);
  if (fs.existsSync(pkgDir)) {
    const known = new Set((await deps.db.selectFrom('package').select('manifest_sha256').execute()).map((r) => r.manifest_sha256));
    for (const f of fs.readdirSync(pkgDir)) {
      const sha = f.endsWith(EXTENSION) ? f.slice(0, -EXTENSION.length) : '';
      if (!SHA256.test(sha) || known.has(sha)) continue;
      const p = path.join(pkgDir, f);
      if (old(p)) {
        fs.rmSync(p, { force: true });
        report.packages++;
      }
    }
  }
  return report;
}

/** Whether anything under a folder was written recently (an import still writing into its work folder). */
function hasFreshFile(dir: string, now: number, maxAge: number): boolean {
  let fresh = false;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (ageOf(p, now) <= maxAge) fresh = true;
      else if (e.isDirectory()) walk(p);
      if (fresh) return;
    }
  };
  try {
    if (fs.statSync(dir).isDirectory()) walk(dir);
  } catch {
    /* gone */
  }
  return fresh;
}

/** Streams `source` into `part` while hashing; true when the content has this SHA-256 and size. */
async function copyChecked(source: NodeJS.ReadableStream, part: string, sha256: string, size: number): Promise<boolean> {
  const hash = crypto.createHash('sha256');
  let n = 0;
  await pipeline(
    source,
    new Transform({
      transform(c: Buffer, _e, done) {
        hash.update(c);
        n += c.length;
        done(null, c);
      },
    }),
    fs.createWriteStream(part, { flags: 'wx' }),
  );
  return n === size && hash.digest('hex') === sha256;
}

/** Bytes of a file: `length` of them from `start`. */
export interface ByteRange {
  path: string;
  start: number;
  length: number;
}

/** Ranges checked in this process (file@start+length → the file's stamp when it was found to match its SHA-256). */
const rangesChecked = new Map<string, string>();

/** Streams a range while hashing; true when it has this SHA-256 (remembered while the file is unchanged). */
async function rangeIntact(r: ByteRange, sha256: string): Promise<boolean> {
  const key = `${r.path}@${r.start}+${r.length}`;
  const stamp = fileStamp(r.path);
  if (!stamp) return false;
  if (rangesChecked.get(key) === stamp) return true;
  const hash = crypto.createHash('sha256');
  for await (const c of rangeStream(r.path, r.start, r.length, { highWaterMark: 1024 * 1024 })) hash.update(c as Buffer);
  const ok = hash.digest('hex') === sha256;
  if (ok) rangesChecked.set(key, stamp);
  else rangesChecked.delete(key);
  return ok;
}

/**
 * Where each stored package that carries this content has it: its `evidence/<sha256>` entry, stored uncompressed, is a
 * byte range of the package file (read from the central directory and the entry's local header; nothing is copied).
 */
async function carriedRanges(deps: HygieneDeps, e: { sha256: string; size: number }): Promise<ByteRange[]> {
  const carriers = await deps.db.selectFrom('package_evidence').select('manifest_sha256').distinct().where('sha256', '=', e.sha256).execute();
  const out: ByteRange[] = [];
  for (const c of carriers) {
    const file = storedPackagePath(deps.dataDir, c.manifest_sha256);
    if (!fs.existsSync(file)) continue;
    try {
      const z = await openZip(file, { maxEntries: 100_000 });
      try {
        const entry = z.entries.find((x) => x.name === `evidence/${e.sha256}`);
        if (!entry || entry.method !== 0 || entry.encrypted || entry.compressedSize !== e.size) continue;
        out.push({ path: file, start: (await localHeader(z.zip, entry.raw)).fileDataStart, length: e.size });
      } finally {
        z.close();
      }
    } catch {
      /* this package cannot be read any more: another carrier may be */
    }
  }
  return out;
}

/**
 * Whether an evidence file listed by a stored package can be shown: in the evidence store, or carried inside that
 * package's file (where an import leaves it). Whether its bytes are intact is checked when it is served.
 */
export function evidenceAvailable(store: EvidenceStore, dataDir: string, manifestSha256: string, e: { sha256: string; size: number }): boolean {
  return store.has(e.sha256, e.size) || fs.existsSync(storedPackagePath(dataDir, manifestSha256));
}

/**
 * What to serve for an evidence file: the stored file when it is intact, else its entry in a stored package that
 * carries it (an import keeps an imported package's evidence inside the package, stored once), checked against its
 * SHA-256 before it is served; else the stored file repaired from a staged upload (`ensureEvidence`), or the error
 * that says it is missing or damaged.
 */
export async function servableEvidence(deps: HygieneDeps, store: EvidenceStore, e: { sha256: string; size: number; name: string }): Promise<ByteRange> {
  if (store.has(e.sha256, e.size) && (await store.intact(e.sha256))) return { path: store.pathOf(e.sha256), start: 0, length: e.size };
  for (const r of await carriedRanges(deps, e)) if (await rangeIntact(r, e.sha256)) return r;
  return { path: await ensureEvidence(deps, store, e), start: 0, length: e.size };
}

/**
 * The path of an intact stored evidence file, as a file of its own (for exporting it into a new package). A file
 * absent or whose content is not its SHA-256 (empty or cut short by a power cut, or changed) is written from a staged
 * upload or a stored package that carries the same content, checked as it is copied; when nothing here carries it,
 * `evidence_missing` or `evidence_damaged` names the file.
 */
export async function ensureEvidence(deps: HygieneDeps, store: EvidenceStore, e: { sha256: string; size: number; name: string }): Promise<string> {
  const target = store.pathOf(e.sha256);
  if (store.has(e.sha256, e.size) && (await store.intact(e.sha256))) return target;
  const part = path.join(store.dir, 'staging', `repair-${crypto.randomUUID()}.part`);
  fs.mkdirSync(path.dirname(part), { recursive: true });
  const attempt = async (open: () => Promise<NodeJS.ReadableStream>): Promise<boolean> => {
    try {
      if (await copyChecked(await open(), part, e.sha256, e.size)) {
        if (!store.place(part, e.sha256, e.size)) fs.rmSync(part, { force: true });
        return true;
      }
    } catch {
      /* this source is unreadable too: try the next */
    }
    fs.rmSync(part, { force: true });
    return false;
  };
  // A staged upload of the same bytes (copied: the upload may still be attached by a call in flight).
  for (const s of store.stagedFiles()) {
    if (s.sha256 === e.sha256 && s.size === e.size && (await attempt(async () => fs.createReadStream(path.join(store.dir, 'staging', s.stagedId))))) return target;
  }
  // Any stored package that carries it.
  for (const r of await carriedRanges(deps, e)) if (await attempt(async () => rangeStream(r.path, r.start, r.length))) return target;
  const short = e.sha256.slice(0, 12);
  if (!fs.existsSync(target)) {
    throw new CfcError('evidence_missing', {
      vi: `Thiếu tệp minh chứng "${e.name}" (${short}…) trong thư mục dữ liệu và không có gói hồ sơ hay tệp tải lên nào ở đây chứa nó; hãy đính kèm lại tệp gốc hoặc nhập lại gói có tệp này.`,
      en: `The evidence file "${e.name}" (${short}…) is missing from the data folder and no package or upload here carries it; attach the original file again or re-import a package that carries it.`,
    });
  }
  throw new CfcError('evidence_damaged', {
    vi: `Tệp minh chứng "${e.name}" trong thư mục dữ liệu bị hỏng (nội dung không khớp mã SHA-256 ${short}…, có thể do mất điện khi đang ghi) và không có gói hồ sơ hay tệp tải lên nào ở đây chứa nó; hãy đính kèm lại tệp gốc hoặc nhập lại gói có tệp này.`,
    en: `The evidence file "${e.name}" in the data folder is damaged (its content does not match SHA-256 ${short}…, e.g. after a power cut while it was written) and no package or upload here carries it; attach the original file again or re-import a package that carries it.`,
  });
}
