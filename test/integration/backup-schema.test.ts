import fs from 'node:fs';
import path from 'node:path';
import type { Migration } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/core/backup/create';
import { restoreBackup } from '../../src/core/backup/restore';
import { isCfcError } from '../../src/core/errors';
import { openStore } from '../../src/core/store/db';
import { migrationNames, migrations } from '../../src/core/store/migrations';
import { snapshotDir, tempDir, testService } from '../helpers';
import { dumpTables, populate } from './backup-data';

/** Schemas across versions: an older backup is restored and brought up to date; a failing upgrade undoes the swap. */

let root: string;
let cleanup: () => void;
beforeEach(() => ({ dir: root, cleanup } = tempDir('cfc-backup-schema-')));
afterEach(() => cleanup());

const NOW = '2026-03-15T08:00:00.000Z';
const APP = { name: 'child-friendly-commune', version: '0.0.9' };
const previous = Object.fromEntries(Object.entries(migrations).slice(0, -1)) as Record<string, Migration>;

describe('backup schemas', () => {
  it('a backup made by an older version (one migration fewer) is restored and migrated to this version', async () => {
    const old = path.join(root, 'old');
    const st = await openStore(old, { migrations: previous });
    await st.db.insertInto('setting').values({ key: 'language', value: 'en', updated_at: NOW }).execute();
    const file = path.join(root, 'old.cfcbak');
    const made = await createBackup(st, old, file, { app: APP, now: NOW });
    await st.close();
    expect(made.manifest.schemaVersion).toBe(migrationNames[migrationNames.length - 2]);

    const s = testService(path.join(root, 'new'));
    const r = await s.call('backup.restore', { path: file });
    expect(r.summary.schemaVersion).toBe(migrationNames[migrationNames.length - 2]);
    expect(await s.call('settings.get', {})).toMatchObject({ language: 'en' });
    const info = await s.call('app.info', {});
    expect(info.schemaVersion).toBe(migrationNames[migrationNames.length - 1]);
    await s.close();
  });

  it('when the restored store cannot be opened (an upgrade fails), every move is undone and the folder is as it was', async () => {
    const home = path.join(root, 'home');
    const s = testService(home);
    await populate(s, path.join(root, 'scratch'));
    const file = path.join(root, 'b.cfcbak');
    await s.call('backup.create', { path: file });
    await s.call('assessments.create', { unitCode: '29269', year: 2024 });
    await s.close();
    // (A read-only look leaves an empty -wal file: look first, then take the snapshot.)
    const tables = dumpTables(home);
    const before = snapshotDir(home);
    const failing: Record<string, Migration> = {
      ...migrations,
      '9000_fails': {
        up: async () => {
          throw new Error('disk full while upgrading');
        },
      },
    };
    const e = await restoreBackup(file, home, { knownMigrations: Object.keys(failing), migrations: failing, now: NOW }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(isCfcError(e) && e.code).toBe('backup_restore_failed');
    expect(isCfcError(e) && e.messages.en).toContain('disk full while upgrading');
    expect(isCfcError(e) && e.messages.vi).toContain('hoàn tác');
    expect(snapshotDir(home)).toEqual(before);
    expect(dumpTables(home)).toEqual(tables);
    expect(fs.readdirSync(root).sort()).toEqual(['b.cfcbak', 'home', 'scratch']);
  });
});
