import fs from 'node:fs';
import path from 'node:path';
import type { Migration } from 'kysely';
import { throwIfCancelled } from '../cancel';
import { CfcError, isCfcError } from '../errors';
import { openStore } from '../store/db';
import type { BackupProgress } from './create';
import { APP_ENTRIES, type BackupManifest } from './format';
import { readBackup } from './verify';

export interface RestoreOptions {
  knownMigrations: readonly string[];
  /** The migrations the restored store is opened with: the app's own unless a test gives another (as `openStore`). */
  migrations?: Readonly<Record<string, Migration>>;
  /** The clock, as an ISO string: names the folder the current data is moved to. */
  now: string;
  onProgress?: (p: BackupProgress) => void;
  /** Aborted before the swap: the extracted copy is removed, the data folder untouched, `cancelled` is thrown. */
  signal?: AbortSignal;
}

export interface Restored {
  dataDir: string;
  /** Where the data that was there before now is, or null when the folder held none. */
  movedAside: string | null;
  manifest: BackupManifest;
}

function stamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** A sibling of `dir` that does not exist yet. */
function freeSibling(dir: string, suffix: string): string {
  let p = `${dir}.${suffix}`;
  for (let i = 2; fs.existsSync(p); i++) p = `${dir}.${suffix}-${i}`;
  return p;
}

/**
 * Restores a backup into `dataDir`, all or nothing: every entry is extracted into a temporary sibling folder and checked
 * there (each hash, the database's integrity and schema; `readBackup`); only then are the app's entries that are in
 * the folder now (`APP_ENTRIES`) moved into `<dataDir>.before-restore-<time>` and the restored ones moved in. The
 * restored store is opened once (which applies the migrations of this version to an older backup); if anything fails
 * after the first move, every move is undone. Whatever else is in the folder (backups/, Electron's own files) stays.
 * The caller makes sure the store is closed.
 */
export async function restoreBackup(file: string, dataDir: string, opts: RestoreOptions): Promise<Restored> {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const work = freeSibling(dir, `restore-${stamp(opts.now)}`);
  fs.mkdirSync(work);
  try {
    // 1. Extract and check everything, beside the data folder (the same disk: the moves below are renames).
    const { manifest } = await readBackup(file, { knownMigrations: opts.knownMigrations, extractDir: work, onProgress: opts.onProgress, signal: opts.signal });
    throwIfCancelled(opts.signal);
    for (const d of ['evidence', 'packages', 'exports']) fs.mkdirSync(path.join(work, d), { recursive: true });

    // 2. Swap: the current entries aside, the restored ones in; undone on any failure.
    fs.mkdirSync(dir, { recursive: true });
    const present = APP_ENTRIES.filter((e) => fs.existsSync(path.join(dir, e)));
    const aside = present.length ? freeSibling(dir, `before-restore-${stamp(opts.now)}`) : null;
    const undo: (() => void)[] = [];
    const move = (from: string, to: string) => {
      fs.renameSync(from, to);
      undo.push(() => fs.renameSync(to, from));
    };
    try {
      if (aside) {
        fs.mkdirSync(aside);
        undo.push(() => fs.rmSync(aside, { recursive: true, force: true }));
        for (const e of present) move(path.join(dir, e), path.join(aside, e));
      }
      for (const e of fs.readdirSync(work)) move(path.join(work, e), path.join(dir, e));
      // 3. The restored store opens (and is brought to this version's schema) before the swap counts as done.
      const st = await openStore(dir, opts.migrations ? { migrations: opts.migrations } : {});
      await st.close();
    } catch (e) {
      // Only the failed open can have made these: they belong to the restored database, not to the one moved back.
      for (const side of ['cfc.sqlite-wal', 'cfc.sqlite-shm']) fs.rmSync(path.join(dir, side), { force: true });
      for (const u of undo.reverse()) {
        try {
          u();
        } catch {
          /* keep undoing the rest */
        }
      }
      const why = isCfcError(e) ? e.messages : { vi: String((e as Error)?.message ?? e), en: String((e as Error)?.message ?? e) };
      throw new CfcError('backup_restore_failed', {
        vi: `Không khôi phục được: ${why.vi} Mọi thay đổi đã được hoàn tác; dữ liệu hiện tại vẫn như trước.`,
        en: `The restore failed: ${why.en} Every change was undone; the current data is as it was.`,
      });
    }
    return { dataDir: dir, movedAside: aside, manifest };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
