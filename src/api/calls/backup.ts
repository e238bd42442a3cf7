import { z } from 'zod';
import { apiErrorSchema } from '../errors';
import { defineCall, withLocalOutput } from './define';

/** Backup and restore (issue 9, item 7): one `.cfcbak` file with the database, the stored files and a manifest of hashes. */

const stagedId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const jobId = z.string().uuid();
const count = z.object({ files: z.number().int(), bytes: z.number().int() });

/** What a backup holds, from its manifest. */
export const backupSummary = z.object({
  createdAt: z.string(),
  app: z.object({ name: z.string(), version: z.string() }),
  schemaVersion: z.string(),
  entries: z.number().int(),
  bytes: z.number().int(),
  tables: z.record(z.string(), z.number().int()),
  signingKeys: z.number().int(),
  evidence: count,
  packages: count,
  exports: count,
  notIncluded: z.array(z.object({ path: z.string(), why: z.string() })),
});
export type BackupSummary = z.infer<typeof backupSummary>;

/** A backup made, as the page sees it: downloaded by its name (`/exports/<fileName>`). */
const createdBackupUi = z.object({
  /** The name to download it by (`/exports/<fileName>`), in the app. */
  fileName: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  summary: backupSummary,
});
/** The local contract's (CLI, tests): also where it was written (the path given; the app: the data folder's backups/). */
export const createdBackup = createdBackupUi.extend({ file: z.string() });
export type CreatedBackup = z.infer<typeof createdBackup>;

/** A restore done, as the page sees it: the name of the folder the earlier data was moved to, beside the data folder. */
const restoredBackupUi = z.object({
  movedAsideName: z.string().nullable(),
  summary: backupSummary,
});
/** The local contract's (CLI, tests): the folders themselves. */
export const restoredBackup = restoredBackupUi.extend({
  dataDir: z.string(),
  /** Where the data that was in the folder before now is; null when there was none. */
  movedAside: z.string().nullable(),
});
export type RestoredBackup = z.infer<typeof restoredBackup>;

export const verifiedBackup = z.object({ file: z.string(), size: z.number().int(), summary: backupSummary });

const progress = z.object({ index: z.number().int(), total: z.number().int(), label: z.string(), bytes: z.number(), size: z.number() });

const backupJobUi = z.object({
  jobId: z.string(),
  kind: z.enum(['create', 'restore']),
  state: z.enum(['running', 'done', 'failed']),
  /** running: what is being done now. */
  phase: z.enum(['database', 'files', 'checking', 'swapping', 'finished']),
  progress: progress.nullable(),
  created: createdBackupUi.nullable(),
  restored: restoredBackupUi.nullable(),
  error: apiErrorSchema.nullable(),
});
export const backupJob = backupJobUi.extend({ created: createdBackup.nullable(), restored: restoredBackup.nullable() });
export type BackupJob = z.infer<typeof backupJob>;

const backupStatusUi = z.object({
  lastBackupAt: z.string().nullable(),
  /** The file name of the last backup (not a path). */
  lastBackupFile: z.string().nullable(),
  remindAfterDays: z.number().int(),
  /** Never backed up, or the last backup is older than `remindAfterDays`. */
  overdue: z.boolean(),
  /** The backups in the data folder's backups/, newest first. */
  files: z.array(z.object({ fileName: z.string(), size: z.number().int(), modifiedAt: z.string() })),
  /** A job still running (the page shows it after a reload). */
  running: backupJobUi.nullable(),
});
export const backupStatus = backupStatusUi.extend({ running: backupJob.nullable() });
export type BackupStatus = z.infer<typeof backupStatus>;

export const backupCalls = {
  'backup.status': defineCall({
    summary: 'When the last backup was made (and whether a reminder is due), and the backups kept in the data folder',
    input: z.object({}).strict(),
    output: backupStatusUi,
  }),
  'backup.start': defineCall({
    summary: 'Start a backup into the data folder’s backups/ (follow it with backup.job; download it from /exports/<fileName>)',
    input: z.object({}).strict(),
    output: z.object({ jobId: z.string() }),
  }),
  'backup.restoreStart': defineCall({
    summary: 'Start restoring an uploaded backup: every hash checked first, the current data moved aside, then swapped in',
    input: z.object({ stagedId }).strict(),
    output: z.object({ jobId: z.string() }),
  }),
  'backup.job': defineCall({
    summary: 'The progress and result of a backup or restore started by this app',
    input: z.object({ jobId }).strict(),
    output: backupJobUi,
  }),
} as const;

/** Calls with file paths: the CLI and tests only (see the brief's local contract). */
export const backupLocalCalls = {
  'backup.status': withLocalOutput(backupCalls['backup.status'], backupStatus),
  'backup.job': withLocalOutput(backupCalls['backup.job'], backupJob),
  'backup.create': defineCall({
    summary: 'Write a backup of the data folder to a file',
    input: z.object({ path: z.string().min(1) }).strict(),
    output: createdBackup,
  }),
  'backup.verify': defineCall({
    summary: 'Check a backup file (every hash, the manifest, the entry set, the database); writes nothing',
    input: z.object({ path: z.string().min(1) }).strict(),
    output: verifiedBackup,
  }),
  'backup.restore': defineCall({
    summary: 'Restore a backup file into the data folder (checked first; the current data moved aside)',
    input: z.object({ path: z.string().min(1) }).strict(),
    output: restoredBackup,
  }),
} as const;
