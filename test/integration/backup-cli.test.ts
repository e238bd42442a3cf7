import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main';
import { captureIO } from './cli-io';
import { snapshotDir, tempDir, testService } from '../helpers';
import { dumpFiles, dumpTables, populate } from './backup-data';

/** `cfc backup create | verify | restore`, in-process through run(argv, io). */

let root: string;
let cleanup: () => void;
let home: string;

const io = (tty = false) => captureIO({ cwd: root, tty });

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir('cfc-backup-cli-'));
  home = path.join(root, 'home');
  const s = testService(home);
  await populate(s, path.join(root, 'scratch'));
  await s.close();
}, 60_000);
afterAll(() => cleanup());

describe('cfc backup', () => {
  it('create (progress on a terminal) → verify → restore --data-dir into an empty folder: same tables and files', async () => {
    const x = io(true);
    expect(await run(['--data-dir', home, 'backup', 'create', 'b.cfcbak'], x.io), x.err()).toBe(0);
    expect(x.out()).toContain(path.join(root, 'b.cfcbak'));
    expect(x.out()).toMatch(/sha256 [0-9a-f]{64}/);
    // The progress line: rewritten in place, ending at 100%, cleared at the end.
    // eslint-disable-next-line no-control-regex
    expect(x.err()).toMatch(/\r\x1b\[KSao lưu \/ backing up \[\d+\/\d+\] \d+% /);
    expect(x.err()).toContain('100%');
    expect(x.err().endsWith('\r\x1b[K')).toBe(true);
    const tables = dumpTables(home);
    const files = dumpFiles(home);

    const v = io();
    expect(await run(['--json', 'backup', 'verify', 'b.cfcbak'], v.io), v.err()).toBe(0);
    const verified = JSON.parse(v.out()) as { summary: { evidence: { files: number }; signingKeys: number } };
    expect(verified.summary).toMatchObject({ evidence: { files: 3 }, signingKeys: 1 });
    expect(v.err()).toBe('');

    const target = path.join(root, 'restored');
    const r = io();
    expect(await run(['backup', 'restore', 'b.cfcbak', '--data-dir', target, '--json'], r.io), r.err()).toBe(0);
    expect(JSON.parse(r.out())).toMatchObject({ dataDir: target, movedAside: null });
    expect(dumpTables(target)).toEqual(tables);
    expect(dumpFiles(target)).toEqual(files);

    // Again over the now full folder: the data there is moved aside, and the message says where.
    const again = io();
    expect(await run(['--data-dir', target, 'backup', 'restore', 'b.cfcbak'], again.io), again.err()).toBe(0);
    const aside = /now in (\S+)/.exec(again.out())?.[1];
    expect(aside).toMatch(/restored\.before-restore-/);
    expect(dumpTables(aside!)).toEqual(tables);
  });

  it('a truncated backup: exit 1, the reason in both languages, nothing written; usage errors exit 2', async () => {
    const good = path.join(root, 'b2.cfcbak');
    expect(await run(['--data-dir', home, 'backup', 'create', good], io().io)).toBe(0);
    const bad = path.join(root, 'cut.cfcbak');
    fs.writeFileSync(bad, fs.readFileSync(good).subarray(0, 10_000));
    const target = path.join(root, 'untouched');
    const s = testService(target);
    await s.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
    await s.close();
    const before = snapshotDir(target);
    for (const cmd of ['verify', 'restore']) {
      const x = io();
      expect(await run(['--data-dir', target, 'backup', cmd, bad], x.io)).toBe(1);
      expect(x.err()).toContain('Lỗi: Bản sao lưu bị từ chối — Tệp sao lưu bị cắt cụt');
      expect(x.err()).toContain('Error: The backup was refused — The backup file is truncated');
      const j = io();
      expect(await run(['--data-dir', target, '--json', 'backup', cmd, bad], j.io)).toBe(1);
      expect(JSON.parse(j.err())).toMatchObject({ ok: false, error: { code: 'backup_truncated' } });
    }
    expect(snapshotDir(target)).toEqual(before);
    const missing = io();
    expect(await run(['--data-dir', target, 'backup', 'verify', path.join(root, 'nowhere.cfcbak')], missing.io)).toBe(1);
    expect(missing.err()).toContain('nowhere.cfcbak');
    expect(await run(['backup', 'restore'], io().io)).toBe(2);
    expect(await run(['backup', 'frobnicate', 'x'], io().io)).toBe(2);
  });
});
