/**
 * `npm run bench:packages`: export, verify and import a package with 1 GB of generated evidence
 * (`CFC_BENCH_PACKAGE_MB=5` for a smoke run), each step in its own child process (its peak resident memory read from
 * that process), against the physical references measured in the same run over the package's own bytes: verify against
 * `openssl dgst -sha256`, export and import against `cp` (and `cp` + `sync`, since import makes its files durable).
 * The built `cfc package verify|import FILE` beside them (start included). Generated into os.tmpdir() and deleted
 * afterwards (`CFC_BENCH_PACKAGE_KEEP=1` keeps it). Figures only, no assertions.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Service } from '../../src/api/service';
import { best, builtCfc, machineLine, printTable, runAsChild, runChild, service, tail, TAIL_HEAD, type Figures } from './packages-common';

const PASSPHRASE = 'benchmark passphrase';
const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures/scoring/recognised-other.json'), 'utf8')) as { values: Record<string, unknown> };

function writeEvidence(dir: string, total: number, files: number): string[] {
  const out: string[] = [];
  const each = Math.floor(total / files);
  const block = crypto.randomBytes(4 * 1024 * 1024);
  for (let i = 0; i < files; i++) {
    const p = path.join(dir, `minhchung-${i}.pdf`);
    const fd = fs.openSync(p, 'w');
    let left = each;
    let n = 0;
    while (left > 0) {
      // Different bytes per block and file (so nothing dedupes or compresses), cheaply.
      block.writeUInt32LE(i, 0);
      block.writeUInt32LE(n++, 4);
      const len = Math.min(left, block.length);
      fs.writeSync(fd, block, 0, len);
      left -= len;
    }
    fs.closeSync(fd);
    out.push(p);
  }
  return out;
}

async function setup(root: string, totalBytes: number): Promise<{ commune: string; assessor: string }> {
  const commune = path.join(root, 'commune');
  const assessor = path.join(root, 'assessor');
  const src = path.join(root, 'src');
  fs.mkdirSync(src, { recursive: true });
  const files = writeEvidence(src, totalBytes, 10);
  const s = service(commune);
  // Xã Càng Long (29266) of the 2025-07-01 catalogue: the only one a 2026 assessment may name.
  await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
  await s.call('settings.set', { evidenceMaxMb: 2048 });
  const key = await s.call('keys.create', { name: 'Nguyễn Thị Hồng', role: 'commune', unitCode: '29266', passphrase: PASSPHRASE });
  const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
  for (const [indicatorId, value] of Object.entries(fixture.values)) await s.call('assessments.setValue', { id: a.id, indicatorId, value });
  const staged = [];
  for (const f of files) {
    const r = await s.files.stage(fs.createReadStream(f), path.basename(f));
    if (!r.ok) throw new Error(r.error.message.en);
    staged.push({ stagedId: r.value.stagedId, name: path.basename(f) });
  }
  await s.call('evidence.attach', { id: a.id, indicatorId: '1.1', files: staged });
  await s.call('assessments.submit', { id: a.id });
  const pub = await s.call('keys.exportPublic', { keyId: key.keyId });
  await s.close();
  fs.rmSync(src, { recursive: true, force: true });
  const t = service(assessor);
  // A provincial assessment team of Tỉnh Vĩnh Long (86): districts are gone since 2025-07-01.
  await t.call('profile.set', { role: 'assessor', unitCode: '86', organisation: 'Đoàn thẩm định tỉnh Vĩnh Long', userName: 'Trần Văn Bình', userTitle: 'Trưởng đoàn' });
  await t.call('trust.add', { publicKey: pub.content });
  await t.close();
  return { commune, assessor };
}

/** Evidence sizes in MB: `CFC_BENCH_PACKAGE_MB=5` (comma-separated, e.g. `100,1024,10240`) for a smoke run; default 1 GB. */
function sizes(): Array<[string, number]> {
  const env = process.env['CFC_BENCH_PACKAGE_MB'];
  const mbs = env ? env.split(',').map((x) => Number(x.trim())) : [1024];
  if (mbs.some((x) => !Number.isFinite(x) || x <= 0)) throw new Error(`CFC_BENCH_PACKAGE_MB: sizes in MB, comma-separated (got ${env})`);
  return mbs.map((mb) => [mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`, Math.round(mb * 1024 * 1024)]);
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const [label, bytes] of sizes()) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-bench-packages-'));
    try {
      const { commune, assessor } = await setup(root, bytes);
      const pkg = path.join(root, 'out.cfcpkg');
      const exp = runChild(__filename, 'export', [commune, pkg]);
      const pkgBytes = fs.statSync(pkg).size;
      const copy = path.join(root, 'copy.cfcpkg');
      const rm = () => fs.rmSync(copy, { force: true });
      // The references, over the package's own bytes, in this run and the same page-cache state as the steps.
      const sha = best(['openssl', 'dgst', '-sha256', pkg]);
      const cp = best(['cp', pkg, copy], rm);
      const cpSync = best(['sh', '-c', 'cp "$1" "$2" && sync "$2"', 'sh', pkg, copy], rm);
      const base = runChild(__filename, 'open', [assessor, pkg]); // the service opened and closed: the floor of every step's RSS
      // The assessor's folder before the import: the built cfc imports into fresh copies of it.
      const pristine = path.join(root, 'assessor-pristine');
      fs.cpSync(assessor, pristine, { recursive: true });
      const ver = runChild(__filename, 'verify', [assessor, pkg]);
      const verWarm = runChild(__filename, 'verify-warm', [assessor, pkg]);
      const imp = runChild(__filename, 'import', [assessor, pkg]);
      const cli = builtCfc(pristine, pkg, 1);
      if (ver.extra !== 'untrusted' && ver.extra !== 'valid') throw new Error(`verify gave ${String(ver.extra)}`);
      const mb = pkgBytes / (1024 * 1024);
      const row = (step: string, r: Figures, ref: Figures | null, refName: string) => [label, step, (r.ms / 1000).toFixed(2) + ' s', (mb / (r.ms / 1000)).toFixed(0) + ' MB/s', ...tail(r, ref, refName)];
      rows.push(
        row('openssl dgst -sha256', sha, null, ''),
        row('cp', cp, null, ''),
        row('cp + sync', cpSync, cp, 'cp'),
        row('(service open, nothing done)', base, null, '').map((c, i) => (i === 2 || i === 3 ? '—' : c)),
        row('export', exp, cp, 'cp'),
        row('verify', ver, sha, 'openssl'),
        row('verify, warm (its second)', verWarm, sha, 'openssl'),
        row('import', imp, cp, 'cp'),
        row('import', imp, cpSync, 'cp+sync'),
        ...(cli ? [row('cfc package verify FILE (built)', cli.verify, sha, 'openssl'), row('cfc package import FILE (built)', cli.import, cpSync, 'cp+sync')] : []),
      );
      if (!cli) process.stderr.write('cfc rows left out: out/cli/cfc.cjs is not built (npm run build)\n');
      process.stderr.write(`${label}: package ${mb.toFixed(1)} MB; verify: ${String(ver.extra)}; import: ${JSON.stringify(imp.extra)}\n`);
    } finally {
      // CFC_BENCH_PACKAGE_KEEP=1 keeps the package and the data folders, to profile a command on them.
      if (process.env.CFC_BENCH_PACKAGE_KEEP === '1') process.stderr.write(`kept: ${root}\n`);
      else fs.rmSync(root, { recursive: true, force: true });
    }
  }
  printTable(['evidence', 'step', 'time', 'throughput', ...TAIL_HEAD], rows);
  console.log(`throughput over the package's bytes; references: best of 3; ${machineLine()}`);
}

const verifyOne = async (s: Service, target: string) => (await s.call('packages.verify', { paths: [target] })).items[0]!.outcome;

const isChild = runAsChild({
  export: async (s, target) => {
    const id = (await s.call('assessments.list', {})).items[0]!.id;
    return s.call('packages.export', { id, passphrase: PASSPHRASE, outPath: target });
  },
  verify: verifyOne,
  // The second verification in one process: its first use (catalogues, packs, schemas, the threads' start) paid before.
  'verify-warm': { before: verifyOne, run: verifyOne },
  import: async (s, target) => (await s.call('packages.import', { paths: [target] })).summary,
});
if (!isChild) {
  void main().catch((e: unknown) => {
    process.stderr.write(String((e as Error).stack ?? e));
    process.exit(1);
  });
}
