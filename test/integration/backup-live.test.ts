import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupJob } from '../../src/api/calls/backup';
import type { Service } from '../../src/api/service';
import { snapshotDir, tempDir, testService } from '../helpers';
import { dumpFiles, dumpTables, populate } from './backup-data';

/** Backup and restore in the running app: jobs the page follows, the download, the reminder, and the store swapped live. */

let root: string;
let cleanup: () => void;
let home: string;
let s: Service;
const others: Service[] = [];
beforeEach(async () => {
  ({ dir: root, cleanup } = tempDir('cfc-backup-live-'));
  home = path.join(root, 'home');
  s = testService(home);
  await populate(s, path.join(root, 'scratch'));
}, 60_000);
afterEach(async () => {
  await s.close();
  for (const o of others.splice(0)) await o.close();
  cleanup();
});

/** Waits for the job's end (the registry's event, no polling on a timer), then reads it as the page does. */
async function finished(svc: Service, jobId: string): Promise<BackupJob> {
  await svc.jobs.ended(jobId);
  const j = await svc.call('backup.job', { jobId });
  expect(j.state, 'a job that has left the registry has ended').not.toBe('running');
  return j;
}

async function stageFile(svc: Service, file: string, name: string): Promise<string> {
  const r = await svc.files.stage(fs.createReadStream(file), name, fs.statSync(file).size);
  if (!r.ok) throw new Error(r.error.message.en);
  return r.value.stagedId;
}

describe('backup in the app', () => {
  it('a backup job writes into backups/, reports progress, is served for download, and clears the reminder', async () => {
    const before = await s.call('backup.status', {});
    expect(before).toMatchObject({ lastBackupAt: null, overdue: true, remindAfterDays: 30, files: [] });
    const { jobId } = await s.call('backup.start', {});
    const j = await finished(s, jobId);
    expect(j.error).toBeNull();
    expect(j).toMatchObject({ state: 'done', kind: 'create', phase: 'finished' });
    expect(j.progress!.bytes).toBe(j.progress!.size);
    expect(j.progress!.size).toBeGreaterThan(3 * 1024 * 1024);
    const c = j.created!;
    expect(c.fileName).toMatch(/^cfc-backup-20260315T080000Z-[0-9a-f]{8}\.cfcbak$/);
    const served = await s.files.exported(c.fileName);
    expect(served).toEqual({ ok: true, value: { path: path.join(home, 'backups', c.fileName) } });
    expect(fs.statSync(path.join(home, 'backups', c.fileName)).size).toBe(c.size);
    expect((await s.files.exported('../cfc.sqlite')).ok).toBe(false);
    const after = await s.call('backup.status', {});
    expect(after).toMatchObject({ lastBackupAt: '2026-03-15T08:00:00.000Z', lastBackupFile: c.fileName, overdue: false, running: null });
    expect(after.files.map((f) => f.fileName)).toEqual([c.fileName]);
    // Thirty days on, no reminder yet; thirty-one, the reminder is due.
    await s.close();
    const later = (days: number) => {
      const t = testService(home, new Date(Date.parse('2026-03-15T08:00:00.000Z') + days * 86_400_000));
      others.push(t);
      return t;
    };
    expect((await later(30).call('backup.status', {})).overdue).toBe(false);
    expect((await later(31).call('backup.status', {})).overdue).toBe(true);
  });

  it('one job at a time: a second start while one runs is refused (backup_busy)', async () => {
    const first = await s.call('backup.start', {});
    const second = await s.dispatch('backup.start', {});
    expect(second).toMatchObject({ ok: false, error: { code: 'backup_busy' } });
    expect((await finished(s, first.jobId)).state).toBe('done');
  });

  it('a backup that cannot be written is refused with its reason, leaves no file and keeps the last-backup record', async () => {
    const blocker = path.join(root, 'a-file');
    fs.writeFileSync(blocker, 'x');
    const r = await s.dispatch('backup.create', { path: path.join(blocker, 'x.cfcbak') });
    expect(r).toMatchObject({ ok: false, error: { code: 'backup_write_failed' } });
    expect((await s.call('backup.status', {})).lastBackupAt).toBeNull();
    expect(fs.readdirSync(root).sort()).toEqual(['a-file', 'home', 'scratch']);
  });
});

