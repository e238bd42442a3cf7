import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { createReview } from '../../src/core/packages/review';
import { verifyPackage } from '../../src/core/packages/verify';
import { jsonBytes, signatureFile } from '../../src/core/packages/writer';
import { sha256Hex } from '../../src/core/packages/keys';
import { snapshotDir, tempDir, testService } from '../helpers';
import { editions,
  APP,
  NOW,
  fixture,
  getJson,
  makeKey,
  makePackage,
  packs,
  publicKeyText,
  rawZip,
  readEntries,
  resign,
  setEntry,
  trustOf,
  verifyDeps,
  writeRaw,
  type Entries,
  type RawEntry,
  type TestKey,
} from '../unit/packages/helpers';

/**
 * Hostile packages, all generated here. Each must be `invalid` with its own reason code, through the contract
 * (packages.verify and packages.import), and importing it must leave the data folder (database and evidence)
 * byte-identical.
 */

let s: Service;
let dir: string;
let work: string;
let cleanup: () => void;
let commune: TestKey;
let other: TestKey;
let assessor: TestKey;
let revoked: TestKey;
let base: Entries;
let baseFile: string;
let reviewEntries: Entries;
let otherCommuneFile: string;

const PDF = Buffer.from('%PDF-1.4\n% biên bản họp hội đồng\n' + 'x'.repeat(5000));

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cfc-hostile-'));
  work = path.join(dir, 'work');
  fs.mkdirSync(work);
  const data = path.join(dir, 'data');
  s = testService(data);
  // The installation's profile is on a unit as it is now (Tỉnh Vĩnh Long, 2025-07-01); the keys under test sign
  // pre-reform (2024) packages of the 2025-03-01 catalogue: Xã Mỹ Cẩm, Huyện Càng Long.
  await s.call('profile.set', { role: 'assessor', unitCode: '86', organisation: 'Đoàn thẩm định tỉnh Vĩnh Long', userName: 'Trần Văn Bình', userTitle: 'Trưởng đoàn' });
  commune = makeKey('commune', '29269', 'Nguyễn Thị Hồng');
  other = makeKey('commune', '29269', 'Kẻ mạo danh');
  assessor = makeKey('assessor', '844', 'Trần Văn Bình');
  revoked = makeKey('commune', '29272', 'Lê Văn Cũ');
  for (const k of [commune, assessor, revoked]) await s.call('trust.add', { publicKey: publicKeyText(k) });
  await s.call('trust.revoke', { keyId: revoked.pair.keyId, reason: 'máy tính bị mất / laptop lost' });

  const p = await makePackage(work, commune, { evidence: { 'bienban.pdf': PDF, 'anh.jpg': Buffer.from('jpeg-bytes') } });
  baseFile = p.file;
  base = await readEntries(p.file);
  // Something already in the store, so "nothing written" is checked against a store with content.
  const seed = await makePackage(work, commune, { year: 2023, evidence: { 'cu.pdf': Buffer.from('%PDF old') } });
  const r = await s.call('packages.import', { paths: [seed.file] });
  expect(r.summary.imported).toBe(1);

  otherCommuneFile = (await makePackage(work, commune, { values: { ...fixture.values, '1.4': true }, assessmentId: '7d3b1f0e-1c2a-4b5d-8e9f-0a1b2c3d4e5f' })).file;
  const review = await createReview(
    { packs, editions, app: APP, trust: trustOf([commune, assessor]) },
    baseFile,
    { values: fixture.values, decision: 'recognised', reasons: [], findings: 'Đạt', team: [{ name: 'Trần Văn Bình', title: 'Trưởng đoàn' }] },
    assessor,
    path.join(work, 'review.cfcpkg'),
    { name: 'Trần Văn Bình', now: NOW },
  );
  reviewEntries = await readEntries(review.file);
});

afterAll(async () => {
  await s.close();
  cleanup();
});

const dataDir = () => path.join(dir, 'data');
let counter = 0;
function write(entries: (RawEntry | { name: string; data: Buffer })[]): string {
  return writeRaw(work, `case-${++counter}.cfcpkg`, entries);
}
function flip(b: Buffer, at = Math.floor(b.length / 2)): Buffer {
  const c = Buffer.from(b);
  c[at] = c[at]! ^ 0x01;
  return c;
}
const evidenceName = () => base.find((e) => e.name.startsWith('evidence/'))!.name;

