import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { CfcError } from '../errors';
import { placeDurably, touch } from '../fsx/durable';

export interface StagedInfo {
  stagedId: string;
  sha256: string;
  size: number;
}

const SHA256 = /^[0-9a-f]{64}$/;
const STAGED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function tooLarge(name: string, maxBytes: number): CfcError {
  const mb = Math.round(maxBytes / (1024 * 1024));
  return new CfcError(
    'evidence_too_large',
    {
      vi: `Tệp "${name}" vượt giới hạn ${mb} MB cho mỗi tệp minh chứng (có thể đổi trong Cài đặt).`,
      en: `The file "${name}" is over the ${mb} MB limit for one evidence file (changeable in Settings).`,
    },
    { field: 'file' },
  );
}

/**
 * Evidence files, content-addressed: `<dir>/<aa>/<sha256>`. A file arrives in two steps: `stage` streams it into
 * `<dir>/staging` while hashing (never whole in memory, refused past the size limit), then `commit` moves it into place
 * durably (see `placeDurably`), or drops it when an intact copy of that content is already stored (same file twice →
 * stored once; a damaged copy is replaced). Nothing is deleted inline: `release` marks a file nothing refers to any
 * more, and the collector (`collectOrphans`, hygiene.ts) deletes it once unused for a day.
 */
export class EvidenceStore {
  readonly dir: string;
  private readonly staging: string;

