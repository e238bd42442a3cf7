/**
 * `npm run bench:packages-many`: 1,000 signed self-assessment packages of ~300 KB each, for different communes of the
 * 2025-07-01 catalogue (`CFC_BENCH_MANY_COUNT`, `CFC_BENCH_MANY_KB` for a smoke run), verified and then imported through
 * the service, as `cfc package verify DIR` / `cfc package import DIR` do, each step in its own child process (its peak
 * resident memory read from that process). Against the physical floor measured in the same run over the same files:
 * `openssl dgst -sha256` of all of them (verify), `cp` of all of them (import; and `cp` + `sync`, since import makes
 * its files durable). Generated into os.tmpdir() and deleted afterwards. Figures only, no assertions.
 *
 * Generation is kept quick: one assessor key per province (a provincial assessment team covers its communes), one
 * evidence buffer reused with a per-package prefix (so every package's evidence is distinct and nothing dedupes).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createService } from '../../src/api/service';
import { checkoutResourcesDir } from '../../src/server/resources';
import { editions, makeKey, makePackage, publicKeyText, type TestKey } from '../unit/packages/helpers';

const EDITION = '2025-07-01';

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: a positive integer (got ${v})`);
  return n;
}

/** One step, run in this process when called as a child: prints {ms, maxRssMb, extra}. */
async function child(step: string, args: string[]): Promise<void> {
  const [dataDir, folder] = args as [string, string];
  const s = createService({ dataDir, resourcesDir: checkoutResourcesDir, mode: 'cli' });
  await s.open();
  const t0 = process.hrtime.bigint();
  let extra: unknown;
  if (step === 'verify') {
    const r = await s.call('packages.verify', { paths: [folder] });
    const outcomes: Record<string, number> = {};
    for (const i of r.items) outcomes[i.outcome] = (outcomes[i.outcome] ?? 0) + 1;
    extra = outcomes;
  } else if (step === 'import') {
    extra = (await s.call('packages.import', { paths: [folder] })).summary;
  } else if (step !== 'open') throw new Error(`unknown step ${step}`);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await s.close();
  process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, extra }) + '\n');
}

