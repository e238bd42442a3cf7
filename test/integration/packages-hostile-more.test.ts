import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { importPackages } from '../../src/core/packages/importer';
import { sha256Hex } from '../../src/core/packages/keys';
import { INVALID_REASONS, UNTRUSTED_REASONS, type InvalidCode, type UntrustedCode } from '../../src/core/packages/reasons';
import { createReview } from '../../src/core/packages/review';
import { verifyPackage, type TrustEntry } from '../../src/core/packages/verify';
import { jsonBytes } from '../../src/core/packages/writer';
import { snapshotDir, tempDir, testService } from '../helpers';
import { editions,
  APP,
  NOW,
  defaultMethod,
  fixture,
  getJson,
  makeKey,
  makePackage,
  packs,
  publicKeyText,
  readEntries,
  resign,
  setEntry,
  trustOf,
  verifyDeps,
  type Entries,
  type TestKey,
} from '../unit/packages/helpers';

/**
 * More hostile packages, one per reason code the first hostile suite does not reach: the container's structure
 * (zip_malformed, overlapping_entries, encrypted_entry, corrupt_entry), the bounds (package_too_large, entry_too_large,
 * total_too_large), the trust store (key_conflict), a review's inner package (inner_missing) and the trust codes
 * (role_not_allowed, unit_unknown). Every package is generated here, most of them with the small ZIP writer below,
 * which can lie in any header field. Each goes through the contract (packages.verify, packages.import) and importing
 * it must leave the data folder (database and evidence) byte-identical.
 */

let s: Service;
let dir: string;
let work: string;
let cleanup: () => void;
let commune: TestKey;
let assessor: TestKey;
let base: Entries;
let reviewEntries: Entries;
let secondPackage: Buffer;

