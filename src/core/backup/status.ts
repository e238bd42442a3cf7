import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';
import { readSettings, writeSettings } from '../store/profile';

/** The setting that records the last backup made of this data (written into the database before it is copied). */
export const LAST_BACKUP_KEY = 'backup.last';
/** A reminder is shown once the last backup is older than this. */
export const REMIND_AFTER_DAYS = 30;

export interface LastBackup {
  at: string;
  fileName: string;
}

export async function readLastBackup(db: Kysely<Database>): Promise<LastBackup | null> {
  const raw = (await readSettings(db)).get(LAST_BACKUP_KEY);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<LastBackup>;
    return typeof v.at === 'string' && typeof v.fileName === 'string' ? { at: v.at, fileName: v.fileName } : null;
  } catch {
    return null;
  }
}

/** Records a backup; returns how to take it back if the backup then fails. */
export async function recordBackup(db: Kysely<Database>, last: LastBackup): Promise<() => Promise<void>> {
  const before = (await readSettings(db)).get(LAST_BACKUP_KEY);
  await writeSettings(db, { [LAST_BACKUP_KEY]: JSON.stringify(last) }, last.at);
  return async () => {
    if (before === undefined) await db.deleteFrom('setting').where('key', '=', LAST_BACKUP_KEY).execute();
    else await writeSettings(db, { [LAST_BACKUP_KEY]: before }, last.at);
  };
}

/** Whether the reminder is due: never backed up, or the last backup older than `REMIND_AFTER_DAYS`. */
export function backupOverdue(last: LastBackup | null, now: string): boolean {
  if (!last) return true;
  return Date.parse(now) - Date.parse(last.at) > REMIND_AFTER_DAYS * 24 * 60 * 60 * 1000;
}
