import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import type { Pack } from '../../src/core/criteria/schema';
import { tempDir, testService } from '../helpers';
import { builtin } from '../unit/scoring/helpers';

/**
 * Honesty rules end to end (issue 12, item 6): a pack with `status: official` and every rule confirmed, generated here
 * from the built-in pack, scores a commune's assessment with NO provisional notice anywhere — the workspace's result
 * (what the screen shows), the DOCX and PDF reports (their text), the signed package (the manifest's summary flag;
 * assessment.json names the pack and has no flag of its own), and the province's dashboard (provisional count, per-commune flag, per-criterion flag, the
 * pack notice). The built-in provisional pack, through the same steps, carries the notice everywhere.
 */

const PASS = 'mật khẩu thử nghiệm dài';
const values = (JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/scoring/recognised-other.json'), 'utf8')) as { values: Record<string, unknown> }).values;

function confirmAll(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(confirmAll);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'confirmed' ? true : confirmAll(x)]));
  return v;
}
const official: Pack = { ...(confirmAll(builtin().pack) as Pack), version: '2.0.0', status: 'official' };

let dir: string;
let cleanup: () => void;
const open: Service[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir('cfc-packs-official-')));
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  cleanup();
});

function service(name: string): Service {
  const s = testService(path.join(dir, name));
  open.push(s);
  return s;
}

