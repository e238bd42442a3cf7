import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { PackRegistry } from '../criteria/registry';
import type { LoadedPack } from '../criteria/schema';
import { throwIfCancelled } from '../cancel';
import { isCfcError } from '../errors';
import { scoreFast, type ScoreFacts } from '../scoring/facts';
import type { UnitEditions } from '../units/editions';
import { keyCovers } from '../units/jurisdiction';
import {
  ASSESSMENT,
  AUDIT,
  DEFAULT_LIMITS,
  EVIDENCE_PATH,
  FORMAT,
  FORMAT_VERSIONS,
  INNER_PATH,
  MANIFEST,
  SIGNATURE,
  assessmentDocSchema,
  auditLineSchema,
  firstIssue,
  manifestSchema,
  signatureSchema,
  unitEditionOf,
  type AssessmentDoc,
  type AuditLine,
  type Limits,
  type Manifest,
  type PackageKind,
} from './format';
import { fingerprintOf, keyIdOf, sha256Hex, verifySignature } from './keys';
import { invalid, PackageInvalid, untrustedReason, type Reason } from './reasons';
import { digestKey, planStored, streamDigests, type CrcLane, type EntryDigests } from './digest';
import { checkCrc, crc32, entryStream, localHeader, openZip, readEntry, type OpenZip, type ZipEntry, type ZipSource } from './zipread';

export type Role = 'commune' | 'assessor' | 'province';

/** A key of the trust store, as the verifier sees it. */
export interface TrustEntry {
  keyId: string;
  publicKey: Buffer;
  holder: string;
  role: Role;
  unitCode: string;
  /** The catalogue edition of unitCode. */
  unitEdition: string;
  status: 'trusted' | 'revoked';
}

export interface VerifyDeps {
  packs: PackRegistry;
  /** The catalogue editions: a package's unit is judged in the edition it names. */
  editions: UnitEditions;
  /** The trust store: the entry for a key id, or null when the key is unknown. */
  trust(keyId: string): TrustEntry | null;
  limits?: Partial<Limits>;
}

export interface VerifyOptions {
  /**
   * The stored entries' digests, computed while the package's bytes streamed past once (a large package: see
   * digest.ts); an entry found here is not read again.
   */
  digests?: EntryDigests;
  /** Checked between entries and chunks: `cancelledError()` (src/core/cancel.ts). */
  signal?: AbortSignal;
  /** Bytes of the package read so far (a large package, as it streams). */
  onBytes?: (bytes: number) => void;
  /** Packages up to this many bytes are read whole into memory at once (one read), larger ones streamed. */
  bufferBelow?: number;
  /** Where a large package's CRC-32s may be computed while its SHA-256s are (digest.ts; verifyPool.ts `crcLane`). */
  crcLane?: (fileSize: number) => CrcLane | undefined;
}

/** A package up to this size is read into memory whole (one read); a larger one is streamed in one pass. */
export const BUFFER_BELOW = 16 * 1024 * 1024;

export type Outcome = 'valid' | 'untrusted' | 'invalid';

export interface SignerView {
  keyId: string;
  fingerprint: string;
  /** From the trust store when the key is known, else what the manifest claims. */
  name: string;
  role: string;
  unitCode: string | null;
  trust: 'trusted' | 'unknown' | 'revoked';
}

/** Everything the verifier learnt; the importer uses the parsed parts. */
export interface Verification {
  outcome: Outcome;
  /** `invalid`: the one reason it stopped at. `untrusted`: every reason. `valid`: none. */
  reasons: Reason[];
  packageSize: number;
  manifestSha256: string | null;
  manifestBytes: Buffer | null;
  manifest: Manifest | null;
  signer: SignerView | null;
  assessment: AssessmentDoc | null;
  audit: AuditLine[];
  score: ScoreFacts | null;
  pack: LoadedPack | null;
  /** Where each entry's data starts in the package (relative to its first byte), by entry path. */
  dataStart: Map<string, number>;
  inner: Verification | null;
  /** For a review: the inner package's SHA-256 (the bytes carried under inner/). */
  innerPackageSha256: string | null;
}