  constructor(dir: string) {
    this.dir = dir;
    this.staging = path.join(dir, 'staging');
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  /**
   * Whether the content is stored: the file exists, has `size` bytes when the caller knows the size (a power cut can
   * leave an empty or short file under a hash name), and was not found damaged by `intact` in this process.
   */
  has(sha256: string, size?: number): boolean {
    const p = this.pathOf(sha256);
    const st = statOf(p);
    if (!st || (size !== undefined && st.size !== size)) return false;
    return damaged.get(p) !== stampOf(st);
  }

  /**
   * Whether the stored file's content has the SHA-256 it is named by: streamed once, then remembered for this process
   * while the file is unchanged (same size, time and inode). What `has()` cannot see (a changed byte) shows here.
   */
  async intact(sha256: string): Promise<boolean> {
    const p = this.pathOf(sha256);
    const st = statOf(p);
    if (!st) return false;
    const stamp = stampOf(st);
    if (checked.get(p) === stamp) return true;
    if (damaged.get(p) === stamp) return false;
    const hash = crypto.createHash('sha256');
    await pipeline(fs.createReadStream(p, { highWaterMark: 1024 * 1024 }), new Transform({ transform: (c: Buffer, _e, done) => (hash.update(c), done()) }));
    const ok = hash.digest('hex') === sha256;
    (ok ? checked : damaged).set(p, stamp);
    (ok ? damaged : checked).delete(p);
    return ok;
  }

  /**
   * Puts a complete file whose SHA-256 the caller has checked into the store (durably, see `placeDurably`), unless an
   * intact copy is there already: that copy is then marked used now (so the collector keeps it) and `from` is left to
   * the caller. A damaged copy (wrong size, or found damaged) is replaced: the store repairs itself from any upload or
   * package that carries the same content. Returns whether `from` was moved in.
   */
  place(from: string, sha256: string, size: number): boolean {
    const target = this.pathOf(sha256);
    if (this.has(sha256, size)) {
      const before = statOf(target);
      touch(target);
      const after = statOf(target);
      // Marking it used is not a change of content: what was checked stays checked.
      if (before && after && checked.get(target) === stampOf(before)) checked.set(target, stampOf(after));
      return false;
    }
    placeDurably(from, target);
    const st = statOf(target);
    if (st) {
      checked.set(target, stampOf(st));
      damaged.delete(target);
    }
    return true;
  }

  /** Streams `source` into the staging area, hashing as it goes; refuses (and leaves nothing) past `maxBytes`. */
  async stage(source: Readable, opts: { maxBytes: number; name: string }): Promise<StagedInfo> {
    fs.mkdirSync(this.staging, { recursive: true });
    const stagedId = crypto.randomUUID();
    const part = path.join(this.staging, `${stagedId}.part`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > opts.maxBytes) return done(tooLarge(opts.name, opts.maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const sink = fs.createWriteStream(part, { flags: 'wx' });
    try {
      await pipeline(source, meter, sink);
    } catch (e) {
      // The file may still be opening (a stream stopped at once, e.g. a cancelled upload): removed once it is closed.
      if (!sink.closed) await new Promise<void>((r) => sink.once('close', () => r()));
      fs.rmSync(part, { force: true });
      throw e;
    }
    const sha256 = hash.digest('hex');
    fs.renameSync(part, path.join(this.staging, stagedId));
    fs.writeFileSync(path.join(this.staging, `${stagedId}.json`), JSON.stringify({ sha256, size }));
    return { stagedId, sha256, size };
  }

  /** What was staged under this id, or `staged_not_found`. */
  staged(stagedId: string): StagedInfo {
    const meta = STAGED_ID.test(stagedId) ? path.join(this.staging, `${stagedId}.json`) : null;
    if (!meta || !fs.existsSync(meta) || !fs.existsSync(path.join(this.staging, stagedId))) {
      throw new CfcError(
        'staged_not_found',
        {
          vi: `Không tìm thấy tệp đã tải lên (${stagedId}); hãy chọn lại tệp.`,
          en: `The uploaded file (${stagedId}) is not there any more; pick the file again.`,
        },
        { field: 'stagedId' },
      );
    }
    const { sha256, size } = JSON.parse(fs.readFileSync(meta, 'utf8')) as { sha256: string; size: number };
    return { stagedId, sha256, size };
  }

  /**
   * Moves a staged file into place (`place`). Returns whether this call wrote the stored file (false: an intact copy
   * was already stored, marked used now, and the staged copy is dropped).
   */
  commit(stagedId: string): { sha256: string; size: number; created: boolean } {
    const info = this.staged(stagedId);
    const from = path.join(this.staging, stagedId);
    const created = this.place(from, info.sha256, info.size);
    if (!created) fs.rmSync(from);
    fs.rmSync(path.join(this.staging, `${stagedId}.json`), { force: true });
    return { sha256: info.sha256, size: info.size, created };
  }

  /**
   * Nothing refers to this content any more: it is not deleted now (a call in flight may be about to use it, e.g. an
   * attach of the same bytes), only marked used now; the collector (`collectOrphans`) deletes it once it has been
   * unreferenced and unused for a day, at start-up or after an import batch.
   */
  release(sha256: string): boolean {
    const p = this.pathOf(sha256);
    if (!fs.existsSync(p)) return false;
    touch(p);
    return true;
  }

  /** Every complete staged upload (a source for repairs). */
  stagedFiles(): StagedInfo[] {
    if (!fs.existsSync(this.staging)) return [];
    const out: StagedInfo[] = [];
    for (const f of fs.readdirSync(this.staging)) {
      const id = f.endsWith('.json') ? f.slice(0, -5) : null;
      if (!id || !STAGED_ID.test(id)) continue;
      try {
        out.push(this.staged(id));
      } catch {
        /* half-staged or gone */
      }
    }
    return out;
  }

  /** Deletes a stored file (only the collector calls this, for files nothing refers to that are a day old). */
  remove(sha256: string): boolean {
    const p = this.pathOf(sha256);
    if (!fs.existsSync(p)) return false;
    fs.rmSync(p);
    return true;
  }

  /** Drops staged files older than `maxAgeMs` (uploads never attached). */
  sweepStaging(maxAgeMs: number, now = Date.now()): number {
    if (!fs.existsSync(this.staging)) return 0;
    let n = 0;
    for (const f of fs.readdirSync(this.staging)) {
      const p = path.join(this.staging, f);
      if (now - fs.statSync(p).mtimeMs > maxAgeMs) {
        fs.rmSync(p, { force: true });
        n++;
      }
    }
    return n;
  }
}

function statOf(p: string): fs.Stats | null {
  try {
    const st = fs.statSync(p);
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

const stampOf = (st: fs.Stats) => `${st.size}:${st.mtimeMs}:${st.ino}`;

/** A file's size, time and inode, to know whether it changed since it was checked; null when it is not a file. */
export function fileStamp(p: string): string | null {
  const st = statOf(p);
  return st ? stampOf(st) : null;
}
/** Stored files checked in this process (path → stamp): intact, or damaged. */
const checked = new Map<string, string>();
const damaged = new Map<string, string>();

const MEDIA_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.heic': 'image/heic',
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
};

/** The media type of an evidence file from its name, or `unsupported_file_type` naming the file. */
export function evidenceMediaType(name: string): string {
  const type = MEDIA_TYPES[path.extname(name).toLowerCase()];
  if (!type) {
    const known = [...new Set(Object.keys(MEDIA_TYPES).map((e) => e.slice(1)))].join(', ');
    throw new CfcError(
      'unsupported_file_type',
      {
        vi: `Tệp "${name}" không thuộc loại minh chứng được nhận (ảnh, PDF, Word, Excel…: ${known}).`,
        en: `The file "${name}" is not an accepted evidence type (photos, PDF, Word, Excel…: ${known}).`,
      },
      { field: 'name' },
    );
  }
  return type;
}

/** Images and PDFs are shown in the app; everything else is offered as a download. */
export function previewable(mediaType: string): boolean {
  return mediaType === 'application/pdf' || (mediaType.startsWith('image/') && mediaType !== 'image/heic' && mediaType !== 'image/tiff');
}
