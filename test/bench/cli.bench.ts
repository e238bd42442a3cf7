/**
 * Benchmark: start-up of the bundled `cfc` (out/cli/cfc.cjs) against `node -e 0`, measured in the same run and
 * interleaved (so a busy machine slows all three alike). Budgets of issue 13: `cfc --version` ≤ 2.5× and
 * `cfc score FILE` ≤ 4× `node -e 0`. Run: `npm run bench:cli [-- ROUNDS]` (builds the bundle first). Prints medians and
 * ratios; no assertion: figures for people.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'out/cli/cfc.cjs');
const input = path.join(root, 'test/fixtures/scoring/recognised-other.json');
const ROUNDS = Number(process.argv[2] ?? 15);
if (!fs.existsSync(bin)) {
  process.stderr.write(`${bin} is missing: run npm run build:cli first.\n`);
  process.exit(2);
}
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-bench-cli-'));

const cases = {
  'node -e 0': ['-e', '0'],
  'cfc --version': [bin, '--version'],
  'cfc score FILE': [bin, '--data-dir', dataDir, 'score', input],
} as const;
type Case = keyof typeof cases;
const times: Record<Case, number[]> = { 'node -e 0': [], 'cfc --version': [], 'cfc score FILE': [] };

function once(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: os.tmpdir(), encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

// One warm-up of each (disk cache), then interleaved rounds.
for (const args of Object.values(cases)) once(args);
for (let i = 0; i < ROUNDS; i++) for (const [name, args] of Object.entries(cases) as [Case, readonly string[]][]) times[name].push(once(args));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ref = median(times['node -e 0']);
const budget: Record<Case, number | null> = { 'node -e 0': null, 'cfc --version': 2.5, 'cfc score FILE': 4 };
process.stdout.write(`cfc start-up, ${ROUNDS} interleaved rounds, median wall time (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(2)})\n`);
for (const name of Object.keys(cases) as Case[]) {
  const m = median(times[name]);
  const b = budget[name];
  process.stdout.write(
    `  ${name.padEnd(16)} ${m.toFixed(0).padStart(6)} ms  ${(m / ref).toFixed(2)}× node -e 0` + (b ? `  (budget ${b}×: ${m / ref <= b ? 'within' : 'OVER'})` : '') + '\n',
  );
}
fs.rmSync(dataDir, { recursive: true, force: true });