/**
 * Whether a key's jurisdiction covers a unit, each in its catalogue edition: a commune key its own commune; others the
 * communes under their unit (across the reform, see `keyCovers`).
 */
export function covers(editions: UnitEditions, key: { role: Role; unitCode: string; unitEdition: string }, unit: { edition: string; code: string }): boolean {
  return keyCovers(editions, key, unit);
}

function isSubset(a: Buffer, b: Buffer) {
  return a.length === b.length && a.equals(b);
}

/** A name's fault, or null when it is safe. */
export function nameProblem(e: Pick<ZipEntry, 'name' | 'nameBytes' | 'flags' | 'altName' | 'directory'>, maxBytes: number): PackageInvalid | null {
  const shown = e.name ?? e.nameBytes.toString('latin1');
  if (e.name === null) return invalid('name_not_utf8', { path: shown });
  const ascii = /^[\x20-\x7e]*$/.test(e.name);
  if (e.altName || (!ascii && (e.flags & 0x800) === 0)) return invalid('name_ambiguous', { path: shown });
  const n = e.name;
  if (n.includes('\\')) return invalid('name_backslash', { path: shown });
  if (n.startsWith('/') || /^[A-Za-z]:/.test(n)) return invalid('name_absolute', { path: shown });
  const parts = n.split('/');
  if (parts.includes('..')) return invalid('name_traversal', { path: shown });
  // eslint-disable-next-line no-control-regex
  if (n === '' || e.nameBytes.length > maxBytes || /[\u0000-\u001f\u007f]/.test(n) || parts.some((p) => p === '' || p === '.') || e.directory) {
    return invalid('name_invalid', { path: shown });
  }
  if (n !== n.normalize('NFC')) return invalid('name_not_nfc', { path: shown });
  return null;
}

function parseJson(bytes: Buffer): unknown {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

const empty = (packageSize: number): Verification => ({
  outcome: 'invalid',
  reasons: [],
  packageSize,
  manifestSha256: null,
  manifestBytes: null,
  manifest: null,
  signer: null,
  assessment: null,
  audit: [],
  score: null,
  pack: null,
  dataStart: new Map(),
  inner: null,
  innerPackageSha256: null,
});

/**
 * Verifies a package in the order of FORMAT.md: the container and its entry count; the signature over the raw bytes of
 * manifest.json before anything else is read; the manifest; the names and the exact entry set; sizes, methods and
 * compression ratios; the local headers; the SHA-256 of every entry, streamed; assessment.json and audit.jsonl; the
 * pack; the summary recomputed; a review's inner package; and last the trust (key known, not revoked, jurisdiction).
 * Stops at the first failure (`invalid`, one reason); never throws for anything the package contains.
 */
export async function verifyPackage(file: string, deps: VerifyDeps, opts: VerifyOptions = {}): Promise<Verification> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const size = (await fs.promises.stat(file)).size;
  if (size > limits.maxPackageBytes || opts.digests) return verifyRange(file, 0, size, deps, opts, false);
  if (size <= (opts.bufferBelow ?? BUFFER_BELOW)) {
    // One read: the bytes checked are the bytes in memory, whatever happens to the file meanwhile.
    const bytes = await fs.promises.readFile(file);
    throwIfCancelled(opts.signal);
    opts.onBytes?.(bytes.length);
    return verifyRange(bytes, 0, bytes.length, deps, opts, false);
  }
  // One sequential pass computes every stored entry's digest; the checks then read only the small parts again.
  const plan = await planStored(file, 0, size, limits.maxEntries);
  if (!plan) return verifyRange(file, 0, size, deps, opts, false);
  const { digests } = await streamDigests(file, plan, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onBytes ? { onBytes: opts.onBytes } : {}),
    ...(opts.crcLane ? { crcLane: opts.crcLane } : {}),
  });
  return verifyRange(file, 0, size, deps, { ...opts, digests }, false);
}