function runChild(step: string, args: string[]): { ms: number; maxRssMb: number; extra: unknown } {
  // `CFC_BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` profiles the steps (tsx loaded with --import, so
  // the flags reach the process that runs them).
  const nodeArgs = (process.env['CFC_BENCH_CHILD_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const r = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', __filename, '--child', step, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${step} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRssMb: number; extra: unknown };
}

/** A physical reference, timed, with its peak RSS from GNU time (`%M`, KB). */
function reference(argv: string[]): { ms: number; maxRssMb: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.slice(0, 3).join(' ')} … failed: ${r.stderr.slice(0, 2000)}`);
  const kb = /maxrss=(\d+)/.exec(r.stderr)?.[1];
  return { ms, maxRssMb: kb ? Number(kb) / 1024 : NaN };
}

/** The best of three runs (the machine is shared; the floor should be the disk's, not the neighbours'). */
function best(argv: string[], after?: () => void): { ms: number; maxRssMb: number } {
  let b: { ms: number; maxRssMb: number } | null = null;
  for (let i = 0; i < 3; i++) {
    const r = reference(argv);
    after?.();
    if (!b || r.ms < b.ms) b = r;
  }
  return b!;
}

/** `count` communes of the 2025-07-01 catalogue, province by province, each with its province's assessor key. */
function communes(count: number): Array<{ code: string; key: TestKey }> {
  const cat = editions.get(EDITION);
  const out: Array<{ code: string; key: TestKey }> = [];
  for (const p of cat.children(null)) {
    const key = makeKey('assessor', p.code, `Đoàn thẩm định ${p.name}`, EDITION);
    for (const c of cat.communesUnder(p.code)) {
      if (out.length === count) return out;
      out.push({ code: c.code, key });
    }
  }
  if (out.length < count) throw new Error(`CFC_BENCH_MANY_COUNT: the ${EDITION} catalogue has ${out.length} communes, fewer than ${count}`);
  return out;
}

async function generate(folder: string, work: string, count: number, kb: number): Promise<{ files: string[]; keys: TestKey[] }> {
  const targets = communes(count);
  const evidence = crypto.randomBytes(kb * 1024);
  evidence.write('%PDF-1.4\n', 0, 'latin1');
  const files: string[] = [];
  for (const [i, t] of targets.entries()) {
    evidence.writeUInt32LE(i, 16); // distinct evidence per package, so the content-addressed store dedupes nothing
    const { file } = await makePackage(work, t.key, { unitCode: t.code, unitEdition: EDITION, year: 2026, evidence: { 'minhchung.pdf': evidence } });
    const to = path.join(folder, `${String(i).padStart(5, '0')}-${t.code}.cfcpkg`);
    fs.renameSync(file, to);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    files.push(to);
  }
  return { files, keys: [...new Set(targets.map((t) => t.key))] };
}

async function main(): Promise<void> {
  const count = envInt('CFC_BENCH_MANY_COUNT', 1000);
  const kb = envInt('CFC_BENCH_MANY_KB', 300);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-bench-many-'));
  try {
    const folder = path.join(root, 'packages');
    fs.mkdirSync(folder);
    const g0 = process.hrtime.bigint();
    const { files, keys } = await generate(folder, path.join(root, 'work'), count, kb);
    const genMs = Number(process.hrtime.bigint() - g0) / 1e6;
    const totalBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);

    // The reviewer: a provincial profile trusting the provincial teams' keys (each key covers its own province only).
    const reviewer = path.join(root, 'reviewer');
    const s = createService({ dataDir: reviewer, resourcesDir: checkoutResourcesDir, mode: 'cli' });
    await s.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
    for (const k of keys) await s.call('trust.add', { publicKey: publicKeyText(k) });
    await s.close();

    // The floor, over the same files, in this run, with the page cache as warm as for the steps.
    const copies = path.join(root, 'copies');
    const fresh = () => {
      fs.rmSync(copies, { recursive: true, force: true });
      fs.mkdirSync(copies);
    };
    fresh();
    const sha = best(['openssl', 'dgst', '-sha256', ...files]);
    const cp = best(['cp', '-t', copies, ...files], fresh);
    const cpSync = best(['sh', '-c', 'cp -t "$0" "$@" && cd "$0" && sync -- * && sync .', copies, ...files], fresh);
    fs.rmSync(copies, { recursive: true, force: true });

    const base = runChild('open', [reviewer, folder]); // the service opened and closed: the floor of every step's RSS
    const ver = runChild('verify', [reviewer, folder]);
    const imp = runChild('import', [reviewer, folder]);

    const mb = totalBytes / (1024 * 1024);
    const rows: string[][] = [];
    const row = (step: string, r: { ms: number; maxRssMb: number }, ref: { ms: number } | null, refName: string) => [
      step,
      (r.ms / 1000).toFixed(2) + ' s',
      (r.ms / count).toFixed(2) + ' ms',
      (count / (r.ms / 1000)).toFixed(0) + '/s',
      (mb / (r.ms / 1000)).toFixed(0) + ' MB/s',
      ref ? `${(r.ms / ref.ms).toFixed(1)}× ${refName}` : '—',
      Number.isFinite(r.maxRssMb) ? r.maxRssMb.toFixed(0) + ' MB' : '?',
    ];
    rows.push(
      row('openssl dgst -sha256 (all files)', sha, null, ''),
      row('cp (all files)', cp, null, ''),
      row('cp + sync (all files)', cpSync, cp, 'cp'),
      row('(service open, nothing done)', base, null, '').map((c, i) => (i >= 1 && i <= 4 ? '—' : c)),
      row('packages.verify', ver, sha, 'openssl'),
      row('packages.import', imp, cp, 'cp'),
      row('packages.import', imp, cpSync, 'cp+sync'),
    );
    const head = ['step', 'time', 'per package', 'packages/s', 'throughput', 'ratio', 'peak RSS'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    console.log(`${count} packages of ${EDITION} communes, ${kb} KB evidence each, ${mb.toFixed(1)} MB in all, signed by ${keys.length} provincial keys; generated in ${(genMs / 1000).toFixed(1)} s`);
    console.log(`verify: ${JSON.stringify(ver.extra)}; import: ${JSON.stringify(imp.extra)}`);
    console.log(line(head));
    for (const r of rows) console.log(line(r));
    console.log(`references: best of 3 (each one process over all files); node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--child');
if (at !== -1) {
  void child(process.argv[at + 1]!, process.argv.slice(at + 2)).catch((e: unknown) => {
    process.stderr.write(String((e as Error).stack ?? e));
    process.exit(1);
  });
} else {
  void main().catch((e: unknown) => {
    process.stderr.write(String((e as Error).stack ?? e));
    process.exit(1);
  });
}