describe('restore in the running app', () => {
  it('an uploaded backup (staged like a package, past the evidence limit) is restored live: calls wait, then see the restored data', async () => {
    const file = path.join(root, 'b.cfcbak');
    await s.call('backup.create', { path: file });
    const tables = dumpTables(home);
    const files = dumpFiles(home);
    // Work after the backup, which the restore will move aside.
    const later = await s.call('assessments.create', { unitCode: '29269', year: 2024 });
    await s.call('settings.set', { evidenceMaxMb: 1 });
    expect(fs.statSync(file).size).toBeGreaterThan(1024 * 1024);
    const stagedId = await stageFile(s, file, 'sao lưu.cfcbak');

    const { jobId } = await s.call('backup.restoreStart', { stagedId });
    // A call made while the restore runs waits for it, and answers from the restored store.
    const during = s.call('assessments.list', {});
    const j = await finished(s, jobId);
    expect(j.error).toBeNull();
    expect(j).toMatchObject({ state: 'done', kind: 'restore' });
    const listed = await during;
    expect(listed.items.map((i) => i.year).sort()).toEqual([2025, 2026]);
    expect(listed.items.some((i) => i.id === later.id)).toBe(false);
    const aside = j.restored!.movedAside!;
    expect(path.dirname(aside)).toBe(root);
    expect(dumpTables(aside)['assessment']!.some((r) => String(r).includes(later.id))).toBe(true);
    // The store was reopened on the restored file: writes go on, and the tables are the backup's.
    await s.close();
    expect(dumpTables(home)).toEqual(tables);
    expect(dumpFiles(home)).toEqual(files);
    const again = await s.call('assessments.list', {});
    const draft = again.items.find((i) => i.year === 2025)!;
    await s.call('assessments.setNote', { id: draft.id, indicatorId: '1.1', note: 'sau khôi phục' });
  });

  it('the store is closed only when the calls already running are done, and calls made meanwhile wait for it to reopen', async () => {
    const order: string[] = [];
    const first = await s.open();
    const running = s.call('assessments.list', {}).then((r) => order.push(`running call done (${r.items.length})`));
    const exclusive = s.context.exclusive(async () => {
      order.push(first.sqlite.open ? 'store still open' : 'store closed');
    });
    const waiting = s.call('assessments.list', {}).then((r) => order.push(`waiting call done (${r.items.length})`));
    await Promise.all([running, exclusive, waiting]);
    expect(order).toEqual(['running call done (2)', 'store closed', 'waiting call done (2)']);
    const second = await s.open();
    expect(second).not.toBe(first);
    expect(second.sqlite.open).toBe(true);
  });

  it('a damaged upload fails the job with its reason; the data folder is unchanged', async () => {
    const file = path.join(root, 'b.cfcbak');
    await s.call('backup.create', { path: file });
    const bad = path.join(root, 'bad.cfcbak');
    fs.writeFileSync(bad, fs.readFileSync(file).subarray(0, 4096));
    const stagedId = await stageFile(s, bad, 'bad.cfcbak');
    // Closed first, so that the WAL is folded into the database file and the bytes compare (the job reopens nothing).
    await s.close();
    const before = snapshotDir(home);
    const siblings = fs.readdirSync(root).sort();
    const { jobId } = await s.call('backup.restoreStart', { stagedId });
    const j = await finished(s, jobId);
    expect(j).toMatchObject({ state: 'failed', error: { code: 'backup_truncated' } });
    expect(j.error!.message.vi).toContain('bị cắt cụt');
    await s.close();
    expect(snapshotDir(home)).toEqual(before);
    expect(fs.readdirSync(root).sort()).toEqual(siblings);
    // And the app goes on over its own data.
    expect((await s.call('assessments.list', {})).items).toHaveLength(2);
  });

  it('an unknown staged id is refused at once (staged_not_found)', async () => {
    const r = await s.dispatch('backup.restoreStart', { stagedId: '00000000-0000-4000-8000-000000000000' });
    expect(r).toMatchObject({ ok: false, error: { code: 'staged_not_found' } });
  });

  it('evidence uploads are still judged as evidence (a .cfcbak name is the only exception)', async () => {
    const r = await s.files.stage(Readable.from([Buffer.from('x')]), 'script.exe', 1);
    expect(r).toMatchObject({ ok: false, error: { code: 'unsupported_file_type' } });
  });
});