/** Verifies a package already read into memory (`bytes` is the whole file). */
export function verifyBytes(bytes: Buffer, deps: VerifyDeps, opts: VerifyOptions = {}): Promise<Verification> {
  return verifyRange(bytes, 0, bytes.length, deps, opts, false);
}

/**
 * Steps 1 to 7 of a package in memory (a verifying thread, see verifyPool.ts): `passed` when the container, signature,
 * entries and documents are sound; then `finishVerification` runs the rest where the packs and catalogues are.
 */
export async function verifyContainer(bytes: Buffer, trust: VerifyDeps['trust'], limits: Partial<Limits> | undefined): Promise<{ v: Verification; passed: boolean }> {
  const l: Limits = { ...DEFAULT_LIMITS, ...limits };
  const v = empty(bytes.length);
  let opened: OpenZip | null = null;
  try {
    if (bytes.length > l.maxPackageBytes) throw invalid('package_too_large', { detail: `${bytes.length} bytes, at most ${l.maxPackageBytes}` });
    opened = await openZip(bytes, { start: 0, length: bytes.length, maxEntries: l.maxEntries });
    await checkContainer(v, opened, bytes, 0, trust, l, {});
    return { v, passed: true };
  } catch (e) {
    if (!(e instanceof PackageInvalid)) throw e;
    v.outcome = 'invalid';
    v.reasons = [e.reason];
    return { v, passed: false };
  } finally {
    opened?.close();
  }
}

/** Steps 8 to 11 of a package whose steps 1 to 7 passed (`verifyContainer`), from the same bytes. */
export async function finishVerification(bytes: Buffer, v: Verification, deps: VerifyDeps): Promise<Verification> {
  try {
    await checkContent(v, bytes, 0, deps, {}, false);
  } catch (e) {
    if (!(e instanceof PackageInvalid)) throw e;
    v.outcome = 'invalid';
    v.reasons = [e.reason];
  }
  return v;
}

export async function verifyRange(source: ZipSource, start: number, length: number, deps: VerifyDeps, opts: VerifyOptions, nested: boolean): Promise<Verification> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const v = empty(length);
  let opened: OpenZip | null = null;
  try {
    if (length > limits.maxPackageBytes) throw invalid('package_too_large', { detail: `${length} bytes, at most ${limits.maxPackageBytes}` });
    opened = await openZip(source, { start, length, maxEntries: limits.maxEntries });
    await checkContainer(v, opened, source, start, deps.trust, limits, opts);
    opened.close();
    opened = null;
    await checkContent(v, source, start, deps, opts, nested);
  } catch (e) {
    if (!(e instanceof PackageInvalid)) throw e;
    v.outcome = 'invalid';
    v.reasons = [e.reason];
  } finally {
    opened?.close();
  }
  return v;
}

/**
 * Steps 1 to 7: the container, the signature, the manifest, names and entries, every entry's hash, and the two
 * documents parsed. Needs nothing but the bytes, the limits and the trust store's entry for the signer's key (a
 * revoked or conflicting key stops here, before anything else is read).
 */
