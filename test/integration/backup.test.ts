import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { ApiCallError } from '../../src/api/errors';
import { migrationNames } from '../../src/core/store/migrations';
import { snapshotDir, tempDir, testService } from '../helpers';
import { readEntries } from '../unit/packages/helpers';
import { bytesOf, dumpFiles, dumpTables, entryDataRanges, populate, rewriteBackup, sha256 } from './backup-data';

/**
 * Backup → wipe → restore, and every way a backup file can be bad. One populated data folder and one good backup are
 * made once (through the service calls the app makes); each refusal case restores into a second, populated folder and
 * checks that folder is unchanged byte for byte, with no sibling left behind.
 */

let root: string;
let cleanup: () => void;
let home: string;
let good: string;
let tables: Record<string, unknown[]>;
let files: Record<string, string>;
const services: Service[] = [];

function service(dataDir: string): Service {
  const s = testService(dataDir);
  services.push(s);
  return s;
}

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir('cfc-backup-'));
  home = path.join(root, 'home');
  const s = service(home);
  await populate(s, path.join(root, 'scratch'));
  good = path.join(root, 'good.cfcbak');
  await s.call('backup.create', { path: good });
  await s.close();
  tables = dumpTables(home);
  files = dumpFiles(home);
}, 120_000);

afterAll(async () => {
  for (const s of services.splice(0)) await s.close();
  cleanup();
});

async function rejection(p: Promise<unknown>): Promise<ApiCallError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ApiCallError);
  return e as ApiCallError;
}

