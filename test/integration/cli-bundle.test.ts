/**
 * The bundled `cfc` (out/cli/cfc.cjs, package.json "bin") run as a user runs it: three child processes in all. Every
 * other CLI behaviour is tested in process through `run(argv, io)` (cli.test.ts, cli-score.test.ts, packages-cli.test.ts).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers';

const bin = path.join(repoRoot, 'out/cli/cfc.cjs');
const run = promisify(execFile);
const tmp = tempDir('cfc-bundle-');
afterAll(() => tmp.cleanup());

beforeAll(() => {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: npm run build:cli (npm ci runs it as the prepare step; npm test as part of npm run build)`);
});

describe('out/cli/cfc.cjs', () => {
  it('is self-contained: only the native module (better-sqlite3) is required from node_modules', () => {
    const files = [path.join(repoRoot, 'out/cli/cfc-main.mjs'), ...fs.readdirSync(path.join(repoRoot, 'out/cli/chunks')).map((f) => path.join(repoRoot, 'out/cli/chunks', f))];
    const bare = new Set<string>();
    const builtin = new Set(builtinModules);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const found = [
        ...text.matchAll(/^import\s[^;]*?from\s*"([^"]+)";/gm),
        ...text.matchAll(/\b(?:import|__require|require)\("([^"]+)"\)/g),
      ].map((m) => m[1]!);
      for (const name of found) if (!name.startsWith('.') && !name.startsWith('node:') && !builtin.has(name.split('/')[0]!)) bare.add(name);
    }
    expect([...bare].sort()).toEqual(['better-sqlite3']);
  });

  it('--version, --help and score answer from the bundle, resources found from the bin, in another folder', async () => {
    const opts = { cwd: tmp.dir, env: { ...process.env, CFC_DATA_DIR: path.join(tmp.dir, 'data'), CFC_RESOURCES_DIR: '' } };
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const [version, help, score] = await Promise.all([
      run(process.execPath, [bin, '--version'], opts),
      run(process.execPath, [bin, '--help'], opts),
      run(process.execPath, [bin, '--json', 'score', path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json')], opts),
    ]);
    expect(version.stdout.trim()).toBe(pkg.version);
    expect(help.stdout).toContain('Usage: cfc');
    expect(JSON.parse(score.stdout)).toMatchObject({ total: 875, recognised: true, pack: { id: 'qd06-2019' } });
    // score reads packs and files only: the data folder was not created.
    expect(fs.existsSync(path.join(tmp.dir, 'data'))).toBe(false);
  });
});
