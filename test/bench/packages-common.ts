/**
 * What the two package benchmarks share (packages.bench.ts, packages-many.bench.ts): each step runs in a child process
 * of its own (the bench file itself, `--child <step>`), which opens the service, times the step and prints one JSON
 * line — wall time, CPU time of the whole process (every thread: the verifying threads too), its peak and final
 * resident memory; the physical references run under GNU time, best of three. Figures only, no assertions.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
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
export function runAsChild(steps: Record<string, (s: Service, arg: string) => Promise<unknown>>): boolean {
  const at = process.argv.indexOf('--child');
  if (at === -1) return false;
  const [step, dataDir, arg] = process.argv.slice(at + 1) as [string, string, string];
  void (async () => {
    const run = steps[step];
    if (!run && step !== 'open') throw new Error(`unknown step ${step}`);
    const s = service(dataDir);
    await s.open();
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