const PDF = Buffer.from('%PDF-1.4\n% biên bản họp hội đồng\n' + 'x'.repeat(5000));

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cfc-hostile-more-'));
  work = path.join(dir, 'work');
  fs.mkdirSync(work);
  s = testService(dataDir());
  // The installation's profile is on a unit as it is now (Tỉnh Vĩnh Long, 2025-07-01); the keys under test sign
  // pre-reform (2024) packages of the 2025-03-01 catalogue: Xã Mỹ Cẩm, Huyện Càng Long.
  await s.call('profile.set', { role: 'assessor', unitCode: '86', organisation: 'Đoàn thẩm định tỉnh Vĩnh Long', userName: 'Trần Văn Bình', userTitle: 'Trưởng đoàn' });
  commune = makeKey('commune', '29269', 'Nguyễn Thị Hồng');
  assessor = makeKey('assessor', '844', 'Trần Văn Bình');
  for (const k of [commune, assessor]) await s.call('trust.add', { publicKey: publicKeyText(k) });

  const p = await makePackage(work, commune, { evidence: { 'bienban.pdf': PDF, 'anh.jpg': Buffer.from('jpeg-bytes') } });
  base = await readEntries(p.file);
  // Something already in the store, so "nothing written" is checked against a store with content.
  const seed = await makePackage(work, commune, { year: 2023, evidence: { 'cu.pdf': Buffer.from('%PDF old') } });
  const r = await s.call('packages.import', { paths: [seed.file] });
  expect(r.summary.imported).toBe(1);
  secondPackage = fs.readFileSync(seed.file);

  const review = await createReview(
    { packs, editions, app: APP, trust: trustOf([commune, assessor]) },
    p.file,
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

function dataDir() {
  return path.join(dir, 'data');
}

// ---------------------------------------------------------------------------------------------------------------
// A ZIP writer that can lie: every header field the cases below need is an option, and an entry may have no local
// record of its own (its central directory entry then points at any offset, e.g. inside another entry's data).
// ---------------------------------------------------------------------------------------------------------------

interface Spec {
  name: string;
  /** The content: its CRC and, unless overridden, the declared uncompressed size. */
  data: Buffer;
  /** Default: deflate for .json/.jsonl/.sig, stored otherwise (as the app writes). */
  method?: number;
  /** General purpose flags, in both headers (default 0x800: UTF-8 names). */
  flags?: number;
  /** The bytes after the local header (default: `data`, deflated when the method is 8). */
  body?: Buffer;
  /** Declared sizes, in both headers (default: body.length and data.length). */
  csize?: number;
  usize?: number;
  /** No local record of its own: the central directory entry points at this offset. */
  at?: number;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;

function methodOf(e: Spec) {
  return e.method ?? defaultMethod(e.name);
}
function bodyOf(e: Spec) {
  return e.body ?? (methodOf(e) === 8 ? zlib.deflateRawSync(e.data) : e.data);
}

/** An entry's local header, name and data, exactly as `zipOf` lays them out. */
function localRecord(e: Spec): Buffer {
  const name = Buffer.from(e.name, 'utf8');
  const body = bodyOf(e);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(LOCAL, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(e.flags ?? 0x800, 6);
  h.writeUInt16LE(methodOf(e), 8);
  h.writeUInt32LE(zlib.crc32(e.data), 14);
  h.writeUInt32LE(e.csize ?? body.length, 18);
  h.writeUInt32LE(e.usize ?? e.data.length, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name, body]);
}

function zipOf(specs: Spec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of specs) {
    const name = Buffer.from(e.name, 'utf8');
    const body = bodyOf(e);
    let at = e.at;
    if (at === undefined) {
      at = offset;
      const rec = localRecord(e);
      locals.push(rec);
      offset += rec.length;
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(CENTRAL, 0);
    c.writeUInt16LE((3 << 8) | 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.flags ?? 0x800, 8);
    c.writeUInt16LE(methodOf(e), 10);
    c.writeUInt32LE(zlib.crc32(e.data), 16);
    c.writeUInt32LE(e.csize ?? body.length, 20);
    c.writeUInt32LE(e.usize ?? e.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    c.writeUInt32LE(at, 42);
    centrals.push(c, name);
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(specs.length, 8);
  end.writeUInt16LE(specs.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Where each entry's central directory record and local header are (for patching a written ZIP). */
function centralEntries(zip: Buffer): { name: string; cdAt: number; lhAt: number }[] {
  const end = zip.length - 22;
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = zip.readUInt16LE(at + 28);
    const m = zip.readUInt16LE(at + 30);
    const k = zip.readUInt16LE(at + 32);
    out.push({ name: zip.subarray(at + 46, at + 46 + n).toString('utf8'), cdAt: at, lhAt: zip.readUInt32LE(at + 42) });
    at += 46 + n + m + k;
  }
  return out;
}

let counter = 0;
function save(bytes: Buffer): string {
  const file = path.join(work, `case-${++counter}.cfcpkg`);
  fs.writeFileSync(file, bytes);
  return file;
}
/** The entries as specs, with `change` applied to the named ones. */
function specsOf(entries: Entries, change: Record<string, (e: Spec) => Spec> = {}): Spec[] {
  return entries.map((e) => (change[e.name] ? change[e.name]!({ ...e }) : { ...e }));
}
const evidenceOf = (entries: Entries) => entries.find((e) => e.name.startsWith('evidence/'))!;
const named = (entries: Entries, name: string) => entries.find((e) => e.name === name)!;

function expectBilingual(r: { code: string; message: { vi: string; en: string } }, messages: Record<string, { vi: string; en: string }>) {
  expect(r.message).toEqual(messages[r.code]);
  expect(r.message.vi.length).toBeGreaterThan(5);
  expect(r.message.en.length).toBeGreaterThan(5);
  expect(r.message.vi).not.toBe(r.message.en);
}

/** `invalid` with exactly `code` through packages.verify and packages.import, and the data folder unchanged. */
async function expectInvalid(file: string, code: InvalidCode, where?: string) {
  const before = snapshotDir(dataDir());
  const v = await s.call('packages.verify', { paths: [file] });
  const item = v.items[0]!;
  expect(item.outcome, JSON.stringify(item.reasons)).toBe('invalid');
  expect(item.reasons.map((r) => r.code)).toEqual([code]);
  if (where) expect(item.reasons[0]!.path).toBe(where);
  expectBilingual(item.reasons[0]!, INVALID_REASONS);
  const r = await s.call('packages.import', { paths: [file] });
  expect(r.items[0]).toMatchObject({ result: 'rejected', outcome: 'invalid' });
  expect(r.items[0]!.reasons.map((x) => x.code)).toEqual([code]);
  expect(r.summary).toMatchObject({ rejected: 1, imported: 0 });
  expect(snapshotDir(dataDir())).toEqual(before);
}

/** `untrusted` with exactly `codes` through packages.verify; imported without a decision it is refused, nothing written. */
async function expectUntrusted(file: string, codes: UntrustedCode[]) {
  const before = snapshotDir(dataDir());
  const v = await s.call('packages.verify', { paths: [file] });
  const item = v.items[0]!;
  expect(item.outcome, JSON.stringify(item.reasons)).toBe('untrusted');
  expect(item.reasons.map((r) => r.code)).toEqual(codes);
  for (const r of item.reasons) expectBilingual(r, UNTRUSTED_REASONS);
  const r = await s.call('packages.import', { paths: [file] });
  expect(r.items[0]).toMatchObject({ result: 'rejected', outcome: 'untrusted', error: { code: 'untrusted_not_accepted' } });
  expect(r.items[0]!.reasons.map((x) => x.code)).toEqual(codes);
  expect(r.summary).toMatchObject({ rejected: 1, imported: 0 });
  expect(snapshotDir(dataDir())).toEqual(before);
}

/** The same through the core importer with small bounds (the contract always uses the defaults of FORMAT.md §3). */
async function expectImportRejectedWithLimits(file: string, limits: Parameters<typeof verifyDeps>[2], code: InvalidCode) {
  const before = snapshotDir(dataDir());
  const { db } = await s.context.store();
  const r = await importPackages(
    { db, packs, editions, dataDir: dataDir(), ...(limits ? { limits } : {}) },
    [file],
    { who: { name: 'Trần Văn Bình', now: NOW } },
  );
  expect(r.items[0]).toMatchObject({ result: 'rejected', outcome: 'invalid' });
  expect(r.items[0]!.reasons.map((x) => x.code)).toEqual([code]);
  expect(snapshotDir(dataDir())).toEqual(before);
}

describe('hostile packages, more', () => {
  it('the writer here rebuilds valid packages (so each case below differs by its one fault)', async () => {
    expect((await verifyPackage(save(zipOf(specsOf(base))), verifyDeps([commune]))).outcome).toBe('valid');
    const review = await verifyPackage(save(zipOf(specsOf(reviewEntries))), verifyDeps([commune, assessor]));
    expect(review.outcome, JSON.stringify(review.reasons)).toBe('valid');
  });

  it('a corrupt central directory, stored sizes that disagree, a corrupt local header → zip_malformed', async () => {
    // The first central directory record's signature overwritten: the central directory does not read.
    const a = zipOf(specsOf(base));
    a.writeUInt32LE(0xdeadbeef, centralEntries(a)[0]!.cdAt);
    await expectInvalid(save(a), 'zip_malformed');
    // A stored entry whose compressed and uncompressed sizes differ: refused while the central directory is read.
    const ev = evidenceOf(base).name;
    await expectInvalid(save(zipOf(specsOf(base, { [ev]: (e) => ({ ...e, csize: e.data.length + 1 }) }))), 'zip_malformed');
    // audit.jsonl's local header signature overwritten: found when the local headers are checked (§6.6).
    const c = zipOf(specsOf(base));
    c.writeUInt32LE(0xdeadbeef, centralEntries(c).find((e) => e.name === 'audit.jsonl')!.lhAt);
    await expectInvalid(save(c), 'zip_malformed', 'audit.jsonl');
  });

  it('an entry whose data holds another entry (every size and hash true) → overlapping_entries', async () => {
    // The classic overlap: a new evidence file A whose content is evidence B's whole local record, and B's central
    // directory entry pointing inside A's data. Nothing else is wrong: A is listed in the manifest and in
    // assessment.json with its true SHA-256 and size, B's local header is genuine, and re-signed by the commune key.
    const b = evidenceOf(base);
    const inside = localRecord(b);
    const aSha = sha256Hex(inside);
    const aName = `evidence/${aSha}`;
    const doc = getJson<{ evidence: Record<string, unknown>[] }>(base, 'assessment.json');
    doc.evidence.push({ ...doc.evidence[0]!, sha256: aSha, size: inside.length, name: 'chong-lap.bin' });
    const entries = resign([{ name: aName, data: inside }, ...setEntry(base, 'assessment.json', jsonBytes(doc))], commune.pair);
    // Laid out honestly (B with its own record), the same entries are a valid package.
    expect((await verifyPackage(save(zipOf(specsOf(entries))), verifyDeps([commune]))).outcome).toBe('valid');
    // A first, at offset 0, so its data starts at 30 + its name; B has no record of its own.
    const specs = specsOf(entries, { [b.name]: (e) => ({ ...e, at: 30 + Buffer.byteLength(aName) }) });
    await expectInvalid(save(zipOf(specs)), 'overlapping_entries');
  });

  it('a local record the central directory does not list (a hidden file), or stray bytes → hidden_data', async () => {
    // Streaming unzippers read local records in order and would extract a record that the central directory (what the
    // verifier and the app read) does not list. Inserted just before the central directory, whose offset is moved.
    const insertBeforeDirectory = (zip: Buffer, extra: Buffer) => {
      const eocd = zip.length - 22;
      const cdAt = zip.readUInt32LE(eocd + 16);
      const out = Buffer.concat([zip.subarray(0, cdAt), extra, zip.subarray(cdAt)]);
      out.writeUInt32LE(cdAt + extra.length, eocd + extra.length + 16);
      return out;
    };
    const honest = zipOf(specsOf(base));
    expect((await verifyPackage(save(honest), verifyDeps([commune]))).outcome).toBe('valid');
    const hidden = localRecord({ name: 'evidence/hidden.exe', data: Buffer.from('MZ not evidence at all') });
    await expectInvalid(save(insertBeforeDirectory(honest, hidden)), 'hidden_data');
    // Thirteen stray bytes: too short to be a record, still not part of any entry.
    await expectInvalid(save(insertBeforeDirectory(honest, Buffer.alloc(13, 0x41))), 'hidden_data');
  });

  it('an encrypted entry (flag bit 0) → encrypted_entry, for a deflated, a stored and a manifest entry', async () => {
    await expectInvalid(save(zipOf(specsOf(base, { 'audit.jsonl': (e) => ({ ...e, flags: 0x801 }) }))), 'encrypted_entry', 'audit.jsonl');
    // A stored encrypted entry carries the 12-byte traditional encryption header before its data (yauzl checks that
    // the compressed size is the uncompressed size + 12); the manifest's size is the content's, as it would be.
    const ev = evidenceOf(base).name;
    const stored = specsOf(base, { [ev]: (e) => ({ ...e, flags: 0x801, body: Buffer.concat([Buffer.alloc(12, 0x5a), e.data]) }) });
    await expectInvalid(save(zipOf(stored)), 'encrypted_entry', ev);
    await expectInvalid(save(zipOf(specsOf(base, { 'manifest.json': (e) => ({ ...e, flags: 0x801 }) }))), 'encrypted_entry', 'manifest.json');
  });

  it('deflate data that does not inflate → corrupt_entry (after the signature, and in the manifest itself)', async () => {
    // An invalid block type (BTYPE = 3) in the first byte: sizes, names, manifest and signature all intact.
    const broken = (e: Spec): Spec => {
      const body = Buffer.from(zlib.deflateRawSync(e.data));
      body[0] = body[0]! | 0x06;
      return { ...e, body };
    };
    await expectInvalid(save(zipOf(specsOf(base, { 'audit.jsonl': broken }))), 'corrupt_entry', 'audit.jsonl');
    // A deflate stream cut short (the declared compressed size is the short one, so the ranges stay consistent).
    const short = (e: Spec): Spec => ({ ...e, body: zlib.deflateRawSync(e.data).subarray(0, 20) });
    await expectInvalid(save(zipOf(specsOf(base, { 'assessment.json': short }))), 'corrupt_entry', 'assessment.json');
    await expectInvalid(save(zipOf(specsOf(base, { 'manifest.json': broken }))), 'corrupt_entry', 'manifest.json');
  });

  it('assessment.json or audit.jsonl declared over its bound → entry_too_large, before anything is inflated', async () => {
    // The bounds through the contract are the defaults (32 MiB, 64 MiB). What is exercised: a package whose central
    // directory *declares* an uncompressed size just over the bound, and whose signed manifest agrees (so size_mismatch
    // does not fire first). The real content is a few KB; the compressed data is padded to a little over 1/200 of
    // the declared size so the ratio check (§6.5) passes honestly. Nothing is inflated: the check is on the header.
    for (const [name, bound] of [
      ['assessment.json', 32 * 1024 ** 2],
      ['audit.jsonl', 64 * 1024 ** 2],
    ] as const) {
      const declared = bound + 1;
      const entries = resign(base, commune.pair, (m) => {
        (m['files'] as { path: string; size: number }[]).find((f) => f.path === name)!.size = declared;
      });
      const padded = (e: Spec): Spec => {
        const deflated = zlib.deflateRawSync(e.data);
        return { ...e, body: Buffer.concat([deflated, Buffer.alloc(Math.ceil(declared / 190) - deflated.length)]), usize: declared };
      };
      const file = save(zipOf(specsOf(entries, { [name]: padded })));
      expect(fs.statSync(file).size).toBeLessThan(1024 * 1024);
      await expectInvalid(file, 'entry_too_large', name);
    }
    // The bound is an option of the verifier: an honest package over a small bound.
    const honest = save(zipOf(specsOf(base)));
    const v = await verifyPackage(honest, verifyDeps([commune], [], { maxAssessmentBytes: named(base, 'assessment.json').data.length - 1 }));
    expect(v.reasons.map((r) => [r.code, r.path])).toEqual([['entry_too_large', 'assessment.json']]);
    await expectImportRejectedWithLimits(honest, { maxAuditBytes: 10 }, 'entry_too_large');
  });

  it('entries declaring more than 16 GiB in all → total_too_large, from the central directory alone', async () => {
    // Five stored evidence entries that each *declare* 4,000,000,000 bytes (compressed = uncompressed, as yauzl wants
    // for a stored entry; under 0xFFFFFFFF, so no ZIP64), listed with those sizes by a signed manifest. Each is 1 byte
    // on disk. The sum passes the default 16 GiB bound at the fifth entry, before any local header is read.
    const declared = 4_000_000_000;
    const huge = [1, 2, 3, 4, 5].map((i) => ({ name: `evidence/${sha256Hex(Buffer.from([i]))}`, data: Buffer.from([i]) }));
    const entries = resign([...base, ...huge], commune.pair, (m) => {
      for (const f of m['files'] as { path: string; size: number }[]) if (huge.some((h) => h.name === f.path)) f.size = declared;
    });
    const lie = Object.fromEntries(huge.map((h) => [h.name, (e: Spec): Spec => ({ ...e, csize: declared, usize: declared })]));
    const file = save(zipOf(specsOf(entries, lie)));
    expect(fs.statSync(file).size).toBeLessThan(1024 * 1024);
    await expectInvalid(file, 'total_too_large');
    // The bound is an option of the verifier: an honest package over a small bound.
    const honest = save(zipOf(specsOf(base)));
    expect((await verifyPackage(honest, verifyDeps([commune], [], { maxTotalBytes: 1000 }))).reasons.map((r) => r.code)).toEqual(['total_too_large']);
    await expectImportRejectedWithLimits(honest, { maxTotalBytes: 1000 }, 'total_too_large');
  });

  it('a file over the size bound → package_too_large, before it is opened', async () => {
    // The bound is the file's real size (no header to lie in). Through the verifier's option, verify and import:
    const honest = save(zipOf(specsOf(base)));
    const size = fs.statSync(honest).size;
    const v = await verifyPackage(honest, verifyDeps([commune], [], { maxPackageBytes: size - 1 }));
    expect(v.outcome).toBe('invalid');
    expect(v.reasons.map((r) => r.code)).toEqual(['package_too_large']);
    expectBilingual(v.reasons[0]!, INVALID_REASONS);
    await expectImportRejectedWithLimits(honest, { maxPackageBytes: size - 1 }, 'package_too_large');
  });

  it.runIf(process.platform === 'linux')('a sparse file of 16 GiB + 1 byte → package_too_large through packages.verify and import (nothing read, nothing copied)', async () => {
    // The default bound through the contract, with a sparse file: nothing is written to disk and nothing is read (the
    // verifier stops at the file's size, and the importer refuses the file on its size before copying it).
    const f = path.join(work, 'sparse.cfcpkg');
    fs.writeFileSync(f, zipOf(specsOf(base)));
    fs.truncateSync(f, 16 * 1024 ** 3 + 1);
    try {
      const before = snapshotDir(dataDir());
      const v = await s.call('packages.verify', { paths: [f] });
      expect(v.items[0]!.outcome).toBe('invalid');
      expect(v.items[0]!.reasons.map((r) => r.code)).toEqual(['package_too_large']);
      expectBilingual(v.items[0]!.reasons[0]!, INVALID_REASONS);
      const imp = await s.call('packages.import', { paths: [f] });
      expect(imp.items[0]).toMatchObject({ result: 'rejected', outcome: 'invalid' });
      expect(imp.items[0]!.reasons.map((r) => r.code)).toEqual(['package_too_large']);
      expect(snapshotDir(dataDir())).toEqual(before);
    } finally {
      fs.rmSync(f, { force: true });
    }
  });

  it('a trusted key id whose stored public key is another → key_conflict', async () => {
    // A key id is 64 bits of SHA-256, and trust.add refuses a file whose key id is not its key's, so the trust store
    // can only hold such an entry if it was altered or a key id was forged by brute force: simulated here.
    const forger = makeKey('commune', '29269', 'Kẻ mạo danh');
    const file = (await makePackage(work, forger, {})).file;
    const clash: TrustEntry = { keyId: forger.pair.keyId, publicKey: commune.pair.publicKey, holder: 'Nguyễn Thị Hồng', role: 'commune', unitCode: '29269', unitEdition: '2025-03-01', status: 'trusted' };
    const v = await verifyPackage(file, { packs, editions, trust: (id) => (id === clash.keyId ? clash : null) });
    expect(v.reasons.map((r) => r.code)).toEqual(['key_conflict']);
    // Through the contract: the row written straight into the trust store, under the forger's key id.
    const { db } = await s.context.store();
    await db
      .insertInto('trusted_key')
      .values({
        key_id: forger.pair.keyId,
        public_key: commune.pair.publicKey.toString('base64'),
        holder_name: 'Nguyễn Thị Hồng',
        holder_title: 'Chủ tịch',
        organisation: 'UBND xã Mỹ Cẩm',
        role: 'commune',
        unit_code: '29269',
        unit_edition: '2025-03-01',
        source: 'file',
        status: 'trusted',
        added_at: NOW,
        added_by: 'Trần Văn Bình',
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
      })
      .execute();
    await expectInvalid(file, 'key_conflict');
  });

  it('a review without its inner package, or with two → inner_missing', async () => {
    const withoutInner = resign(
      reviewEntries.filter((e) => !e.name.startsWith('inner/')),
      assessor.pair,
    );
    await expectInvalid(save(zipOf(specsOf(withoutInner))), 'inner_missing');
    const extra = { name: `inner/${sha256Hex(secondPackage)}.cfcpkg`, data: secondPackage };
    await expectInvalid(save(zipOf(specsOf(resign([...reviewEntries, extra], assessor.pair)))), 'inner_missing');
  });

  it('a review signed by a (trusted) commune key that claims to be an assessor → untrusted, role_not_allowed', async () => {
    // The manifest and assessment.json still name the assessor; the trust store's role (commune) is what counts.
    const forged = resign(reviewEntries, commune.pair, (m) => {
      (m['signer'] as { keyId: string }).keyId = commune.pair.keyId;
    });
    expect(getJson<{ signer: { role: string } }>(forged, 'manifest.json').signer.role).toBe('assessor');
    await expectUntrusted(save(zipOf(specsOf(forged))), ['role_not_allowed']);
  });

  // A unit and the edition it is named in, written as format version 1 (no edition: 2025-03-01) or 2.
  const withUnit = (code: string, key: TestKey, version: 1 | 2 = 1, catalogue = '2025-03-01') => {
    const doc = getJson<{ formatVersion: number; unit: { code: string; catalogue?: string } }>(base, 'assessment.json');
    doc.unit.code = code;
    doc.formatVersion = version;
    if (version === 1) delete doc.unit.catalogue;
    else doc.unit.catalogue = catalogue;
    return resign(setEntry(base, 'assessment.json', jsonBytes(doc)), key.pair, (m) => {
      const unit = m['unit'] as { code: string; catalogue?: string };
      unit.code = code;
      m['formatVersion'] = version;
      if (version === 1) delete unit.catalogue;
      else unit.catalogue = catalogue;
      (m['signer'] as { keyId: string }).keyId = key.pair.keyId;
    });
  };

  it('version 1: a unit that is not a commune of the 2025-03-01 catalogue → untrusted, unit_unknown (whether the key is known or not)', async () => {
    // Not in the catalogue at all; a district, not a commune.
    await expectUntrusted(save(zipOf(specsOf(withUnit('99999', commune)))), ['unit_unknown']);
    await expectUntrusted(save(zipOf(specsOf(withUnit('844', commune)))), ['unit_unknown']);
    // An unknown key: both reasons apply (FORMAT.md §6.13, "every reason that applies"); the person deciding whether
    // to accept an untrusted package must see that its unit is not one of the catalogue's communes.
    const stranger = makeKey('commune', '29269', 'Người lạ');
    await expectUntrusted(save(zipOf(specsOf(withUnit('99999', stranger)))), ['key_unknown', 'unit_unknown']);
  });

  it('version 1 of a Mỹ Cẩm package verifies as edition 2025-03-01; version 2 of a unit not in its edition → unit_not_in_edition', async () => {
    const v1 = save(zipOf(specsOf(withUnit('29269', commune, 1))));
    const r1 = await s.call('packages.verify', { paths: [v1] });
    expect(r1.items[0]).toMatchObject({ outcome: 'valid', unit: { code: '29269', name: 'Xã Mỹ Cẩm', edition: '2025-03-01' } });
    // Xã Mỹ Cẩm is not in the 2025-07-01 edition: a v2 package claiming so is a false statement, invalid.
    await expectInvalid(save(zipOf(specsOf(withUnit('29269', commune, 2, '2025-07-01')))), 'unit_not_in_edition');
    await expectInvalid(save(zipOf(specsOf(withUnit('99999', commune, 2, '2025-03-01')))), 'unit_not_in_edition');
    // A district is not a commune either.
    await expectInvalid(save(zipOf(specsOf(withUnit('844', commune, 2, '2025-03-01')))), 'unit_not_in_edition');
    // An edition this verifier does not have cannot be judged: untrusted, with the edition named.
    await expectUntrusted(save(zipOf(specsOf(withUnit('29269', commune, 2, '2030-01-01')))), ['edition_unknown']);
  });
});
