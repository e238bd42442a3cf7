/**
 * `npm run bench:packages-many`: 1,000 signed self-assessment packages of ~300 KB each, for different communes of the
 * 2025-07-01 catalogue (`CFC_BENCH_MANY_COUNT`, `CFC_BENCH_MANY_KB` for a smoke run), verified and then imported through
 * the service, as `cfc package verify DIR` / `cfc package import DIR` do, each step in its own child process (its peak
 * resident memory read from that process). Against the physical floor measured in the same run over the same files:
 * `openssl dgst -sha256` of all of them (verify), `cp` of all of them (import; and `cp` + `sync`, since import makes
 * its files durable). Then the same two through the built `cfc` (out/cli, after `npm run build`), start included.
 * Generated into os.tmpdir() and deleted afterwards. Figures only, no assertions.
 *
 * Generation is kept quick: one assessor key per province (a provincial assessment team covers its communes), one
 * evidence buffer reused with a per-package prefix (so every package's evidence is distinct and nothing dedupes).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { editions, makeKey, makePackage, publicKeyText, type TestKey } from '../unit/packages/helpers';
import { best, builtCfc, envInt, machineLine, printTable, runAsChild, runChild, service, tail, TAIL_HEAD, type Figures } from './packages-common';

const EDITION = '2025-07-01';

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
    const s = service(reviewer);
    await s.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
    for (const k of keys) await s.call('trust.add', { publicKey: publicKeyText(k) });
    await s.close();
    // The reviewer's folder before any import: every import below starts from a copy of it (the in-process import
    // fills `reviewer`; a cfc import into a copy of that would only find every package already present).
    const pristine = path.join(root, 'reviewer-pristine');
    fs.cpSync(reviewer, pristine, { recursive: true });

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

    const base = runChild(__filename, 'open', [reviewer, folder]); // the service opened and closed: the floor of every step's RSS
    const ver = runChild(__filename, 'verify', [reviewer, folder]);
    const imp = runChild(__filename, 'import', [reviewer, folder]);
    const cli = builtCfc(pristine, folder, count);

    const mb = totalBytes / (1024 * 1024);
    const row = (step: string, r: Figures, ref: Figures | null, refName: string) => [
      step,
      (r.ms / 1000).toFixed(2) + ' s',
      (r.ms / count).toFixed(2) + ' ms',
      (count / (r.ms / 1000)).toFixed(0) + '/s',
      (mb / (r.ms / 1000)).toFixed(0) + ' MB/s',
      ...tail(r, ref, refName),
    ];
    const rows = [
      row('openssl dgst -sha256 (all files)', sha, null, ''),
      row('cp (all files)', cp, null, ''),
      row('cp + sync (all files)', cpSync, cp, 'cp'),
      row('(service open, nothing done)', base, null, '').map((c, i) => (i >= 1 && i <= 4 ? '—' : c)),
      row('packages.verify', ver, sha, 'openssl'),
      row('packages.import', imp, cp, 'cp'),
      row('packages.import', imp, cpSync, 'cp+sync'),
      ...(cli ? [row('cfc package verify DIR (built)', cli.verify, sha, 'openssl'), row('cfc package import DIR (built)', cli.import, cpSync, 'cp+sync')] : []),
    ];
    console.log(`${count} packages of ${EDITION} communes, ${kb} KB evidence each, ${mb.toFixed(1)} MB in all, signed by ${keys.length} provincial keys; generated in ${(genMs / 1000).toFixed(1)} s`);
    console.log(`verify: ${JSON.stringify(ver.extra)}; import: ${JSON.stringify(imp.extra)}`);
    printTable(['step', 'time', 'per package', 'packages/s', 'throughput', ...TAIL_HEAD], rows);
    console.log(`CPU per package: verify ${(ver.cpuMs / count).toFixed(2)} ms, import ${(imp.cpuMs / count).toFixed(2)} ms (all threads; on a loaded machine the time per package is the neighbours', the CPU time is ours)`);
    if (!cli) console.log('cfc rows left out: out/cli/cfc.cjs is not built (npm run build)');
    console.log(`references and cfc: best of 3 (each one process over all files; cfc with its start); ${machineLine()}`);
  } finally {
    // CFC_BENCH_MANY_KEEP=1 keeps the generated packages (and the reviewer's data folder) to profile a command on them.
    if (process.env.CFC_BENCH_MANY_KEEP === '1') console.log(`kept: ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

const isChild = runAsChild({
  verify: async (s, folder) => {
    const r = await s.call('packages.verify', { paths: [folder] });
    const outcomes: Record<string, number> = {};
    for (const i of r.items) outcomes[i.outcome] = (outcomes[i.outcome] ?? 0) + 1;
    return outcomes;
  },
  import: async (s, folder) => (await s.call('packages.import', { paths: [folder] })).summary,
});
if (!isChild) {
  void main().catch((e: unknown) => {
    process.stderr.write(String((e as Error).stack ?? e));
    process.exit(1);
  });
}