describe('backup → wipe → restore', () => {
  it('gives back the same tables, row by row, and the same files, by hash', async () => {
    // What was backed up is what the data folder holds: every table, the workspace's evidence (three files; the imported
    // package keeps its own evidence inside it), packages, exports.
    expect(Object.keys(tables)).toEqual(expect.arrayContaining(['assessment', 'assessment_value', 'evidence', 'signing_key', 'package', 'package_evidence', 'setting']));
    expect(tables['signing_key']).toHaveLength(1);
    expect(tables['package']).toHaveLength(1);
    expect(Object.keys(files).filter((f) => f.startsWith(`evidence${path.sep}`))).toHaveLength(3);
    expect(Object.keys(files).filter((f) => f.startsWith(`packages${path.sep}`))).toHaveLength(1);
    expect(Object.keys(files).filter((f) => f.startsWith(`exports${path.sep}`))).toHaveLength(1);

    // A copy of the data folder (the others tests keep using the original), then wiped.
    const wiped = path.join(root, 'wiped');
    fs.cpSync(home, wiped, { recursive: true });
    expect(dumpTables(wiped)).toEqual(tables);
    fs.rmSync(wiped, { recursive: true });
    expect(fs.existsSync(wiped)).toBe(false);
    const s = service(wiped);
    const r = await s.call('backup.restore', { path: good });
    expect(r).toMatchObject({ dataDir: wiped, movedAside: null });
    expect(r.summary).toMatchObject({ schemaVersion: migrationNames[migrationNames.length - 1], signingKeys: 1, evidence: { files: 3 }, packages: { files: 1 }, exports: { files: 1 } });
    await s.close();
    expect(dumpTables(wiped)).toEqual(tables);
    expect(dumpFiles(wiped)).toEqual(files);

    // And the restored store works: the key is still sealed and opens with its passphrase; the assessments are there.
    const t = service(wiped);
    const list = await t.call('assessments.list', {});
    expect(list.items.map((i) => i.year).sort()).toEqual([2025, 2026]);
    const keys = await t.call('keys.list', {});
    expect(keys.items).toHaveLength(1);
    expect(keys.items[0]).toMatchObject({ sealedBy: 'passphrase', status: 'active' });
    const status = await t.call('backup.status', {});
    expect(status.lastBackupFile).toBe('good.cfcbak');
  });

  it('over a folder that holds data: moves the app’s entries aside (and says where), keeps the rest', async () => {
    const target = path.join(root, 'occupied');
    const s = service(target);
    await s.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
    await s.close();
    fs.mkdirSync(path.join(target, 'backups'), { recursive: true });
    fs.writeFileSync(path.join(target, 'backups', 'old.cfcbak'), 'an older backup, left in place');
    fs.writeFileSync(path.join(target, 'Preferences'), '{"electron":"own file"}');
    const before = dumpTables(target);
    const r = await s.call('backup.restore', { path: good });
    await s.close();
    expect(r.movedAside).toMatch(/occupied\.before-restore-\d{8}T\d{6}Z$/);
    expect(path.dirname(r.movedAside!)).toBe(root);
    expect(dumpTables(r.movedAside!)).toEqual(before);
    expect(dumpTables(target)).toEqual(tables);
    expect(dumpFiles(target)).toEqual(files);
    expect(fs.readFileSync(path.join(target, 'backups', 'old.cfcbak'), 'utf8')).toBe('an older backup, left in place');
    expect(fs.existsSync(path.join(target, 'Preferences'))).toBe(true);
    expect(fs.readdirSync(root).filter((f) => f.includes('.restore-'))).toEqual([]);
  });

  it('verify reads every entry and writes nothing; the manifest says what is and is not included', async () => {
    const s = service(path.join(root, 'verifier'));
    const before = snapshotDir(root);
    const v = await s.call('backup.verify', { path: good });
    expect(v.summary.tables['assessment']).toBe(2);
    const evidenceBytes = Object.keys(files)
      .filter((f) => f.startsWith(`evidence${path.sep}`))
      .reduce((n, f) => n + fs.statSync(path.join(home, f)).size, 0);
    expect(evidenceBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(v.summary.evidence).toEqual({ files: 3, bytes: evidenceBytes });
    expect(v.summary.notIncluded.map((n) => n.path)).toEqual(expect.arrayContaining([`evidence/staging`, 'packages/staging']));
    expect(snapshotDir(root)).toEqual(before);
  });
});

/** A data folder with other data in it, restored onto with a bad backup: refused, and nothing changed. */
async function refusedLeavesAllAsItWas(bad: string, code: string, path_?: string): Promise<ApiCallError> {
  const target = path.join(root, `target-${code}-${Math.random().toString(36).slice(2, 8)}`);
  const s = service(target);
  await s.call('profile.set', { role: 'assessor', unitCode: '86', organisation: 'UBND huyện', userName: 'Trần Văn Bình', userTitle: 'Trưởng đoàn' });
  await s.close();
  const before = snapshotDir(target);
  const siblings = fs.readdirSync(root).sort();
  const v = await rejection(s.call('backup.verify', { path: bad }));
  expect(v.error.code).toBe(code);
  const e = await rejection(s.call('backup.restore', { path: bad }));
  expect(e.error.code).toBe(code);
  expect(e.error.message.vi).toContain('không bị thay đổi');
  expect(e.error.message.en).toContain('Nothing was changed');
  if (path_) expect(e.error.message.en).toContain(path_);
  await s.close();
  expect(snapshotDir(target)).toEqual(before);
  expect(fs.readdirSync(root).sort()).toEqual(siblings);
  return e;
}

describe('a bad backup is refused with its reason, and nothing is changed', () => {
  it('one flipped byte in an evidence file → backup_hash_mismatch, naming the entry', async () => {
    const evidence = [...entryDataRanges(good).entries()].find(([n, r]) => n.startsWith('evidence/') && r.end - r.start > 1000)!;
    const bad = path.join(root, 'flipped.cfcbak');
    const buf = fs.readFileSync(good);
    const at = Math.floor((evidence[1].start + evidence[1].end) / 2);
    buf[at] = buf[at]! ^ 0x01;
    fs.writeFileSync(bad, buf);
    const e = await refusedLeavesAllAsItWas(bad, 'backup_hash_mismatch', evidence[0]);
    expect(e.error.message.vi).toContain('Mã băm SHA-256');
  });

  it('one flipped byte in the data of any entry (manifest, its hash, the database, a package) is refused', async () => {
    const ranges = entryDataRanges(good);
    const buf0 = fs.readFileSync(good);
    const want: Record<string, string[]> = {
      'manifest.json': ['backup_manifest_hash_mismatch', 'backup_corrupt_entry'],
      // The ZIP reader checks every entry's CRC-32 as it streams (issue 9 item 5): a flipped byte may be caught there first.
      'manifest.sha256': ['backup_manifest_hash_mismatch', 'backup_corrupt_entry'],
      'database/cfc.sqlite': ['backup_hash_mismatch', 'backup_corrupt_entry'],
    };
    const pkg = [...ranges.keys()].find((n) => n.startsWith('packages/'))!;
    want[pkg] = ['backup_hash_mismatch', 'backup_corrupt_entry'];
    for (const [name, codes] of Object.entries(want)) {
      const r = ranges.get(name)!;
      const buf = Buffer.from(buf0);
      const at = r.start + Math.floor((r.end - r.start) / 3);
      buf[at] = buf[at]! ^ 0x10;
      const bad = path.join(root, `flip-${name.replace(/\W/g, '_')}.cfcbak`);
      fs.writeFileSync(bad, buf);
      const s = service(path.join(root, 'flip-target'));
      const e = await rejection(s.call('backup.restore', { path: bad }));
      expect(codes, `${name}: ${e.error.code}`).toContain(e.error.code);
      await s.close();
      expect(fs.existsSync(path.join(root, 'flip-target', 'cfc.sqlite')), name).toBe(false);
    }
  });

  it('a truncated file (the first half of it) → backup_truncated', async () => {
    const bad = path.join(root, 'truncated.cfcbak');
    const buf = fs.readFileSync(good);
    fs.writeFileSync(bad, buf.subarray(0, Math.floor(buf.length / 2)));
    const e = await refusedLeavesAllAsItWas(bad, 'backup_truncated');
    expect(e.error.message.en).toContain('truncated');
  });

  it('a backup of a newer schema (a migration this app does not know) → backup_newer_schema', async () => {
    const bad = path.join(root, 'newer.cfcbak');
    const db = path.join(root, 'newer.sqlite');
    await rewriteBackup(good, bad, {
      // The database of a newer app: one more migration applied.
      edit: (entries) =>
        entries.map((e) => {
          if (e.name !== 'database/cfc.sqlite') return e;
          fs.writeFileSync(db, e.data);
          const x = new SQLite(db);
          x.pragma('journal_mode = DELETE');
          x.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('0099_future', '2027-01-01T00:00:00.000Z');
          x.close();
          return { name: e.name, data: fs.readFileSync(db) };
        }),
      mutate: (m) => {
        m['migrations'] = [...migrationNames, '0099_future'];
        m['schemaVersion'] = '0099_future';
      },
    });
    const e = await refusedLeavesAllAsItWas(bad, 'backup_newer_schema');
    expect(e.error.message.en).toContain('0099_future');
    expect(e.error.message.vi).toContain('phiên bản ứng dụng mới hơn');
  });

  it('the entry set must be exactly the manifest’s: extra, missing, unsafe or foreign entries are refused', async () => {
    const extra = await rewriteBackup(good, path.join(root, 'extra.cfcbak'), {
      keepFiles: true,
      edit: (e) => [...e, { name: 'evidence/00/' + '0'.repeat(64), data: Buffer.from('not listed') }],
    });
    await refusedLeavesAllAsItWas(extra, 'backup_extra_entry', 'evidence/00/');
    const names = (await readEntries(good)).map((e) => e.name);
    const gone = names.find((n) => n.startsWith('evidence/'))!;
    const missing = await rewriteBackup(good, path.join(root, 'missing.cfcbak'), { keepFiles: true, edit: (e) => e.filter((x) => x.name !== gone) });
    await refusedLeavesAllAsItWas(missing, 'backup_missing_entry', gone);
    const traversal = await rewriteBackup(good, path.join(root, 'traversal.cfcbak'), { edit: (e) => [...e, { name: 'evidence/../../evil', data: Buffer.from('x') }] });
    await refusedLeavesAllAsItWas(traversal, 'backup_name_invalid', 'evil');
    const foreign = await rewriteBackup(good, path.join(root, 'foreign.cfcbak'), { edit: (e) => [...e, { name: 'notes/readme.txt', data: Buffer.from('x') }] });
    await refusedLeavesAllAsItWas(foreign, 'backup_entry_not_allowed', 'notes/readme.txt');
    const noDb = await rewriteBackup(good, path.join(root, 'nodb.cfcbak'), { edit: (e) => e.filter((x) => x.name !== 'database/cfc.sqlite') });
    await refusedLeavesAllAsItWas(noDb, 'backup_database_missing');
  });

  it('a consistent manifest that lies about the database, or a damaged database, is caught after the hashes', async () => {
    const damaged = await rewriteBackup(good, path.join(root, 'damaged-db.cfcbak'), {
      edit: (e) => e.map((x) => (x.name === 'database/cfc.sqlite' ? { name: x.name, data: Buffer.concat([x.data.subarray(0, 100), bytesOf('garbage', x.data.length - 100)]) } : x)),
    });
    await refusedLeavesAllAsItWas(damaged, 'backup_database_corrupt');
    const lying = await rewriteBackup(good, path.join(root, 'lying.cfcbak'), {
      mutate: (m) => {
        m['migrations'] = migrationNames.slice(0, -1);
        m['schemaVersion'] = migrationNames[migrationNames.length - 2];
      },
    });
    await refusedLeavesAllAsItWas(lying, 'backup_database_mismatch');
  });

  it('not a backup at all, or a manifest of another format, is refused', async () => {
    const notZip = path.join(root, 'not-zip.cfcbak');
    fs.writeFileSync(notZip, 'hello, I am a text file');
    await refusedLeavesAllAsItWas(notZip, 'backup_not_a_zip');
    const future = await rewriteBackup(good, path.join(root, 'format2.cfcbak'), { mutate: (m) => (m['formatVersion'] = 2) });
    await refusedLeavesAllAsItWas(future, 'backup_unsupported_format');
    const pkg = Object.keys(files).find((f) => f.startsWith('packages'))!;
    await refusedLeavesAllAsItWas(path.join(home, pkg), 'backup_manifest_missing');
    expect(sha256(fs.readFileSync(path.join(home, pkg)))).toBe(files[pkg]);
  });
});