async function checkContainer(v: Verification, z: OpenZip, source: ZipSource, base: number, trust: VerifyDeps['trust'], limits: Limits, opts: VerifyOptions): Promise<void> {
  const { zip, entries } = z;

  // 1. The signature over the raw manifest bytes, before anything else is read.
  const named = (n: string) => entries.filter((e) => e.nameBytes.equals(Buffer.from(n, 'utf8')));
  const manifests = named(MANIFEST);
  const sigs = named(SIGNATURE);
  if (manifests.length === 0) throw invalid('manifest_missing');
  if (sigs.length === 0) throw invalid('signature_missing');
  if (manifests.length > 1) throw invalid('duplicate_entry', { path: MANIFEST });
  if (sigs.length > 1) throw invalid('duplicate_entry', { path: SIGNATURE });
  const manifestBytes = await readSmall(z, source, base, manifests[0]!, limits.maxManifestBytes, MANIFEST);
  const sigBytes = await readSmall(z, source, base, sigs[0]!, limits.maxSignatureBytes, SIGNATURE);
  let sigRaw: unknown;
  try {
    sigRaw = parseJson(sigBytes);
  } catch (e) {
    throw invalid('signature_malformed', { detail: (e as Error).message });
  }
  const sig = signatureSchema.safeParse(sigRaw);
  if (!sig.success) throw invalid('signature_malformed', { detail: firstIssue(sig.error) });
  const publicKey = Buffer.from(sig.data.publicKey, 'base64');
  if (keyIdOf(publicKey) !== sig.data.keyId) throw invalid('key_id_mismatch', { detail: `${sig.data.keyId} ≠ ${keyIdOf(publicKey)}` });
  if (!verifySignature(publicKey, manifestBytes, Buffer.from(sig.data.signature, 'base64'))) throw invalid('bad_signature', { path: MANIFEST });
  v.manifestBytes = manifestBytes;
  v.manifestSha256 = sha256Hex(manifestBytes);

  // 2. The manifest, now authenticated.
  let raw: unknown;
  try {
    raw = parseJson(manifestBytes);
  } catch (e) {
    throw invalid('manifest_malformed', { detail: (e as Error).message });
  }
  const r = raw as { format?: unknown; formatVersion?: unknown } | null;
  if (r && typeof r === 'object' && r.format === FORMAT && !(FORMAT_VERSIONS as readonly unknown[]).includes(r.formatVersion)) {
    throw invalid('unsupported_format', { detail: `formatVersion ${String(r.formatVersion)}` });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw invalid('manifest_malformed', { detail: firstIssue(parsed.error) });
  const manifest = parsed.data;
  v.manifest = manifest;
  if (manifest.signer.keyId !== sig.data.keyId) throw invalid('signer_mismatch', { detail: `manifest names ${manifest.signer.keyId}, signed by ${sig.data.keyId}` });
  const known = trust(sig.data.keyId);
  v.signer = {
    keyId: sig.data.keyId,
    fingerprint: fingerprintOf(sig.data.keyId),
    name: known?.holder ?? manifest.signer.name,
    role: known?.role ?? manifest.signer.role,
    unitCode: known?.unitCode ?? null,
    trust: known ? (known.status === 'revoked' ? 'revoked' : 'trusted') : 'unknown',
  };
  if (known && !isSubset(known.publicKey, publicKey)) throw invalid('key_conflict');
  if (known?.status === 'revoked') throw invalid('key_revoked', { detail: fingerprintOf(known.keyId) });

  // 3. Names, then the exact entry set.
  const seen = new Set<string>();
  for (const e of entries) {
    const problem = nameProblem(e, limits.maxNameBytes);
    if (problem) throw problem;
    if (e.symlink) throw invalid('symlink_entry', { path: e.name! });
    if (seen.has(e.name!)) throw invalid('duplicate_entry', { path: e.name! });
    seen.add(e.name!);
  }
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (const e of entries) {
    if (e.name !== MANIFEST && e.name !== SIGNATURE && !listed.has(e.name!)) throw invalid('extra_entry', { path: e.name! });
  }
  for (const p of listed.keys()) if (!seen.has(p)) throw invalid('missing_entry', { path: p });

  // 4. Sizes, methods and ratios, from the central directory (nothing inflated yet).
  let total = 0;
  for (const e of entries) {
    const p = e.name!;
    if (e.encrypted) throw invalid('encrypted_entry', { path: p });
    if (e.method !== 0 && e.method !== 8) throw invalid('unsupported_compression', { path: p, detail: `method ${e.method}` });
    if (e.method === 8 && e.uncompressedSize > limits.ratioFloorBytes && e.uncompressedSize > limits.maxRatio * Math.max(1, e.compressedSize)) {
      throw invalid('compression_ratio', { path: p, detail: `${e.uncompressedSize} / ${e.compressedSize}` });
    }
    if ((EVIDENCE_PATH.test(p) || INNER_PATH.test(p)) && e.method !== 0) throw invalid('must_be_stored', { path: p });
    const f = listed.get(p);
    if (f && f.size !== e.uncompressedSize) throw invalid('size_mismatch', { path: p, detail: `${e.uncompressedSize} in the ZIP, ${f.size} in the manifest` });
    if (p === ASSESSMENT && e.uncompressedSize > limits.maxAssessmentBytes) throw invalid('entry_too_large', { path: p });
    if (p === AUDIT && e.uncompressedSize > limits.maxAuditBytes) throw invalid('entry_too_large', { path: p });
    total += e.uncompressedSize;
    if (total > limits.maxTotalBytes) throw invalid('total_too_large', { detail: `more than ${limits.maxTotalBytes} bytes` });
  }

  // 5. Local headers agree with the central directory; entry data does not overlap.
  const ranges: { start: number; end: number; path: string }[] = [];
  const dataStart = new Map<string, number>();
  for (const e of entries) {
    let h;
    try {
      h = await localHeader(zip, e.raw);
    } catch (err) {
      throw invalid('zip_malformed', { path: e.name!, detail: (err as Error).message });
    }
    if (!h.fileName.equals(e.nameBytes) || h.compressionMethod !== e.method) throw invalid('local_header_mismatch', { path: e.name! });
    ranges.push({ start: h.fileDataStart, end: h.fileDataStart + e.compressedSize, path: e.name! });
    dataStart.set(e.name!, h.fileDataStart);
    v.dataStart.set(e.name!, h.fileDataStart);
  }
  ranges.sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]!.start < ranges[i - 1]!.end) throw invalid('overlapping_entries', { path: ranges[i]!.path });
  }
  // Nothing but the listed entries: their local records tile the archive from its first byte up to the central
  // directory, each followed at most by a data descriptor (12 to 24 bytes, general purpose bit 3). A record the central
  // directory does not list — which a streaming unzipper would still extract — needs at least 30 bytes, so it cannot
  // hide in what this allows.
  const records = entries
    .map((e) => ({ start: e.raw.relativeOffsetOfLocalHeader, end: dataStart.get(e.name!)! + e.compressedSize, descriptor: (e.flags & 0x8) !== 0, path: e.name! }))
    .sort((a, b) => a.start - b.start);
  const gapOk = (gap: number, descriptor: boolean) => (descriptor ? gap >= 12 && gap <= 24 && gap % 4 === 0 : gap === 0);
  let cursor = { end: 0, descriptor: false };
  for (const r of records) {
    if (!gapOk(r.start - cursor.end, cursor.descriptor)) throw invalid('hidden_data', { path: r.path, detail: `${r.start - cursor.end} bytes before this entry` });
    cursor = r;
  }
  if (!gapOk(z.centralDirectoryOffset - cursor.end, cursor.descriptor)) {
    throw invalid('hidden_data', { detail: `${z.centralDirectoryOffset - cursor.end} bytes before the central directory` });
  }

  // 6. The SHA-256 of every listed entry: a stored one from the bytes in memory or from the digest computed as the
  // package streamed past; otherwise (deflated, or not planned) streamed from the package now.
  const byName = new Map(entries.map((e) => [e.name!, e]));
  const small = new Map<string, Buffer>();
  for (const f of manifest.files) {
    throwIfCancelled(opts.signal);
    const e = byName.get(f.path)!;
    const keep = f.path === ASSESSMENT || f.path === AUDIT;
    const at = base + dataStart.get(f.path)!;
    let got: { sha256: string; crc: number; n: number; data: Buffer | null };
    const known = e.method === 0 && !keep ? opts.digests?.get(digestKey(at, e.compressedSize)) : undefined;
    if (Buffer.isBuffer(source)) {
      const data = e.method === 0 ? source.subarray(at, at + e.compressedSize) : inflateEntry(source.subarray(at, at + e.compressedSize), e, f.path);
      got = { sha256: crypto.createHash('sha256').update(data).digest('hex'), crc: crc32(data), n: data.length, data: keep ? data : null };
    } else if (known) {
      got = { ...known, data: null };
    } else {
      got = await streamEntry(zip, e, f.path, keep);
    }
    // 6b. The data against the CRC-32 the ZIP states for it (damaged in transit, or a ZIP edited by hand), then the
    // SHA-256 the signed manifest states.
    checkCrc(e, got.crc, f.path);
    if (got.n !== f.size || got.sha256 !== f.sha256) throw invalid('hash_mismatch', { path: f.path });
    if (keep) small.set(f.path, got.data!);
  }

  // 7. assessment.json and audit.jsonl.
  let doc: AssessmentDoc;
  try {
    const a = assessmentDocSchema.safeParse(parseJson(small.get(ASSESSMENT)!));
    if (!a.success) throw invalid('assessment_malformed', { path: ASSESSMENT, detail: firstIssue(a.error) });
    doc = a.data;
  } catch (e) {
    if (e instanceof PackageInvalid) throw e;
    throw invalid('assessment_malformed', { path: ASSESSMENT, detail: (e as Error).message });
  }
  v.assessment = doc;
  const mismatch = (what: string) => invalid('manifest_assessment_mismatch', { detail: what });
  if (doc.kind !== manifest.kind) throw mismatch('kind');
  if (doc.assessmentId !== manifest.assessmentId) throw mismatch('assessmentId');
  if (doc.revision !== manifest.revision) throw mismatch('revision');
  if (doc.period.year !== manifest.period.year) throw mismatch('period.year');
  const { unitClassReason: _reason, ...docUnit } = doc.unit;
  if (JSON.stringify(docUnit) !== JSON.stringify(manifest.unit)) throw mismatch('unit');
  if (JSON.stringify(doc.pack) !== JSON.stringify(manifest.pack)) throw mismatch('pack');
  if (doc.people.signer.role !== manifest.signer.role || doc.people.signer.name !== manifest.signer.name) throw mismatch('signer');
  const evidenceFiles = new Map(manifest.files.filter((f) => EVIDENCE_PATH.test(f.path)).map((f) => [f.sha256, f.size]));
  const referenced = new Map(doc.evidence.map((e) => [e.sha256, e.size]));
  if (evidenceFiles.size !== referenced.size || [...referenced].some(([sha, sz]) => evidenceFiles.get(sha) !== sz)) {
    throw invalid('evidence_mismatch', { detail: `${referenced.size} referenced, ${evidenceFiles.size} carried` });
  }
  const auditText = new TextDecoder('utf-8', { fatal: false }).decode(small.get(AUDIT)!);
  const lines = auditText.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw invalid('audit_malformed', { path: AUDIT, detail: `line ${i + 1}` });
    }
    const a = auditLineSchema.safeParse(entry);
    if (!a.success) throw invalid('audit_malformed', { path: AUDIT, detail: `line ${i + 1}: ${firstIssue(a.error)}` });
    v.audit.push(a.data);
  }

}

