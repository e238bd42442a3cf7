import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { throwIfCancelled } from '../cancel';

/**
 * The one atomic-write helper of the data folder (evidence, imported packages, the review team's evidence, installed
 * criteria packs, the files the pack commands write, and the desktop app's Save as… copies): a file already written
 * in full (a staged upload, a file extracted while its hash was checked, a private copy of a package) is flushed to
 * the disk, renamed to its name in the store, and the folder it now lives in is flushed too, so after a power cut a
 * stored name holds either nothing or the whole content — never an empty or partial file under a hash name.
 */

/** Flushes a file's data to the disk. */
export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a folder's entries (the rename) to the disk. Windows cannot open a folder for this; NTFS journals renames. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes several folders' entries at once (an import's group): each opened and flushed off the thread, together. */
export async function fsyncDirs(dirs: Iterable<string>): Promise<void> {
  if (process.platform === 'win32') return;
  await Promise.all(
    [...new Set(dirs)].map(async (d) => {
      const fh = await fs.promises.open(d, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }),
  );
}

/**
 * Moves a complete file into place durably: fsync the file, rename it to `target` (replacing what is there: callers
 * replace only a damaged copy), fsync the target's folder. `from` must be on the same file system (the stores keep
 * their staging folders inside them).
 */
export function placeDurably(from: string, target: string): void {
  fsyncFile(from);
  const dir = path.dirname(target);
  const existed = fs.existsSync(dir);
  fs.mkdirSync(dir, { recursive: true });
  fs.renameSync(from, target);
  fsyncDir(dir);
  // A folder made just now must itself be recorded in its parent.
  if (!existed) fsyncDir(path.dirname(dir));
}

/**
 * Writes `data` to `file` durably and atomically: into `<file>.<pid>.part` beside it, then `placeDurably`. A reader
 * sees the old file or the whole new one, never a part; after a power cut the name holds nothing or all of it. A
 * failure removes the part file and rethrows.
 */
export function writeDurably(file: string, data: string | Uint8Array): void {
  const part = `${file}.${process.pid}.part`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(part, data);
    placeDurably(part, file);
  } catch (e) {
    fs.rmSync(part, { force: true });
    throw e;
  }
}

/**
 * Copies `from` to `target` durably and atomically, streaming (never whole in memory): into `<target>.<pid>.part`
 * beside the target, then `placeDurably`. Progress in bytes; a cancel (the signal) or a failure removes the part file
 * and leaves `target` as it was; a cancel throws `cancelled`. Returns the bytes copied.
 */
export async function copyDurably(from: string, target: string, opts: { onProgress?: (bytes: number, size: number) => void; signal?: AbortSignal } = {}): Promise<number> {
  const part = `${target}.${process.pid}.part`;
  const size = fs.statSync(from).size;
  let bytes = 0;
  try {
    throwIfCancelled(opts.signal);
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        opts.onProgress?.(bytes, size);
        done(null, chunk);
      },
    });
    await pipeline(fs.createReadStream(from), count, fs.createWriteStream(part), opts.signal ? { signal: opts.signal } : {});
    throwIfCancelled(opts.signal);
    placeDurably(part, target);
    return bytes;
  } catch (e) {
    fs.rmSync(part, { force: true });
    throwIfCancelled(opts.signal);
    throw e;
  }
}

/** Marks a stored file as used now (its modification time): the collector keeps files used within the last day. */
export function touch(file: string, now = new Date()): void {
  try {
    fs.utimesSync(file, now, now);
  } catch {
    /* gone: nothing to keep */
  }
}
