import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { INVALID_REASONS, type InvalidCode } from '../../src/core/packages/reasons';
import { verifyPackage } from '../../src/core/packages/verify';
import { snapshotDir, tempDir, testService } from '../helpers';
import { createReview } from '../../src/core/packages/review';
import { APP, NOW, editions, fixture, makeKey, makePackage, packs, publicKeyText, trustOf, verifyDeps, type TestKey } from '../unit/packages/helpers';

/**
 * Issue 9 item 5: the verifier checks every entry's CRC-32 against its data (`corrupt_entry`) and refuses any byte
 * after the end-of-central-directory record and its comment (`hidden_data`). Each package here is a real one written by
 * the app's writer, then changed in exactly one place; each goes through the contract (packages.verify and
 * packages.import), and the data folder (which already holds a package and its evidence) stays byte-identical.
 */

let s: Service;
let dir: string;
let cleanup: () => void;
let commune: TestKey;
let honest: Buffer;

const PDF = Buffer.from('%PDF-1.4\n% biên bản họp\n' + 'y'.repeat(4000));

function dataDir() {
  return path.join(dir, 'data');
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cfc-crc-'));
  fs.mkdirSync(path.join(dir, 'work'));
  s = testService(dataDir());
  await s.call('profile.set', { role: 'assessor', unitCode: '86', organisation: 'UBND Tỉnh Vĩnh Long', userName: 'Trần Văn Bình', userTitle: 'Trưởng đoàn' });
  commune = makeKey('commune', '29269', 'Nguyễn Thị Hồng');
  await s.call('trust.add', { publicKey: publicKeyText(commune) });
  const p = await makePackage(path.join(dir, 'work'), commune, { evidence: { 'bienban.pdf': PDF } });
  honest = fs.readFileSync(p.file);
  const seed = await makePackage(path.join(dir, 'work'), commune, { year: 2023, evidence: { 'cu.pdf': Buffer.from('%PDF cũ') } });
  expect((await s.call('packages.import', { paths: [seed.file] })).summary.imported).toBe(1);
});

afterAll(async () => {
  await s.close();
  cleanup();
});

let n = 0;
function save(bytes: Buffer): string {
  const f = path.join(dir, 'work', `case-${++n}.cfcpkg`);
  fs.writeFileSync(f, bytes);
  return f;
}