/**
 * Steps 8 to 11, after `checkContainer`: what needs the packs, the catalogues and the trust store's judgement. `v` holds
 * what steps 1 to 7 learnt (possibly in another thread: see verifyPool.ts).
 */
async function checkContent(v: Verification, source: ZipSource, base: number, deps: VerifyDeps, opts: VerifyOptions, nested: boolean): Promise<void> {
  const manifest = v.manifest!;
  const doc = v.assessment!;
  const known = deps.trust(manifest.signer.keyId);
  const dataStart = v.dataStart;
  // 8. The pack, and the summary recomputed from the values.
  const pack = deps.packs.find(manifest.pack.id, manifest.pack.version);
  if (!pack) throw invalid('unknown_pack', { detail: `${manifest.pack.id}@${manifest.pack.version} sha256 ${manifest.pack.sha256}` });
  if (pack.sha256 !== manifest.pack.sha256) throw invalid('pack_mismatch', { detail: `${manifest.pack.id}@${manifest.pack.version}` });
  v.pack = pack;
  const values: Record<string, unknown> = {};
  const overrides: Record<string, { points: number; reason: string }> = {};
  for (const [id, en] of Object.entries(doc.entries)) {
    if (en.value !== null && en.value !== undefined) values[id] = en.value;
    if (en.override) overrides[id] = en.override;
  }
  let score: ScoreFacts;
  try {
    score = scoreFast({ pack: pack.pack.id, packVersion: pack.pack.version, unitClass: doc.unit.unitClass, values, overrides }, pack);
  } catch (e) {
    if (isCfcError(e)) throw invalid('assessment_malformed', { path: ASSESSMENT, detail: e.messages.en });
    throw e;
  }
  v.score = score;
  const s = manifest.summary;
  const expected = {
    total: score.total,
    maxTotal: score.maxTotal,
    threshold: score.threshold,
    criteria: score.criteria.map((c) => ({ id: c.id, points: c.points })),
    verdict: score.verdict,
    provisional: score.provisional,
  };
  if (JSON.stringify(s) !== JSON.stringify(expected)) throw invalid('summary_mismatch', { detail: `manifest total ${s.total}, recomputed ${score.total}` });
  for (const c of score.criteria) {
    for (const i of c.indicators) {
      const en = doc.entries[i.id];
      if (!en) continue;
      if (en.computed !== i.computed || en.points !== i.points) throw invalid('summary_mismatch', { path: ASSESSMENT, detail: `indicator ${i.id}` });
    }
  }

  // 9. A review's inner package: verified too, and the one the review is about.
  const inners = manifest.files.filter((f) => INNER_PATH.test(f.path));
  const kind: PackageKind = manifest.kind;
  if (kind === 'self-assessment') {
    if (inners.length > 0) throw invalid('inner_unexpected');
    if (doc.review !== null) throw invalid('assessment_malformed', { path: ASSESSMENT, detail: 'a self-assessment has no review part' });
  } else {
    if (nested) throw invalid('inner_unexpected', { detail: 'a review inside a review' });
    if (inners.length !== 1) throw invalid('inner_missing');
    if (doc.review === null) throw invalid('assessment_malformed', { path: ASSESSMENT, detail: 'a review needs its review part' });
    const f = inners[0]!;
    const inner = await verifyRange(source, base + dataStart.get(f.path)!, f.size, deps, opts, true);
    v.inner = inner;
    v.innerPackageSha256 = f.sha256;
    if (inner.outcome === 'invalid') {
      throw invalid('inner_invalid', { path: f.path, detail: inner.reasons.map((x) => x.code + (x.path ? ` (${x.path})` : '')).join(', ') });
    }
    const subject = doc.review.subject;
    const im = inner.manifest!;
    if (
      subject.packageSha256 !== f.sha256 ||
      subject.manifestSha256 !== inner.manifestSha256 ||
      subject.packageId !== im.packageId ||
      subject.assessmentId !== im.assessmentId ||
      subject.revision !== im.revision ||
      im.unit.code !== manifest.unit.code ||
      unitEditionOf(im) !== unitEditionOf(manifest) ||
      im.period.year !== manifest.period.year
    ) {
      throw invalid('inner_mismatch', { path: f.path });
    }
  }

  // 10. The unit in its catalogue edition (FORMAT.md §6.12): version 2 names the edition (`unit.catalogue`), version 1
  // is edition 2025-03-01. A version-2 unit that is not a commune of the edition it names, in an edition known here,
  // is a false statement: invalid. An edition this verifier does not know cannot be judged: untrusted below.
  const edition = unitEditionOf(manifest);
  const catalogue = deps.editions.find(edition);
  const unit = catalogue?.record(manifest.unit.code);
  const unitKnown = !!unit && unit.level === 'commune';
  if (manifest.formatVersion >= 2 && catalogue && !unitKnown) throw invalid('unit_not_in_edition', { detail: `${manifest.unit.code} @ ${edition}` });

  // 11. Trust: the key known and not revoked (checked above), the role allowed, the jurisdiction covering the unit.
  const reasons: Reason[] = [];
  // The unit is judged whether the key is known or not (FORMAT.md §6.13: every reason that applies): whoever decides
  // to accept an untrusted package must see that its unit is not a commune of the catalogue, not only "key unknown".
  if (!known) reasons.push(untrustedReason('key_unknown', fingerprintOf(manifest.signer.keyId)));
  else {
    if (kind === 'review' && known.role === 'commune') reasons.push(untrustedReason('role_not_allowed', `${known.role} key, ${kind} package`));
    if (unitKnown && !covers(deps.editions, known, { edition, code: manifest.unit.code })) {
      reasons.push(untrustedReason('outside_jurisdiction', `${known.role} ${known.unitCode}@${known.unitEdition} → ${manifest.unit.code}@${edition}`));
    }
  }
  if (!catalogue) reasons.push(untrustedReason('edition_unknown', edition));
  else if (!unitKnown) reasons.push(untrustedReason('unit_unknown', `${manifest.unit.code} @ ${edition}`));
  if (v.inner && v.inner.outcome === 'untrusted') reasons.push(untrustedReason('inner_untrusted', v.inner.reasons.map((x) => x.code).join(', ')));
  v.reasons = reasons;
  v.outcome = reasons.length ? 'untrusted' : 'valid';
}

