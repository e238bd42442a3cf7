import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Runs the real `cfc` binary (package.json bin) as a user would. */
function cfc(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'src/cli/bin.cjs'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, CFC_DATA_DIR: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function dataDir() {
  const t = tempDir('cfc-cli-');
  cleanups.push(t.cleanup);
  return path.join(t.dir, 'data');
}

describe('cfc', () => {
  it('is the package bin', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.bin.cfc).toBe('src/cli/bin.cjs');
  });

  it('--help lists the commands and the exit statuses, exit 0', () => {
    const r = cfc(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: cfc');
    expect(r.stdout).toContain('--data-dir');
    expect(r.stdout).toContain('--json');
    expect(r.stdout).toMatch(/2 sai cú pháp \/ usage error/);
  });

  it('--version prints the version of package.json, exit 0', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const r = cfc(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('a usage error exits 2 and writes nothing', () => {
    const dir = dataDir();
    for (const args of [['--bogus'], ['no-such-command'], ['units', 'search'], ['units', 'search', 'x', '--limit']]) {
      const r = cfc(['--data-dir', dir, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('rejected input exits 1 with a bilingual message naming the field, nothing on stdout, nothing written', () => {
    const dir = dataDir();
    const r = cfc(['--data-dir', dir, 'units', 'search', '--limit', '0', 'tra']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Lỗi:');
    expect(r.stderr).toContain('Error:');
    expect(r.stderr).toContain('limit');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('--json reports a rejection as the typed error', () => {
    const r = cfc(['--json', '--data-dir', dataDir(), 'units', 'search', '--limit', '500', 'tra']);
    expect(r.code).toBe(1);
    const err = JSON.parse(r.stderr);
    expect(err).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'limit' } });
  });

  it('success exits 0; --data-dir wins over CFC_DATA_DIR; --json is machine-readable', () => {
    const flag = dataDir();
    const env = dataDir();
    const r = cfc(['--json', '--data-dir', flag, 'info'], { CFC_DATA_DIR: env });
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.dataDir).toBe(flag);
    expect(fs.existsSync(path.join(flag, 'cfc.sqlite'))).toBe(true);
    expect(fs.existsSync(env)).toBe(false);

    const viaEnv = cfc(['--json', 'info'], { CFC_DATA_DIR: env });
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout).dataDir).toBe(env);
  });

  it('searches units from the terminal, diacritics optional, in the current edition unless another is named', () => {
    const r = cfc(['--data-dir', dataDir(), 'units', 'search', 'cang', 'long', '--level', 'commune']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^29266\s+Xã Càng Long, Tỉnh Vĩnh Long$/);
    expect(r.stdout).toContain('edition 2025-07-01');
    const old = cfc(['--data-dir', dataDir(), 'units', 'search', 'my', 'cam', '--level', 'commune', '--edition', '2025-03-01']);
    expect(old.code).toBe(0);
    expect(old.stdout.split('\n')[0]).toMatch(/^29269\s+Xã Mỹ Cẩm, Huyện Càng Long, Tỉnh Trà Vinh$/);
  });

  it('refuses a database from a newer version with exit 1 and a clear message', () => {
    const dir = dataDir();
    expect(cfc(['--data-dir', dir, 'info']).code).toBe(0);
    const db = new SQLite(path.join(dir, 'cfc.sqlite'));
    db.prepare("insert into kysely_migration (name, timestamp) values ('9999_future', '2030-01-01')").run();
    db.close();
    const r = cfc(['--data-dir', dir, 'info']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('9999_future');
    expect(r.stdout).toBe('');
  });
});