function zipEntries(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (er, rs) => {
          if (er || !rs) return reject(er ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          rs.on('data', (c: Buffer) => chunks.push(c));
          rs.on('end', () => {
            out.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}

/** Every `provisional` flag and notice anywhere in a JSON value (path → value). */
function flags(v: unknown, at = '$', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(v)) v.forEach((x, i) => flags(x, `${at}[${i}]`, out));
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      if (/^provisional/i.test(k)) out[`${at}.${k}`] = x;
      else flags(x, `${at}.${k}`, out);
    }
  }
  return out;
}

const NOTICE = /tạm tính|provisional result/i;

/** One commune scores, reports, submits and exports; the province imports; everything each one shows. */
async function chain(pack: 'official' | 'builtin') {
  const commune = service(`commune-${pack}`);
  await commune.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
  const packFile = path.join(dir, 'official-2.0.0.json');
  fs.writeFileSync(packFile, JSON.stringify(official));
  if (pack === 'official') expect(await commune.call('packs.install', { file: packFile })).toMatchObject({ summary: { status: 'official', allConfirmed: true } });
  const key = await commune.call('keys.create', { name: 'Nguyễn Thị Hồng', role: 'commune', unitCode: '29266', passphrase: PASS });
  const a = await commune.call('assessments.create', { unitCode: '29266', year: 2026 });
  expect(a.pack.version).toBe(pack === 'official' ? '2.0.0' : '1.0.0');
  for (const [indicatorId, value] of Object.entries(values)) await commune.call('assessments.setValue', { id: a.id, indicatorId, value });
  const detail = await commune.call('assessments.get', { id: a.id });

  const reportsDir = path.join(dir, `commune-${pack}`, 'reports');
  const docx = await commune.call('reports.selfAssessment', { id: a.id, format: 'docx' });
  const docxXml = (await zipEntries(fs.readFileSync(path.join(reportsDir, docx.fileName)))).get('word/document.xml')!.toString('utf8');
  const docxText = docxXml.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  const pdf = await commune.call('reports.selfAssessment', { id: a.id, format: 'pdf' });
  const r = spawnSync('pdftotext', ['-enc', 'UTF-8', path.join(reportsDir, pdf.fileName), '-'], { encoding: 'utf8' });
  if (r.error) throw new Error(`pdftotext could not run (${r.error.message}); install poppler-utils`);
  const pdfText = r.stdout.replace(/\s+/g, ' ');

  await commune.call('assessments.submit', { id: a.id });
  const pkg = await commune.call('packages.export', { id: a.id, keyId: key.keyId, passphrase: PASS });
  const entries = await zipEntries(fs.readFileSync(pkg.file));
  const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as { summary: { provisional: boolean }; pack: { version: string } };
  const assessment = JSON.parse(entries.get('assessment.json')!.toString('utf8')) as unknown;

  const province = service(`province-${pack}`);
  await province.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế Tỉnh Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
  if (pack === 'official') await province.call('packs.install', { file: packFile });
  await province.call('trust.add', { publicKey: (await commune.call('keys.exportPublic', { keyId: key.keyId })).content });
  const imported = await province.call('packages.import', { paths: [pkg.file] });
  expect(imported.items.map((i) => [i.result, i.outcome])).toEqual([['imported', 'valid']]);
  const overview = await province.call('dashboard.overview', { year: 2026, scope: '86' });
  const failing = await province.call('dashboard.failingCriteria', { year: 2026, scope: '86' });
  const communes = await province.call('dashboard.communes', { year: 2026, scope: '86' });
  return { detail, docxText, pdfText, manifest, assessment, overview, failing, row: communes.rows.find((x) => x.code === '29266')! };
}

describe('an official pack with every rule confirmed: no provisional notice anywhere', () => {
  it('screen, DOCX, PDF, package and dashboard say nothing provisional; the built-in pack says it in each', async () => {
    const o = await chain('official');
    // The workspace's result, as the screen shows it (the notice banner and badges read these).
    expect(o.detail.pack).toMatchObject({ version: '2.0.0', status: 'official' });
    expect(Object.values(flags(o.detail.result)).every((x) => x === false || x === null), JSON.stringify(flags(o.detail.result))).toBe(true);
    expect(o.detail.result.total).toBeGreaterThan(0);
    // Reports.
    expect(o.docxText).toContain('Kết quả tự đánh giá');
    expect(o.docxText).not.toMatch(NOTICE);
    expect(o.docxText).not.toMatch(/\d\*/);
    expect(o.pdfText).toContain('Kết quả tự đánh giá');
    expect(o.pdfText).not.toMatch(NOTICE);
    expect(o.pdfText).not.toMatch(/\d\*/);
    // Package: the manifest's summary flag; assessment.json names the pack that scored it (the verifier recomputes
    // the result from it) and carries no flag or notice of its own.
    expect(o.manifest).toMatchObject({ pack: { version: '2.0.0' }, summary: { provisional: false } });
    expect(o.assessment).toMatchObject({ pack: { id: 'qd06-2019', version: '2.0.0', sha256: o.detail.pack.sha256 } });
    expect(flags(o.assessment)).toEqual({});
    expect(JSON.stringify(o.assessment)).not.toMatch(NOTICE);
    // Dashboard.
    expect(o.overview.total).toMatchObject({ assessed: 1, provisional: 0 });
    expect(o.overview.rows.every((x) => x.provisional === 0)).toBe(true);
    expect(o.row.provisional).toBe(false);
    expect(o.failing.pack).toMatchObject({ version: '2.0.0', status: 'official', provisionalNotice: null });
    expect(o.failing.items.filter((c) => c.provisional)).toEqual([]);

    const b = await chain('builtin');
    expect(b.detail.result.provisional).toBe(true);
    expect(b.detail.result.provisionalNotice?.vi).toMatch(NOTICE);
    expect(b.docxText).toMatch(NOTICE);
    expect(b.pdfText).toMatch(NOTICE);
    expect(b.manifest.summary.provisional).toBe(true);
    expect(b.assessment).toMatchObject({ pack: { version: '1.0.0', sha256: builtin().sha256 } });
    expect(b.overview.total).toMatchObject({ assessed: 1, provisional: 1 });
    expect(b.row.provisional).toBe(true);
    expect(b.failing.pack?.provisionalNotice?.vi).toMatch(NOTICE);
    expect(b.failing.items.some((c) => c.provisional)).toBe(true);
  });
});