/**
 * The manifest or its signature, whole: from memory when the package is (its local header, then the bytes, inflated in
 * one call), else streamed (`readEntry`). The same checks either way: the size bound before reading, no encryption, a
 * known method, the CRC-32.
 */
async function readSmall(z: OpenZip, source: ZipSource, base: number, e: ZipEntry, max: number, path: string): Promise<Buffer> {
  if (!Buffer.isBuffer(source) || e.uncompressedSize > max || e.encrypted || (e.method !== 0 && e.method !== 8)) return readEntry(z.zip, e, max, path);
  let start: number;
  try {
    start = base + (await localHeader(z.zip, e.raw)).fileDataStart;
  } catch (err) {
    throw invalid('corrupt_entry', { path, detail: (err as Error).message });
  }
  const raw = source.subarray(start, start + e.compressedSize);
  const data = e.method === 0 ? raw : inflateEntry(raw, e, path);
  checkCrc(e, crc32(data), path);
  return data;
}

/**
 * A deflated entry's bytes from memory, inflated in one call: refused (`corrupt_entry`) when the data is not a complete
 * deflate stream or inflates to another size than the central directory states — as yauzl's size-checking stream does.
 */
function inflateEntry(data: Buffer, e: ZipEntry, path: string): Buffer {
  let out: Buffer;
  try {
    out = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, e.uncompressedSize + 1) });
  } catch (err) {
    throw invalid('corrupt_entry', { path, detail: (err as Error).message });
  }
  if (out.length !== e.uncompressedSize) throw invalid('corrupt_entry', { path, detail: `${out.length} bytes inflated, the ZIP states ${e.uncompressedSize}` });
  return out;
}

/** One entry streamed from the package (inflated if deflated): its SHA-256, CRC-32 and size, and its bytes if `keep`. */
async function streamEntry(zip: OpenZip['zip'], e: ZipEntry, path: string, keep: boolean): Promise<{ sha256: string; crc: number; n: number; data: Buffer | null }> {
  const hash = crypto.createHash('sha256');
  const chunks: Buffer[] = [];
  let n = 0;
  let crc = 0;
  try {
    const s = await entryStream(zip, e.raw);
    for await (const chunk of s as AsyncIterable<Buffer>) {
      hash.update(chunk);
      crc = crc32(chunk, crc);
      n += chunk.length;
      if (keep) chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof PackageInvalid) throw err;
    if (isCfcError(err) || (err as NodeJS.ErrnoException).code === 'ENOSPC') throw err;
    throw invalid('corrupt_entry', { path, detail: (err as Error).message });
  }
  return { sha256: hash.digest('hex'), crc, n, data: keep ? Buffer.concat(chunks) : null };
}
