import fs from 'node:fs';
import path from 'node:path';

/**
 * The one atomic-write helper of the data folder (evidence, imported packages, the review team's evidence, installed
 * criteria packs and the files the pack commands write): a file already written in full (a staged upload, a file extracted while its hash was checked, a private
 * copy of a package) is flushed to the disk, renamed to its name in the store, and the folder it now lives in is
 * flushed too, so after a power cut a stored name holds either nothing or the whole content — never an empty or
 * partial file under a hash name.
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

/** Marks a stored file as used now (its modification time): the collector keeps files used within the last day. */
export function touch(file: string, now = new Date()): void {
  try {
    fs.utimesSync(file, now, now);
  } catch {
    /* gone: nothing to keep */
  }
}
