import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createBackup, type BackupProgress } from '../../core/backup/create';
import { BACKUP_EXTENSION, BACKUPS_DIR, type BackupManifest } from '../../core/backup/format';
import { restoreBackup } from '../../core/backup/restore';
import { backupOverdue, readLastBackup, recordBackup, REMIND_AFTER_DAYS } from '../../core/backup/status';
import { readBackup } from '../../core/backup/verify';
import { CfcError, isCfcError } from '../../core/errors';
import { migrationNames } from '../../core/store/migrations';
import type { BackupJob, BackupSummary, CreatedBackup, RestoredBackup } from '../calls/backup';
import type { ServiceContext } from '../context';
import { evidenceStore } from './evidence';
import type { Handlers } from './types';

export function backupsDir(ctx: ServiceContext): string {
  return path.join(ctx.dataDir, BACKUPS_DIR);
}

function summaryOf(m: BackupManifest): BackupSummary {
  return {
    createdAt: m.createdAt,
    app: m.app,
    schemaVersion: m.schemaVersion,
    entries: m.files.length,
    bytes: m.files.reduce((n, f) => n + f.size, 0),
    tables: m.included.database.tables,
    signingKeys: m.included.signingKeys.count,
    evidence: m.included.evidence,
    packages: m.included.packages,
    exports: m.included.exports,
    notIncluded: m.notIncluded,
  };
}

/**
 * Reports progress to the call's job (the shell's bar or line; `progress` of a backup started in the background) and
 * to the backup job the page follows.
 */
function reporter(progress: (p: BackupProgress) => void, job?: BackupJob): (p: BackupProgress) => void {
  return (p) => {
    progress(p);
    if (job) {
      job.progress = p;
      if (job.phase === 'database') job.phase = 'files';
      // A restore has read and checked every entry: what is left is the swap.
      if (job.kind === 'restore' && p.index === p.total - 1 && p.bytes === p.size) job.phase = 'swapping';
    }
  };
}

/** Makes a backup; the last-backup record is written first, so the copy carries it, and taken back if the backup fails. */
async function create(ctx: ServiceContext, outFile: string, onProgress: (p: BackupProgress) => void, signal: AbortSignal): Promise<CreatedBackup> {
  const st = await ctx.store();
  const now = ctx.now();
  const undo = await recordBackup(st.db, { at: now, fileName: path.basename(outFile) });
  try {
    const c = await createBackup(st, ctx.dataDir, outFile, { app: { name: ctx.app.name, version: ctx.app.version }, now, onProgress, signal });
    return { file: c.file, fileName: path.basename(c.file), size: c.size, sha256: c.sha256, summary: summaryOf(c.manifest) };
  } catch (e) {
    await undo();
    const code = (e as NodeJS.ErrnoException)?.code;
    if (!isCfcError(e) && typeof code === 'string') {
      throw new CfcError(
        'backup_write_failed',
        {
          vi: `Không ghi được tệp sao lưu "${outFile}" (${code}); không có gì được ghi, dữ liệu không bị thay đổi.`,
          en: `Could not write the backup file "${outFile}" (${code}); nothing was written and no data changed.`,
        },
        { field: 'path' },
      );
    }
    throw e;
  }
}

async function restore(ctx: ServiceContext, file: string, onProgress: (p: BackupProgress) => void, signal: AbortSignal, insideCall: boolean): Promise<RestoredBackup> {
  const r = await ctx.exclusive(() => restoreBackup(file, ctx.dataDir, { knownMigrations: migrationNames, now: ctx.now(), onProgress, signal }), { insideCall });
  return { dataDir: r.dataDir, movedAside: r.movedAside, movedAsideName: r.movedAside && path.basename(r.movedAside), summary: summaryOf(r.manifest) };
}

function notABackupFile(file: string): CfcError {
  return new CfcError(
    'not_found',
    { vi: `Không tìm thấy tệp sao lưu "${file}".`, en: `No backup file "${file}".` },
    { field: 'path' },
  );
}

function requireFile(p: string): string {
  const file = path.resolve(p);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw notABackupFile(p);
  return file;
}

/** The backup jobs of one service (the page polls `backup.job`); one backup or restore at a time. */
const jobsOf = new WeakMap<ServiceContext['jobs'], Map<string, BackupJob>>();

function jobs(ctx: ServiceContext): Map<string, BackupJob> {
  let m = jobsOf.get(ctx.jobs);
  if (!m) jobsOf.set(ctx.jobs, (m = new Map()));
  return m;
}

function runningJob(ctx: ServiceContext): BackupJob | null {
  return [...jobs(ctx).values()].find((j) => j.state === 'running') ?? null;
}

