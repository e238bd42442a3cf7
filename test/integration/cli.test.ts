import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers';
import { cfcInProcess } from './cli-io';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Runs `cfc` in process through `run(argv, io)` (test/integration/cli-bundle.test.ts runs the bundled bin itself). */
function cfc(args: string[], env: Record<string, string> = {}) {
  return cfcInProcess(args, { cwd: repoRoot, env });
}

function dataDir() {
  const t = tempDir('cfc-cli-');
  cleanups.push(t.cleanup);
  return path.join(t.dir, 'data');
}

describe('cfc', () => {
  it('is the package bin: the bundle that npm run build:cli (and npm ci\'s prepare step) makes', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.bin.cfc).toBe('out/cli/cfc.cjs');
    expect(pkg.scripts.prepare).toBe('npm run build:cli');
    expect(pkg.scripts.build).toContain('npm run build:cli');
  });

  it('--help lists the commands and the exit statuses, exit 0', async () => {
    const r = await cfc(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: cfc');
    expect(r.stdout).toContain('--data-dir');
    expect(r.stdout).toContain('--json');
    expect(r.stdout).toMatch(/2 sai cú pháp \/ usage error/);
  });

  it('--version prints the version of package.json, exit 0', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const r = await cfc(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('a usage error exits 2 and writes nothing', async () => {
    const dir = dataDir();
    for (const args of [['--bogus'], ['no-such-command'], ['units', 'search'], ['units', 'search', 'x', '--limit']]) {
      const r = await cfc(['--data-dir', dir, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('rejected input exits 1 with a bilingual message naming the field, nothing on stdout, nothing written', async () => {
    const dir = dataDir();
    const r = await cfc(['--data-dir', dir, 'units', 'search', '--limit', '0', 'tra']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Lỗi:');
    expect(r.stderr).toContain('Error:');
    expect(r.stderr).toContain('limit');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('--json reports a rejection as the typed error', async () => {
    const r = await cfc(['--json', '--data-dir', dataDir(), 'units', 'search', '--limit', '500', 'tra']);
    expect(r.code).toBe(1);
    const err = JSON.parse(r.stderr);
    expect(err).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'limit' } });
  });

  it('success exits 0; --data-dir wins over CFC_DATA_DIR; --json is machine-readable', async () => {
    const flag = dataDir();
    const env = dataDir();
    const r = await cfc(['--json', '--data-dir', flag, 'info'], { CFC_DATA_DIR: env });
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.dataDir).toBe(flag);
    expect(fs.existsSync(path.join(flag, 'cfc.sqlite'))).toBe(true);
    expect(fs.existsSync(env)).toBe(false);

    const viaEnv = await cfc(['--json', 'info'], { CFC_DATA_DIR: env });
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout).dataDir).toBe(env);
  });

  it('searches units from the terminal, diacritics optional, in the current edition unless another is named', async () => {
    const r = await cfc(['--data-dir', dataDir(), 'units', 'search', 'cang', 'long', '--level', 'commune']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^29266\s+Xã Càng Long, Tỉnh Vĩnh Long$/);
    expect(r.stdout).toContain('edition 2025-07-01');
    const old = await cfc(['--data-dir', dataDir(), 'units', 'search', 'my', 'cam', '--level', 'commune', '--edition', '2025-03-01']);
    expect(old.code).toBe(0);
    expect(old.stdout.split('\n')[0]).toMatch(/^29269\s+Xã Mỹ Cẩm, Huyện Càng Long, Tỉnh Trà Vinh$/);
  });

  it('refuses a database from a newer version with exit 1 and a clear message', async () => {
    const dir = dataDir();
    expect((await cfc(['--data-dir', dir, 'info'])).code).toBe(0);
    const db = new SQLite(path.join(dir, 'cfc.sqlite'));
    db.prepare("insert into kysely_migration (name, timestamp) values ('9999_future', '2030-01-01')").run();
    db.close();
    const r = await cfc(['--data-dir', dir, 'info']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('9999_future');
    expect(r.stdout).toBe('');
  });
});
