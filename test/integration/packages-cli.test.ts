import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, snapshotDir, tempDir } from '../helpers';
import { cfcInProcess } from './cli-io';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** `cfc` in process, through `run(argv, io)`. */
function cfc(args: string[], env: Record<string, string> = {}) {
  return cfcInProcess(args, { cwd: repoRoot, env: { CFC_KEY_PASSPHRASE: 'mật khẩu dài đủ', ...env } });
}

describe('cfc keys, trust, package', () => {
  it('init a key, create a package from an input file with evidence, verify, trust, import; exit statuses 0/1/2', async () => {
    const t = tempDir('cfc-cli-pkg-');
    cleanups.push(t.cleanup);
    const commune = path.join(t.dir, 'commune');
    const province = path.join(t.dir, 'province');
    const input = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(t.dir, 'in.json'), JSON.stringify({ ...input, unitCode: '29266', year: 2026, notes: { '1.1': 'Nghị quyết HĐND' } }));
    const ev = path.join(t.dir, 'ev');
    fs.mkdirSync(ev);
    fs.writeFileSync(path.join(ev, 'Biên bản.pdf'), '%PDF-1.4 biên bản');

    let r = await cfc(['--data-dir', commune, 'keys', 'init', '--name', 'Nguyễn Thị Hồng', '--role', 'commune', '--unit', '29266']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}/);
    expect((await cfc(['--data-dir', commune, 'keys', 'init', '--name', 'X', '--role', 'commune'])).code).toBe(2);
    r = await cfc(['--data-dir', commune, '--json', 'keys', 'show']);
    expect(JSON.parse(r.stdout).items).toHaveLength(1);
    const pub = path.join(t.dir, 'hong.json');
    expect((await cfc(['--data-dir', commune, 'keys', 'export-public', '--out', pub])).code).toBe(0);
    const out = path.join(t.dir, 'out');
    fs.mkdirSync(out);
    expect((await cfc(['--data-dir', commune, 'package', 'create', '--input', path.join(t.dir, 'in.json'), '--evidence', ev, '--out', out], { CFC_KEY_PASSPHRASE: 'sai mật khẩu' })).code).toBe(1);
    r = await cfc(['--data-dir', commune, '--json', 'package', 'create', '--input', path.join(t.dir, 'in.json'), '--evidence', ev, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const pkg = JSON.parse(r.stdout) as { file: string; fileName: string };
    expect(pkg.fileName).toBe('TuDanhGia_29266_Xa-Cang-Long_2026_lan1.cfcpkg');

    r = await cfc(['--data-dir', province, 'package', 'verify', pkg.file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('key_unknown');
    expect((await cfc(['--data-dir', province, 'package', 'import', pkg.file])).code).toBe(1);
    // --accept-untrusted needs --reason: a usage error (exit 2), nothing imported.
    const before = snapshotDir(province);
    r = await cfc(['--data-dir', province, 'package', 'import', pkg.file, '--accept-untrusted']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reason');
    expect(r.stdout).toBe('');
    expect(snapshotDir(province)).toEqual(before);
    expect((await cfc(['--data-dir', province, 'trust', 'add', pub])).code).toBe(0);
    r = await cfc(['--data-dir', province, 'package', 'verify', pkg.file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('VALID');
    r = await cfc(['--data-dir', province, '--json', 'package', 'import', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ total: 1, imported: 1, rejected: 0 });
    r = await cfc(['--data-dir', province, 'package', 'import', pkg.file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('already present');

    const garbage = path.join(t.dir, 'rac.cfcpkg');
    fs.writeFileSync(garbage, 'not a zip');
    r = await cfc(['--data-dir', province, 'package', 'verify', garbage]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('not_a_zip');
    expect((await cfc(['--data-dir', province, 'package', 'verify'])).code).toBe(2);

    r = await cfc(['--data-dir', province, '--json', 'trust', 'list']);
    const keyId = (JSON.parse(r.stdout) as { items: { keyId: string }[] }).items[0]!.keyId;
    expect((await cfc(['--data-dir', province, 'trust', 'revoke', keyId, '--reason', 'mất máy'])).code).toBe(0);
    r = await cfc(['--data-dir', province, 'package', 'verify', pkg.file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('key_revoked');
  });
});