/**
 * Starts a backup or restore in the background. It is a job of the service's registry under its own id (the one the
 * page gets back): its progress events carry that id and the transport's cancel for it aborts it (state `failed`,
 * error `cancelled`).
 */
function startJob(ctx: ServiceContext, kind: BackupJob['kind'], work: (job: BackupJob, run: { signal: AbortSignal; progress: (p: BackupProgress) => void }) => Promise<void>): { jobId: string } {
  const busy = runningJob(ctx);
  if (busy) {
    throw new CfcError('backup_busy', {
      vi: 'Đang có một lần sao lưu hoặc khôi phục chạy; hãy đợi nó xong.',
      en: 'A backup or restore is already running; wait for it to finish.',
    });
  }
  const job: BackupJob = { jobId: crypto.randomUUID(), kind, state: 'running', phase: kind === 'create' ? 'database' : 'checking', progress: null, created: null, restored: null, error: null };
  jobs(ctx).set(job.jobId, job);
  const run = ctx.jobs.begin(job.jobId, kind === 'create' ? 'backup.start' : 'backup.restoreStart');
  // The job's state is final before it leaves the registry, so whoever waits on `jobs.ended(id)` reads its outcome.
  void work(job, run).then(
    () => {
      job.state = 'done';
      job.phase = 'finished';
    },
    (e: unknown) => {
      job.state = 'failed';
      job.error = isCfcError(e)
        ? { code: e.code, message: e.messages, ...(e.field !== undefined ? { field: e.field } : {}) }
        : {
        code: 'internal',
        message: { vi: `Lỗi không mong đợi: ${String((e as Error)?.message ?? e)}. Dữ liệu không bị thay đổi.`, en: `Unexpected error: ${String((e as Error)?.message ?? e)}. Nothing was changed.` },
      };
    },
  ).finally(run.end);
  return { jobId: job.jobId };
}

function stampOf(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

type UiNames = 'backup.status' | 'backup.start' | 'backup.restoreStart' | 'backup.job';
type LocalNames = 'backup.create' | 'backup.verify' | 'backup.restore';

export const backupHandlers: Handlers<UiNames> = {
  'backup.status': async (_input, ctx) => {
    const last = await readLastBackup((await ctx.store()).db);
    const dir = backupsDir(ctx);
    const files = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith(BACKUP_EXTENSION))
          .map((f) => {
            const s = fs.statSync(path.join(dir, f));
            return { fileName: f, size: s.size, modifiedAt: s.mtime.toISOString() };
          })
          .sort((a, b) => (a.modifiedAt < b.modifiedAt ? 1 : -1))
      : [];
    return {
      lastBackupAt: last?.at ?? null,
      lastBackupFile: last?.fileName ?? null,
      remindAfterDays: REMIND_AFTER_DAYS,
      overdue: backupOverdue(last, ctx.now()),
      files,
      running: runningJob(ctx),
    };
  },
  'backup.start': async (_input, ctx) =>
    startJob(ctx, 'create', async (job, run) => {
      const file = path.join(backupsDir(ctx), `cfc-backup-${stampOf(ctx.now())}-${job.jobId.slice(0, 8)}${BACKUP_EXTENSION}`);
      job.created = await create(ctx, file, reporter(run.progress, job), run.signal);
    }),
  'backup.restoreStart': async (input, ctx) => {
    const store = evidenceStore(ctx);
    store.staged(input.stagedId);
    const file = path.join(store.dir, 'staging', input.stagedId);
    return startJob(ctx, 'restore', async (job, run) => {
      job.restored = await restore(ctx, file, reporter(run.progress, job), run.signal, false);
    });
  },
  'backup.job': async (input, ctx) => {
    const job = jobs(ctx).get(input.jobId);
    if (!job) throw new CfcError('not_found', { vi: 'Không có công việc sao lưu này.', en: 'No such backup job.' }, { field: 'jobId' });
    return { ...job };
  },
};

export const backupLocalHandlers: Handlers<LocalNames> = {
  'backup.create': async (input, ctx) => create(ctx, path.resolve(input.path), ctx.progress, ctx.signal),
  'backup.verify': async (input, ctx) => {
    const file = requireFile(input.path);
    const r = await readBackup(file, { knownMigrations: migrationNames, onProgress: ctx.progress, signal: ctx.signal });
    return { file, size: r.size, summary: summaryOf(r.manifest) };
  },
  'backup.restore': async (input, ctx) => restore(ctx, requireFile(input.path), ctx.progress, ctx.signal, true),
};