async function expectInvalid(file: string, code: string, where?: string) {
  const before = snapshotDir(dataDir());
  const v = await s.call('packages.verify', { paths: [file] });
  expect(v.items[0]!.outcome, JSON.stringify(v.items[0]!.reasons)).toBe('invalid');
  expect(v.items[0]!.reasons.map((r) => r.code)).toEqual([code]);
  if (where) expect(v.items[0]!.reasons[0]!.path).toBe(where);
  expect(v.items[0]!.reasons[0]!.message.vi.length).toBeGreaterThan(5);
  const r = await s.call('packages.import', { paths: [file] });
  expect(r.items[0]).toMatchObject({ result: 'rejected', outcome: 'invalid' });
  expect(r.items[0]!.reasons[0]!.code).toBe(code);
  expect(r.summary).toMatchObject({ rejected: 1, imported: 0 });
  expect(snapshotDir(dataDir())).toEqual(before);
}

describe('hostile packages', () => {
  it('the base package, rebuilt by the raw writer, is valid (so each case below differs by one fault)', async () => {
    const v = await verifyPackage(write(base), verifyDeps([commune]));
    expect(v.outcome).toBe('valid');
    const review = await verifyPackage(write(reviewEntries), verifyDeps([commune, assessor]));
    expect(review.outcome, JSON.stringify(review.reasons)).toBe('valid');
  });

  it('a truncated ZIP → truncated', async () => {
    const bytes = fs.readFileSync(baseFile);
    const f = path.join(work, 'truncated.cfcpkg');
    fs.writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expectInvalid(f, 'truncated');
  });

  it('not a ZIP → not_a_zip', async () => {
    const f = path.join(work, 'text.cfcpkg');
    fs.writeFileSync(f, 'Đây không phải là tệp ZIP.\n'.repeat(50));
    await expectInvalid(f, 'not_a_zip');
    const empty = path.join(work, 'empty.cfcpkg');
    fs.writeFileSync(empty, '');
    await expectInvalid(empty, 'not_a_zip');
  });

  it('a name with ../ → name_traversal', async () => {
    await expectInvalid(write([...base, { name: '../../evil.txt', data: Buffer.from('x') }]), 'name_traversal', '../../evil.txt');
    await expectInvalid(write([...base, { name: 'evidence/../../x', data: Buffer.from('x') }]), 'name_traversal');
  });

  it('an absolute path → name_absolute', async () => {
    await expectInvalid(write([...base, { name: '/etc/cron.d/evil', data: Buffer.from('x') }]), 'name_absolute', '/etc/cron.d/evil');
    await expectInvalid(write([...base, { name: 'C:/Windows/evil.dll', data: Buffer.from('x') }]), 'name_absolute');
  });

  it('a backslash in a name → name_backslash', async () => {
    await expectInvalid(write([...base, { name: '..\\..\\evil.txt', data: Buffer.from('x') }]), 'name_backslash');
  });

  it('duplicate names → duplicate_entry', async () => {
    const a = base.find((e) => e.name === 'assessment.json')!;
    await expectInvalid(write([...base, { name: a.name, data: Buffer.from('{}') }]), 'duplicate_entry', 'assessment.json');
    const m = base.find((e) => e.name === 'manifest.json')!;
    await expectInvalid(write([...base, m]), 'duplicate_entry', 'manifest.json');
  });

  it('an extra entry → extra_entry', async () => {
    await expectInvalid(write([...base, { name: 'ghichu.txt', data: Buffer.from('note') }]), 'extra_entry', 'ghichu.txt');
  });

  it('a missing entry → missing_entry', async () => {
    await expectInvalid(write(base.filter((e) => e.name !== 'audit.jsonl')), 'missing_entry', 'audit.jsonl');
    await expectInvalid(write(base.filter((e) => e.name !== evidenceName())), 'missing_entry', evidenceName());
  });

  it('a flipped byte in evidence → hash_mismatch on that entry', async () => {
    const name = evidenceName();
    await expectInvalid(write(setEntry(base, name, flip(base.find((e) => e.name === name)!.data))), 'hash_mismatch', name);
  });

  it('a flipped byte in assessment.json → hash_mismatch on assessment.json', async () => {
    const a = base.find((e) => e.name === 'assessment.json')!;
    // Flip a digit inside a number so the JSON stays JSON: only the hash can tell.
    const at = a.data.indexOf(Buffer.from('"numerator":118')) + 13;
    await expectInvalid(write(setEntry(base, 'assessment.json', flip(a.data, at))), 'hash_mismatch', 'assessment.json');
  });

  it('a flipped byte in the manifest → bad_signature', async () => {
    const m = base.find((e) => e.name === 'manifest.json')!;
    await expectInvalid(write(setEntry(base, 'manifest.json', flip(m.data))), 'bad_signature', 'manifest.json');
  });

  it('a manifest signed by another key → signer_mismatch; a signature by another key under this key → bad_signature', async () => {
    await expectInvalid(write(resign(base, other.pair, () => {}, { keepFiles: true })), 'signer_mismatch');
    const m = base.find((e) => e.name === 'manifest.json')!.data;
    const forged = JSON.parse(signatureFile(other.pair, m).toString()) as Record<string, string>;
    forged['keyId'] = commune.pair.keyId;
    forged['publicKey'] = commune.pair.publicKey.toString('base64');
    await expectInvalid(write(setEntry(base, 'manifest.sig', jsonBytes(forged))), 'bad_signature');
  });

  it('a key id that is not the key\'s → key_id_mismatch', async () => {
    const sig = getJson<Record<string, string>>(base, 'manifest.sig');
    sig['keyId'] = 'deadbeefdeadbeef';
    await expectInvalid(write(setEntry(base, 'manifest.sig', jsonBytes(sig))), 'key_id_mismatch');
  });

  it('a signature from a revoked key → key_revoked', async () => {
    const p = await makePackage(work, revoked, {});
    await expectInvalid(p.file, 'key_revoked');
  });

  it('a summary that does not match the values → summary_mismatch', async () => {
    const forged = resign(base, commune.pair, (m) => {
      const summary = m['summary'] as { total: number; verdict: string };
      summary.total += 40;
    });
    await expectInvalid(write(forged), 'summary_mismatch');
    // The values changed, the summary kept: the same.
    const doc = getJson<{ entries: Record<string, { value: unknown }> }>(base, 'assessment.json');
    doc.entries['2.1']!.value = { numerator: 60, denominator: 120 };
    await expectInvalid(write(resign(setEntry(base, 'assessment.json', jsonBytes(doc)), commune.pair)), 'summary_mismatch');
  });

  it('an unknown pack → unknown_pack; a known pack with other content → pack_mismatch', async () => {
    const doc = getJson<{ pack: { id: string } }>(base, 'assessment.json');
    doc.pack.id = 'qd99-2030';
    const entries = resign(setEntry(base, 'assessment.json', jsonBytes(doc)), commune.pair, (m) => {
      (m['pack'] as { id: string }).id = 'qd99-2030';
    });
    await expectInvalid(write(entries), 'unknown_pack');
    const doc2 = getJson<{ pack: { sha256: string } }>(base, 'assessment.json');
    doc2.pack.sha256 = 'f'.repeat(64);
    await expectInvalid(
      write(resign(setEntry(base, 'assessment.json', jsonBytes(doc2)), commune.pair, (m) => ((m['pack'] as { sha256: string }).sha256 = 'f'.repeat(64)))),
      'pack_mismatch',
    );
  });

  it('a swapped inner package → inner_mismatch (re-signed) or size_mismatch (not re-signed: another package is another size)', async () => {
    const inner = reviewEntries.find((e) => e.name.startsWith('inner/'))!;
    const swapBytes = fs.readFileSync(otherCommuneFile);
    const swappedName = `inner/${sha256Hex(swapBytes)}.cfcpkg`;
    const swapped = reviewEntries.map((e) => (e === inner ? { name: swappedName, data: swapBytes } : e));
    await expectInvalid(write(resign(swapped, assessor.pair)), 'inner_mismatch', swappedName);
    await expectInvalid(write(setEntry(reviewEntries, inner.name, swapBytes)), 'size_mismatch', inner.name);
  });

  it('an invalid inner package → inner_invalid', async () => {
    const inner = reviewEntries.find((e) => e.name.startsWith('inner/'))!;
    // The inner package's own manifest flipped, and the review re-signed over it: the review is intact, its inner is not.
    const innerParts = await readEntries(baseFile);
    const broken = rawZip(setEntry(innerParts, 'manifest.json', flip(innerParts.find((e) => e.name === 'manifest.json')!.data)));
    const name = `inner/${sha256Hex(broken)}.cfcpkg`;
    const entries = reviewEntries.map((e) => (e === inner ? { name, data: broken } : e));
    await expectInvalid(write(resign(entries, assessor.pair)), 'inner_invalid', name);
  });

  it('a high-ratio (bomb) entry → compression_ratio, before anything is inflated', async () => {
    const bomb = Buffer.alloc(24 * 1024 * 1024, 0x0a);
    await expectInvalid(write(resign(setEntry(base, 'audit.jsonl', bomb), commune.pair)), 'compression_ratio', 'audit.jsonl');
  });

  it('more entries than the bound → too_many_entries, before any is read', async () => {
    const many: RawEntry[] = [...base];
    for (let i = 0; i < 10_001; i++) many.push({ name: `evidence/${i}`, data: Buffer.alloc(0), method: 0 });
    await expectInvalid(write(many), 'too_many_entries');
  });

  it('a non-UTF-8 name → name_not_utf8', async () => {
    await expectInvalid(write([...base, { name: Buffer.from([0x65, 0x76, 0xff, 0xfe, 0x2e, 0x70]), data: Buffer.from('x') }]), 'name_not_utf8');
  });

  it('a symlink entry → symlink_entry', async () => {
    await expectInvalid(write([...base, { name: 'evidence/link', data: Buffer.from('/etc/passwd'), mode: 0o120777, method: 0 }]), 'symlink_entry', 'evidence/link');
  });

  // More faults, each with its own code.
  it('no manifest → manifest_missing; no signature → signature_missing', async () => {
    await expectInvalid(write(base.filter((e) => e.name !== 'manifest.json')), 'manifest_missing');
    await expectInvalid(write(base.filter((e) => e.name !== 'manifest.sig')), 'signature_missing');
  });

  it('a name not in NFC → name_not_nfc; a name without the UTF-8 flag → name_ambiguous', async () => {
    await expectInvalid(write([...base, { name: 'evidence/Bie\u0302\u0301n-ba\u0309n', data: Buffer.from('x') }]), 'name_not_nfc');
    await expectInvalid(write([...base, { name: 'evidence/Biên', data: Buffer.from('x'), utf8: false }]), 'name_ambiguous');
  });

  it('deflated evidence → must_be_stored; an unknown method → unsupported_compression', async () => {
    await expectInvalid(write(base.map((e) => (e.name.startsWith('evidence/') ? { ...e, method: 8 } : e))), 'must_be_stored');
    await expectInvalid(write(base.map((e) => (e.name === 'audit.jsonl' ? { ...e, method: 12 } : e))), 'unsupported_compression', 'audit.jsonl');
  });

  it('a size that differs from the manifest → size_mismatch; a local header that differs → local_header_mismatch', async () => {
    await expectInvalid(write(base.map((e) => (e.name === 'assessment.json' ? { ...e, declaredSize: e.data.length + 1 } : e))), 'size_mismatch', 'assessment.json');
    await expectInvalid(write(base.map((e) => (e.name === 'audit.jsonl' ? { ...e, localName: '../audit.jsonl' } : e))), 'local_header_mismatch', 'audit.jsonl');
  });

  it('assessment.json that disagrees with the manifest or the evidence, or is not an assessment', async () => {
    const doc = getJson<{ revision: number; evidence: { name: string }[] }>(base, 'assessment.json');
    doc.revision = 2;
    await expectInvalid(write(resign(setEntry(base, 'assessment.json', jsonBytes(doc)), commune.pair)), 'manifest_assessment_mismatch');
    const doc2 = getJson<{ evidence: unknown[] }>(base, 'assessment.json');
    doc2.evidence = doc2.evidence.slice(1);
    await expectInvalid(write(resign(setEntry(base, 'assessment.json', jsonBytes(doc2)), commune.pair)), 'evidence_mismatch');
    await expectInvalid(write(resign(setEntry(base, 'assessment.json', Buffer.from('{"format":"cfc-assessment"}')), commune.pair)), 'assessment_malformed', 'assessment.json');
    await expectInvalid(write(resign(setEntry(base, 'audit.jsonl', Buffer.from('{"seq":1}\nnot json\n')), commune.pair)), 'audit_malformed', 'audit.jsonl');
  });

  it('a manifest of another format version → unsupported_format; a malformed one → manifest_malformed', async () => {
    await expectInvalid(write(resign(base, commune.pair, (m) => (m['formatVersion'] = 3))), 'unsupported_format');
    // Version 2 names the unit's catalogue edition; version 1 does not.
    await expectInvalid(write(resign(base, commune.pair, (m) => delete (m['unit'] as Record<string, unknown>)['catalogue'])), 'manifest_malformed');
    await expectInvalid(write(resign(base, commune.pair, (m) => (m['formatVersion'] = 1))), 'manifest_malformed');
    await expectInvalid(write(resign(base, commune.pair, (m) => (m['files'] = [{ path: '../x', sha256: 'a'.repeat(64), size: 1 }]))), 'manifest_malformed');
    const sig = getJson<Record<string, string>>(base, 'manifest.sig');
    sig['alg'] = 'RSA';
    await expectInvalid(write(setEntry(base, 'manifest.sig', jsonBytes(sig))), 'signature_malformed');
  });

  it('a self-assessment carrying an inner package → inner_unexpected', async () => {
    const inner = reviewEntries.find((e) => e.name.startsWith('inner/'))!;
    await expectInvalid(write(resign([...base, inner], commune.pair)), 'inner_unexpected');
  });
});
