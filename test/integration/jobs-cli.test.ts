/**
 * The CLI's long commands as jobs (src/cli/context.ts `job`): one progress line on a terminal, and Ctrl-C (the io's
 * interrupt, SIGINT in the real process) cancels cleanly: exit 1 with "Đã hủy" / "Cancelled", nothing left behind.
 * In-process through run(argv, io); the interrupt is sent from the first progress line the command writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main';
import { snapshotDir, tempDir, testService } from '../helpers';
import { dumpTables, populate } from './backup-data';
import { captureIO } from './cli-io';

let root = '';
let home = '';
let cleanup = () => {};

/** A terminal io; with `interrupt`, its Ctrl-C is pressed once, when the first progress line appears on stderr. */
const terminal = (opts: { interrupt: boolean }) => captureIO({ cwd: root, tty: true, ctrlCAtFirstProgress: opts.interrupt });

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir('cfc-jobs-cli-'));
  home = path.join(root, 'home');
  const s = testService(home);
  await populate(s, path.join(root, 'scratch'));
  await s.close();
}, 60_000);
afterAll(() => cleanup());

describe('cfc long commands: progress and Ctrl-C', () => {
  it('backup create: Ctrl-C at the first progress line → exit 1, "đã hủy / cancelled", no file, the data as it was', async () => {
    // The last-backup record is written before the copy (so the copy carries it) and taken back on cancel: every table
    // and every stored file as before (the database file's pages may differ, its content does not).
    const files = () => Object.fromEntries(Object.entries(snapshotDir(home)).filter(([p]) => !p.startsWith('cfc.sqlite')));
    const before = { files: files(), tables: dumpTables(home) };
    const t = terminal({ interrupt: true });
    const code = await run(['--data-dir', home, 'backup', 'create', 'b.cfcbak'], t.io);
    expect(t.pressed()).toBe(1);
    expect(code, t.err()).toBe(1);
    expect(t.err()).toContain('Lỗi: Đã hủy');
    expect(t.err()).toContain('Error: Cancelled');
    expect(t.out()).toBe('');
    expect(fs.readdirSync(root).filter((f) => f.startsWith('b.cfcbak'))).toEqual([]);
    expect({ files: files(), tables: dumpTables(home) }).toEqual(before);
  });

  it('the same without Ctrl-C: the line shows items, percent, bytes and the entry; then it is cleared; exit 0', async () => {
    const t = terminal({ interrupt: false });
    expect(await run(['--data-dir', home, 'backup', 'create', 'c.cfcbak'], t.io), t.err()).toBe(0);
    expect(t.err()).toMatch(/Sao lưu \/ backing up \[\d+\/\d+\] \d+% [\d.]+ (B|KB|MB)\/[\d.]+ MB \S+/);
    expect(t.err().endsWith('\r\x1b[K')).toBe(true);
    expect(fs.existsSync(path.join(root, 'c.cfcbak'))).toBe(true);
  });

  it('package import of two packages: Ctrl-C at the first progress line → exit 1, cancelled, the second never imported', async () => {
    const exported = path.join(home, 'exports');
    const files = [path.join(exported, fs.readdirSync(exported)[0]!), ...findPackages(path.join(root, 'scratch'))];
    expect(files).toHaveLength(2);
    const other = path.join(root, 'other');
    const t = terminal({ interrupt: true });
    const code = await run(['--data-dir', other, 'package', 'import', ...files, '--accept-untrusted', '--reason', 'thử hủy'], t.io);
    expect(t.pressed()).toBe(1);
    expect(code, t.err()).toBe(1);
    expect(t.err()).toContain('Lỗi: Đã hủy');
    const s = testService(other);
    // The package being imported when Ctrl-C came is undone by the importer itself (its own branch of work); the next
    // one is never started.
    expect((await s.call('packages.list', {})).items.length).toBeLessThan(2);
    await s.close();
  });
});

function findPackages(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.cfcpkg')).map((f) => path.join(dir, f));
}
