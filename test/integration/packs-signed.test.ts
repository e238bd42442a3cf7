import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cfcInProcess } from './cli-io';
import { repoRoot, snapshotDir, tempDir } from '../helpers';
import { builtin } from '../unit/scoring/helpers';

/**
 * Signed packs across three data folders, all through the CLI in-process: a province signs a pack; a commune
 * installs it (refused before it trusts the province, refused when altered) and scores a package with it; an assessor
 * without the pack gets unknown_pack naming id, version and hash, installs the pack, and the package is then valid.
 */

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('cfc-packs-signed-')));
afterEach(() => cleanup());

async function cfc(dataDir: string, args: string[]) {
  const r = await cfcInProcess(['--data-dir', dataDir, ...args], { cwd: dir, env: { CFC_KEY_PASSPHRASE: 'mật khẩu thử nghiệm dài' } });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('a province signs a pack; a commune and an assessor install it', () => {
  it('sign, install (trusted only, unaltered only), score, export, unknown_pack, install, valid', async () => {
    const province = path.join(dir, 'province');
    const commune = path.join(dir, 'commune');
    const assessor = path.join(dir, 'assessor');
    const ok = async (d: string, args: string[]) => {
      const r = await cfc(d, args);
      expect(r.code, `${args.join(' ')}\n${r.out}\n${r.err}`).toBe(0);
      return r;
    };

    // The province's edition of the pack: version 1.2.0 with criterion 7's top bracket at 95%.
    const pack = structuredClone(builtin().pack);
    pack.version = '1.2.0';
    const ind = pack.criteria.find((c) => c.id === '7')!.indicators[0]!;
    if (ind.kind !== 'rate') throw new Error('7.1 is a rate');
    ind.brackets[0]!.threshold = 95;
    ind.brackets[1]!.threshold = 90;
    ind.brackets[2]!.threshold = 85;
    const packFile = path.join(dir, 'qd06-1.2.0.json');
    fs.writeFileSync(packFile, JSON.stringify(pack, null, 2));

    await ok(province, ['keys', 'init', '--name', 'Phạm Thu', '--role', 'province', '--unit', '86']);
    const provPub = path.join(dir, 'tinh.json');
    await ok(province, ['keys', 'export-public', '--out', provPub]);
    const signed = path.join(dir, 'qd06-1.2.0.cfcpack');
    const s = JSON.parse((await ok(province, ['--json', 'pack', 'sign', packFile, '--out', signed])).out) as { keyId: string; sha256: string; fingerprint: string };

    // A commune that does not trust the province yet: refused, nothing installed.
    await ok(commune, ['keys', 'init', '--name', 'Nguyễn Thị Hồng', '--role', 'commune', '--unit', '29266']);
    const communePub = path.join(dir, 'xa.json');
    await ok(commune, ['keys', 'export-public', '--out', communePub]);
    // A commune's key may not issue packs.
    const bySelf = path.join(dir, 'xa.cfcpack');
    const refused = await cfc(commune, ['--json', 'pack', 'sign', packFile, '--out', bySelf]);
    expect(refused.code).toBe(1);
    expect(refused.out + refused.err).toContain('role_not_allowed');
    expect(fs.existsSync(bySelf)).toBe(false);
    let before = snapshotDir(commune);
    let r = await cfc(commune, ['pack', 'install', signed]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(s.fingerprint);
    expect(r.err).toMatch(/chưa có trong danh sách khóa tin cậy/);
    expect(snapshotDir(commune)).toEqual(before);

    // An altered signed pack: bad_signature, nothing installed.
    await ok(commune, ['trust', 'add', provPub]);
    const env = JSON.parse(fs.readFileSync(signed, 'utf8')) as { pack: string };
    const bytes = Buffer.from(env.pack, 'base64').toString('utf8');
    expect(bytes).toContain('"threshold":95');
    const tampered = path.join(dir, 'sua.cfcpack');
    fs.writeFileSync(tampered, JSON.stringify({ ...env, pack: Buffer.from(bytes.replace('"threshold":95', '"threshold":96')).toString('base64') }));
    before = snapshotDir(commune);
    r = await cfc(commune, ['--json', 'pack', 'install', tampered]);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain('bad_signature');
    expect(snapshotDir(commune)).toEqual(before);

    // Installed in one step; listed with its issuer.
    r = await ok(commune, ['--json', 'pack', 'install', signed]);
    expect(JSON.parse(r.out)).toMatchObject({ installed: true, summary: { version: '1.2.0', origin: 'signed', sha256: s.sha256, issuer: { name: 'Phạm Thu', role: 'province', keyId: s.keyId } } });
    r = await ok(commune, ['pack', 'list']);
    expect(r.out).toMatch(new RegExp(`1\\.2\\.0\\s+provisional\\s+${s.sha256.slice(0, 16)}\\s+signed by Phạm Thu \\(province 86`));

    // Scored with the installed pack: 96% on 7.1 is 50 points here (35 with the built-in 1.0.0).
    const input = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json'), 'utf8')) as Record<string, unknown> & { values: Record<string, unknown> };
    input.values['7.1'] = { numerator: 96, denominator: 100 };
    const inFile = path.join(dir, 'in.json');
    fs.writeFileSync(inFile, JSON.stringify({ ...input, packVersion: '1.2.0', unitCode: '29266', year: 2026 }));
    // The score alone (cfc score takes no unit or year), with the installed 1.2.0 and with the built-in 1.0.0.
    const scoreFile = path.join(dir, 'score-1.2.0.json');
    fs.writeFileSync(scoreFile, JSON.stringify({ ...input, packVersion: '1.2.0' }));
    const oldFile = path.join(dir, 'score-1.0.0.json');
    fs.writeFileSync(oldFile, JSON.stringify({ ...input, packVersion: '1.0.0' }));
    const scored = JSON.parse((await ok(commune, ['--json', 'score', scoreFile])).out) as { total: number; pack: { version: string; sha256: string } };
    const base = JSON.parse((await ok(commune, ['--json', 'score', oldFile])).out) as { total: number };
    expect(scored.pack).toMatchObject({ version: '1.2.0', sha256: s.sha256 });
    expect(scored.total - base.total).toBe(50 - 35);
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const pkg = JSON.parse((await ok(commune, ['--json', 'package', 'create', '--input', inFile, '--out', out])).out) as { file: string };

    // The assessor trusts the commune but has not the pack: unknown_pack names id, version and hash.
    await ok(assessor, ['keys', 'init', '--name', 'Trần Văn Bình', '--role', 'assessor', '--unit', '86']);
    await ok(assessor, ['trust', 'add', communePub]);
    r = await cfc(assessor, ['package', 'verify', pkg.file]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('unknown_pack');
    expect(r.out).toContain(`qd06-2019@1.2.0 sha256 ${s.sha256}`);

    // Installs the province's pack (trusting the province), and the package is valid.
    await ok(assessor, ['trust', 'add', provPub]);
    await ok(assessor, ['pack', 'install', signed]);
    r = await ok(assessor, ['package', 'verify', pkg.file]);
    expect(r.out).toContain('VALID');
    expect(r.out).toContain(`${scored.total}/1000`);
  });
});
