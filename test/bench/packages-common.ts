/**
 * What the two package benchmarks share (packages.bench.ts, packages-many.bench.ts): each step runs in a child process
 * of its own (the bench file itself, `--child <step>`), which opens the service, times the step and prints one JSON
 * line — wall time, CPU time of the whole process (every thread: the verifying threads too), its peak and final
 * resident memory; the physical references run under GNU time, best of three. Figures only, no assertions.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createService, type Service } from '../../src/api/service';
import { checkoutResourcesDir } from '../../src/server/resources';

export interface StepFigures {
  ms: number;
  /** User + system CPU time of the child, all threads. */
  cpuMs: number;
  maxRssMb: number;
  /** Resident memory when the step ended (after it, before the service closed). */
  endRssMb: number;
  extra: unknown;
}

export interface Figures {
  ms: number;
  cpuMs?: number;
  maxRssMb: number;
  endRssMb?: number;
}

export { envInt } from './env';

export function service(dataDir: string): Service {
  return createService({ dataDir, resourcesDir: checkoutResourcesDir, mode: 'cli' });
}

/**
 * The child's side: `--child <step> <dataDir> <arg>` runs `steps[step]` on an opened service and prints its figures.
 * Returns false when this process is not a child.
 */
type Step = (s: Service, arg: string) => Promise<unknown>;

/** A step, or a step timed after an untimed first run of `before` in the same process (what a warm process costs). */
export function runAsChild(steps: Record<string, Step | { before: Step; run: Step }>): boolean {
  const at = process.argv.indexOf('--child');
  if (at === -1) return false;
  const [step, dataDir, arg] = process.argv.slice(at + 1) as [string, string, string];
  void (async () => {
    const def = steps[step];
    if (!def && step !== 'open') throw new Error(`unknown step ${step}`);
    const run = typeof def === 'function' ? def : def?.run;
    const s = service(dataDir);
    await s.open();
    if (def && typeof def !== 'function') await def.before(s, arg);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const extra = run ? await run(s, arg) : null;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const endRssMb = process.memoryUsage().rss / (1024 * 1024);
    await s.close();
    const out: StepFigures = { ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, endRssMb, extra };
    process.stdout.write(JSON.stringify(out) + '\n');
  })().catch((e: unknown) => {
    process.stderr.write(String((e as Error).stack ?? e));
    process.exit(1);
  });
  return true;
}

/**
 * Runs one step of `benchFile` in a child process. `CFC_BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`
 * profiles the steps (tsx loaded with --import, so the flags reach the process that runs them).
 */
export function runChild(benchFile: string, step: string, args: string[]): StepFigures {
  const nodeArgs = (process.env['CFC_BENCH_CHILD_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const r = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', benchFile, '--child', step, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${step} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as StepFigures;
}

/** A physical reference, timed, with its peak RSS and CPU time from GNU time. */
function reference(argv: string[]): Figures {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M cpu=%U+%S', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.slice(0, 3).join(' ')} … failed: ${r.stderr.slice(0, 2000)}`);
  const kb = /maxrss=(\d+)/.exec(r.stderr)?.[1];
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  return { ms, maxRssMb: kb ? Number(kb) / 1024 : NaN, ...(cpu ? { cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000 } : {}) };
}

/** The best of three runs (the machine is shared; the reference should be the disk's, not the neighbours'). */
export function best(argv: string[], after?: () => void): Figures {
  let b: Figures | null = null;
  for (let i = 0; i < 3; i++) {
    const r = reference(argv);
    after?.();
    if (!b || r.ms < b.ms) b = r;
  }
  return b!;
}

/**
 * The product as officials run it: the built `cfc` (its verifying threads from the bundle, not compiled by tsx as in
 * the in-process steps), the process's start included, best of three each. `package verify TARGET`, then `package
 * import TARGET` into a fresh copy of `pristine` (the receiving data folder as it was before any import) each time;
 * each import must have stored `stored` packages itself (not found them already there). Null when `out/cli/cfc.cjs`
 * is not built.
 */
export function builtCfc(pristine: string, target: string, stored: number): { verify: Figures; import: Figures } | null {
  const cfc = path.resolve(__dirname, '../../out/cli/cfc.cjs');
  if (!fs.existsSync(cfc)) return null;
  const folder = `${pristine}-cfc`;
  const fresh = () => {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.cpSync(pristine, folder, { recursive: true });
  };
  fresh();
  const verify = best(['node', cfc, '--data-dir', folder, '--json', 'package', 'verify', target]);
  const counted: number[] = [];
  const imported = best(['node', cfc, '--data-dir', folder, '--json', 'package', 'import', target], () => {
    counted.push(fs.readdirSync(path.join(folder, 'packages')).filter((f) => f.endsWith('.cfcpkg')).length);
    fresh();
  });
  fs.rmSync(folder, { recursive: true, force: true });
  if (counted.some((n) => n !== stored)) throw new Error(`cfc package import stored ${counted.join(', ')} packages, not ${stored} each time`);
  return { verify, import: imported };
}

const mbText = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(0) + ' MB' : '—');

/** The columns both benchmarks end with: ratio to a reference, CPU time, peak and final RSS. */
export function tail(r: Figures, ref: Figures | null, refName: string): string[] {
  return [ref ? `${(r.ms / ref.ms).toFixed(2)}× ${refName}` : '—', r.cpuMs !== undefined ? (r.cpuMs / 1000).toFixed(2) + ' s' : '—', mbText(r.maxRssMb), mbText(r.endRssMb)];
}

export const TAIL_HEAD = ['ratio', 'CPU (all threads)', 'peak RSS', 'RSS at end'];

export function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

export function machineLine(): string {
  return `node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
}