/** The central directory records of a package the app wrote (no ZIP64 at these sizes): name and where its CRC is. */
function central(zip: Buffer): { name: string; crcAt: number }[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(eocd + 16);
  const out: { name: string; crcAt: number }[] = [];
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const nameLen = zip.readUInt16LE(at + 28);
    out.push({ name: zip.subarray(at + 46, at + 46 + nameLen).toString('utf8'), crcAt: at + 16 });
    at += 46 + nameLen + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

/** The same package with one entry's stated CRC-32 changed (its data, sizes, hashes and signature untouched). */
function wrongCrc(zip: Buffer, pick: (name: string) => boolean): { bytes: Buffer; name: string } {
  const out = Buffer.from(zip);
  const e = central(out).find((c) => pick(c.name))!;
  out.writeUInt32LE((out.readUInt32LE(e.crcAt) ^ 0x00010000) >>> 0, e.crcAt);
  return { bytes: out, name: e.name };
}

async function expectInvalid(file: string, code: InvalidCode, where?: string) {
  const before = snapshotDir(dataDir());
  const v = await s.call('packages.verify', { paths: [file] });
  const item = v.items[0]!;
  expect(item.outcome, JSON.stringify(item.reasons)).toBe('invalid');
  expect(item.reasons.map((r) => r.code)).toEqual([code]);
  if (where) expect(item.reasons[0]!.path).toBe(where);
  expect(item.reasons[0]!.message).toEqual(INVALID_REASONS[code]);
  expect(item.reasons[0]!.message.vi).not.toBe(item.reasons[0]!.message.en);
  const r = await s.call('packages.import', { paths: [file] });
  expect(r.items[0]).toMatchObject({ result: 'rejected', outcome: 'invalid' });
  expect(r.items[0]!.reasons.map((x) => x.code)).toEqual([code]);
  expect(snapshotDir(dataDir())).toEqual(before);
  return item.reasons[0]!;
}

describe('CRC-32 of every entry', () => {
  it('the honest package is valid (every case below differs from it in one place)', async () => {
    expect((await verifyPackage(save(honest), verifyDeps([commune]))).outcome).toBe('valid');
    expect(central(honest).map((c) => c.name).sort()).toEqual(expect.arrayContaining(['manifest.json', 'manifest.sig', 'assessment.json', 'audit.jsonl']));
  });

  it('a stored evidence entry whose data does not match its CRC-32 → corrupt_entry (its SHA-256 is right)', async () => {
    const { bytes, name } = wrongCrc(honest, (n) => n.startsWith('evidence/'));
    const r = await expectInvalid(save(bytes), 'corrupt_entry', name);
    expect(r.detail).toMatch(/CRC-32/);
  });

  it('a deflated entry (assessment.json, audit.jsonl) with a wrong CRC-32 → corrupt_entry', async () => {
    for (const target of ['assessment.json', 'audit.jsonl']) {
      const { bytes } = wrongCrc(honest, (n) => n === target);
      await expectInvalid(save(bytes), 'corrupt_entry', target);
    }
  });

  it('the manifest and its signature are checked too, as they are read (before the signature is judged)', async () => {
    for (const target of ['manifest.json', 'manifest.sig']) {
      const { bytes } = wrongCrc(honest, (n) => n === target);
      await expectInvalid(save(bytes), 'corrupt_entry', target);
    }
  });
});

describe('nothing after the end of central directory record and its comment', () => {
  it('one byte, a hundred bytes, or 200 KB appended → hidden_data', async () => {
    for (const extra of [Buffer.from([0]), Buffer.alloc(100, 0x41), Buffer.alloc(200 * 1024, 0x42)]) {
      const r = await expectInvalid(save(Buffer.concat([honest, extra])), 'hidden_data');
      expect(r.detail).toMatch(/end of central directory record/);
    }
  });

  it('a ZIP appended (its own end record last, so a reader looking from the end finds that one) → hidden_data', async () => {
    await expectInvalid(save(Buffer.concat([honest, honest])), 'hidden_data');
  });

  it('a second end record after junk, pointing at the real central directory → hidden_data (the gap before it)', async () => {
    const eocd = honest.subarray(honest.length - 22);
    const r = await expectInvalid(save(Buffer.concat([honest, Buffer.from('junk hidden here'), eocd])), 'hidden_data');
    expect(r.detail).toMatch(/between the central directory and its end record/);
  });

  it('bytes beyond a comment whose length is stated → hidden_data; the comment itself, stated exactly, is allowed', async () => {
    const comment = Buffer.from('ghi chú của tệp');
    const withComment = Buffer.concat([honest, comment]);
    withComment.writeUInt16LE(comment.length, honest.length - 2);
    expect((await verifyPackage(save(withComment), verifyDeps([commune]))).outcome).toBe('valid');
    await expectInvalid(save(Buffer.concat([withComment, Buffer.from('!')])), 'hidden_data');
  });

  it('a package cut short is still `truncated`, and one cut inside its central directory is not hidden_data', async () => {
    await expectInvalid(save(honest.subarray(0, honest.length - 10)), 'truncated');
    await expectInvalid(save(honest.subarray(0, Math.floor(honest.length / 2))), 'truncated');
  });

  it('a review cut short after the commune package it carries is `truncated`, not taken for one ending early', async () => {
    // The inner package (stored, a whole ZIP) has its own end record inside the review; its offsets are its own.
    const assessor = makeKey('assessor', '844', 'Trần Văn Bình');
    const p = save(honest);
    const review = await createReview(
      { packs, editions, app: APP, trust: trustOf([commune, assessor]) },
      p,
      { values: fixture.values, decision: 'recognised', reasons: [], findings: 'Đạt', team: [{ name: 'Trần Văn Bình', title: 'Trưởng đoàn' }] },
      assessor,
      path.join(dir, 'work', 'review.cfcpkg'),
      { name: 'Trần Văn Bình', now: NOW },
    );
    const bytes = fs.readFileSync(review.file);
    const innerEnd = bytes.indexOf(honest) + honest.length;
    expect(innerEnd).toBeGreaterThan(honest.length);
    await expectInvalid(save(bytes.subarray(0, innerEnd + 5)), 'truncated');
  });
});
