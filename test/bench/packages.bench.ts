/**
 * `npm run bench:packages`: export, verify and import a package with 100 MB and 1 GB of generated evidence, each step in
 * its own child process (its peak resident memory read from that process), against `sha256sum` over the same evidence
 * files. Generated into os.tmpdir() and deleted afterwards. Figures only, no assertions.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createService, type Service } from '../../src/api/service';
import { checkoutResourcesDir } from '../../src/server/resources';

const PASSPHRASE = 'benchmark passphrase';
const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures/scoring/recognised-other.json'), 'utf8')) as { values: Record<string, unknown> };

function service(dataDir: string): Service {
  return createService({ dataDir, resourcesDir: checkoutResourcesDir, mode: 'cli' });
}

/** One step, run in this process when called as a child: prints {ms, maxRssMb}. */
async function child(step: string, args: string[]): Promise<void> {
  const [dataDir, target] = args as [string, string];
  const s = service(dataDir);
  await s.open();
  const t0 = process.hrtime.bigint();
  let extra: unknown = null;
  if (step === 'export') {
    const id = (await s.call('assessments.list', {})).items[0]!.id;
    extra = await s.call('packages.export', { id, passphrase: PASSPHRASE, outPath: target });
  } else if (step === 'verify') {
    const r = await s.call('packages.verify', { paths: [target] });
    extra = r.items[0]!.outcome;
  } else if (step === 'import') {
    const r = await s.call('packages.import', { paths: [target] });
    extra = r.summary;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await s.close();
  process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, extra }) + '\n');
}

function runChild(step: string, args: string[]): { ms: number; maxRssMb: number; extra: unknown } {
  const r = spawnSync(process.execPath, [require.resolve('tsx/cli'), __filename, '--child', step, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${step} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRssMb: number; extra: unknown };
}

function sha256sum(files: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sha256sum', files, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

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

async function setup(root: string, totalBytes: number): Promise<{ commune: string; assessor: string; storeFiles: string[] }> {
  const commune = path.join(root, 'commune');
  const assessor = path.join(root, 'assessor');
  const src = path.join(root, 'src');
  fs.mkdirSync(src, { recursive: true });
  const files = writeEvidence(src, totalBytes, 10);
  const s = service(commune);
  await s.call('profile.set', { role: 'commune', unitCode: '29269', organisation: 'UBND Xã Mỹ Cẩm', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
  await s.call('settings.set', { evidenceMaxMb: 2048 });
  const key = await s.call('keys.create', { name: 'Nguyễn Thị Hồng', role: 'commune', unitCode: '29269', passphrase: PASSPHRASE });
  const a = await s.call('assessments.create', { unitCode: '29269', year: 2026 });
  for (const [indicatorId, value] of Object.entries(fixture.values)) await s.call('assessments.setValue', { id: a.id, indicatorId, value });
  const staged = [];
  for (const f of files) {
    const r = await s.files.stage(fs.createReadStream(f), path.basename(f));
    if (!r.ok) throw new Error(r.error.message.en);
    staged.push({ stagedId: r.value.stagedId, name: path.basename(f) });
  }
  await s.call('evidence.attach', { id: a.id, indicatorId: '1.1', files: staged });
  await s.call('assessments.submit', { id: a.id });
  const detail = await s.call('assessments.get', { id: a.id });
  const storeFiles = detail.evidence.map((e) => path.join(commune, 'evidence', e.sha256.slice(0, 2), e.sha256));
  const pub = await s.call('keys.exportPublic', { keyId: key.keyId });
  await s.close();
  fs.rmSync(src, { recursive: true, force: true });
  const t = service(assessor);
  await t.call('profile.set', { role: 'assessor', unitCode: '844', organisation: 'UBND huyện Càng Long', userName: 'Trần Văn Bình', userTitle: 'Trưởng đoàn' });
  await t.call('trust.add', { publicKey: pub.content });
  await t.close();
  return { commune, assessor, storeFiles };
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const [label, bytes] of [
    ['100 MB', 100 * 1024 * 1024],
    ['1 GB', 1024 * 1024 * 1024],
  ] as const) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-bench-packages-'));
    try {
      const { commune, assessor, storeFiles } = await setup(root, bytes);
      const pkg = path.join(root, 'out.cfcpkg');
      sha256sum(storeFiles); // warm the page cache the same way for everyone
      const base = Math.min(sha256sum(storeFiles), sha256sum(storeFiles));
      const mb = bytes / (1024 * 1024);
      const exp = runChild('export', [commune, pkg]);
      const ver = runChild('verify', [assessor, pkg]);
      const imp = runChild('import', [assessor, pkg]);
      if (ver.extra !== 'untrusted' && ver.extra !== 'valid') throw new Error(`verify gave ${String(ver.extra)}`);
      const row = (step: string, ms: number, rss: number | null) => [
        label,
        step,
        (ms / 1000).toFixed(2) + ' s',
        (mb / (ms / 1000)).toFixed(0) + ' MB/s',
        (ms / base).toFixed(2) + '×',
        rss === null ? '—' : rss.toFixed(0) + ' MB',
      ];
      rows.push(row('sha256sum', base, null), row('export', exp.ms, exp.maxRssMb), row('verify', ver.ms, ver.maxRssMb), row('import', imp.ms, imp.maxRssMb));
      process.stderr.write(`${label}: package ${(fs.statSync(pkg).size / 1024 / 1024).toFixed(1)} MB; verify: ${String(ver.extra)}; import: ${JSON.stringify(imp.extra)}\n`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  const head = ['evidence', 'step', 'time', 'throughput', 'vs sha256sum', 'peak RSS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(`node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}`);
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
