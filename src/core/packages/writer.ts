import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Transform } from 'node:stream';
import zlib from 'node:zlib';
import canonicalize from 'canonicalize';
import yazl from 'yazl';
import { cancelledError, throwIfCancelled } from '../cancel';
import { CfcError } from '../errors';
import {
  ASSESSMENT,
  AUDIT,
  FORMAT,
  MANIFEST,
  SIGNATURE,
  type AssessmentDoc,
  type AuditLine,
  type FileEntry,
  type Manifest,
  type SignatureFile,
} from './format';
import { sha256Hex, sign, type KeyPair } from './keys';

/**
 * yazl computes each entry's CRC-32 with a JavaScript table (~0.5 GB/s here), which would make the CRC, not SHA-256
 * or the disk, the cost of exporting evidence. Node 20.15+ has a native `zlib.crc32` (~7 GB/s) with the same
 * semantics: yazl's CRC module gets it. Same numbers, so nothing else changes; if anything is off, yazl keeps its own.
 */
function useNativeCrc32(): void {
  try {
    const fromHere = createRequire(path.join(__dirname, 'writer.js'));
    const fromYazl = createRequire(fromHere.resolve('yazl'));
    const mod = fromYazl('buffer-crc32') as { unsigned: (b: unknown, prev?: unknown) => number; __native?: boolean };
    const native = (zlib as unknown as { crc32?: (d: Buffer, v?: number) => number }).crc32;
    if (typeof native !== 'function' || mod.__native) return;
    const js = mod.unsigned.bind(mod);
    if (native(Buffer.from('123456789')) !== js(Buffer.from('123456789'))) return;
    mod.unsigned = (b: unknown, prev?: unknown) =>
      Buffer.isBuffer(b) && (prev === undefined || typeof prev === 'number') ? native(b, (prev as number | undefined) ?? 0) : js(b, prev);
    mod.__native = true;
  } catch {
    /* keep yazl's own CRC */
  }
}
useNativeCrc32();

export interface FileSource {
  sha256: string;
  size: number;
  /** Where the bytes are now. */
  file: string;
}

/** Everything a package says, except what the writer derives (files, signature). */
export type ManifestBody = Omit<Manifest, 'format' | 'formatVersion' | 'files' | 'signer'> & { signer: Omit<Manifest['signer'], 'keyId'> };

export interface PackageParts {
  manifest: ManifestBody;
  assessment: AssessmentDoc;
  audit: AuditLine[];
  evidence: FileSource[];
  /** A review's inner package: the commune's original package file. */
  inner?: FileSource | null;
}

export interface Written {
  file: string;
  size: number;
  manifest: Manifest;
  manifestBytes: Buffer;
  manifestSha256: string;
}

export function jsonBytes(value: unknown): Buffer {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('not JSON');
  return Buffer.from(text, 'utf8');
}

export function auditBytes(lines: AuditLine[]): Buffer {
  return Buffer.from(lines.map((l) => canonicalize(l)).join('\n') + (lines.length ? '\n' : ''), 'utf8');
}

/** `manifest.sig` for these manifest bytes. */
export function signatureFile(key: Pick<KeyPair, 'keyId' | 'publicKey' | 'privateKey'>, manifestBytes: Buffer): Buffer {
  const sig: SignatureFile = {
    alg: 'Ed25519',
    keyId: key.keyId,
    publicKey: key.publicKey.toString('base64'),
    signature: sign(key.privateKey, manifestBytes).toString('base64'),
  };
  return jsonBytes(sig);
}

export function evidenceChanged(sha256: string): CfcError {
  return new CfcError('evidence_changed', {
    vi: `Tệp minh chứng ${sha256.slice(0, 12)}… đã bị thay đổi hoặc hỏng trong kho; không tạo được gói.`,
    en: `The evidence file ${sha256.slice(0, 12)}… changed or is damaged in the store; the package was not made.`,
  });
}

/** Progress of a package being written: the streamed entry (evidence, inner package) and the bytes of all of them. */
export interface WriteProgress {
  index: number;
  total: number;
  label: string;
  bytes: number;
  size: number;
}

export interface WriteOptions {
  onProgress?: ((p: WriteProgress) => void) | undefined;
  /** Aborted: the writing stops between chunks, the `.part` file is removed, `cancelled` is thrown. */
  signal?: AbortSignal | undefined;
}

/**
 * Writes a signed package: the JSON entries deflated, evidence and the inner package streamed in uncompressed while
 * their SHA-256 is checked against what the manifest says (a file that changed under us aborts the export). Entries are
 * written in a fixed order with a fixed time and mode, and the manifest is canonical JSON, so the same content signed
 * by the same key gives the same bytes. Written to `<out>.part`, renamed when complete; cancelled (`opts.signal`) or
 * failed, nothing is left.
 */
export async function writePackage(parts: PackageParts, key: KeyPair, outFile: string, opts: WriteOptions = {}): Promise<Written> {
  const { onProgress, signal } = opts;
  throwIfCancelled(signal);
  const assessmentBytes = jsonBytes(parts.assessment);
  const audit = auditBytes(parts.audit);
  const streamed = [
    ...[...new Map(parts.evidence.map((e) => [e.sha256, e])).values()]
      .sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1))
      .map((e) => ({ ...e, path: `evidence/${e.sha256}` })),
    ...(parts.inner ? [{ ...parts.inner, path: `inner/${parts.inner.sha256}.cfcpkg` }] : []),
  ];
  const files: FileEntry[] = [
    { path: ASSESSMENT, sha256: sha256Hex(assessmentBytes), size: assessmentBytes.length },
    { path: AUDIT, sha256: sha256Hex(audit), size: audit.length },
    ...streamed.map((s) => ({ path: s.path, sha256: s.sha256, size: s.size })),
  ];
  const manifest: Manifest = {
    format: FORMAT,
    // The version the assessment document is written in: FORMAT_VERSION (2) for everything this app makes; 1 only
    // when a test or a tool rewrites a package as it was before catalogue editions.
    formatVersion: parts.assessment.formatVersion,
    ...parts.manifest,
    signer: { ...parts.manifest.signer, keyId: key.keyId },
    files,
  };
  const manifestBytes = jsonBytes(manifest);
  const sigBytes = signatureFile(key, manifestBytes);

  const total = streamed.reduce((n, s) => n + s.size, 0);
  let done = 0;
  const mtime = new Date(parts.manifest.createdAt);
  const mode = 0o100644;
  const part = `${outFile}.part`;
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const zip = new yazl.ZipFile();
  const out = fs.createWriteStream(part, { flags: 'w' });

  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      out.destroy();
      reject(e);
    };
    out.on('error', fail);
    out.on('close', () => {
      if (!failed) resolve();
    });
    (zip as unknown as NodeJS.EventEmitter).on('error', fail);
    zip.outputStream.on('error', fail);
    zip.outputStream.pipe(out);
    zip.addBuffer(manifestBytes, MANIFEST, { mtime, mode, compress: true });
    zip.addBuffer(sigBytes, SIGNATURE, { mtime, mode, compress: true });
    zip.addBuffer(assessmentBytes, ASSESSMENT, { mtime, mode, compress: true });
    zip.addBuffer(audit, AUDIT, { mtime, mode, compress: true });
    for (const [index, s] of streamed.entries()) {
      zip.addReadStreamLazy(s.path, { mtime, mode, compress: false, size: s.size }, (cb) => {
        const hash = crypto.createHash('sha256');
        let seen = 0;
        onProgress?.({ index, total: streamed.length, label: s.path, bytes: done, size: total });
        const check = new Transform({
          transform(chunk: Buffer, _enc, next) {
            if (signal?.aborted) return next(cancelledError());
            hash.update(chunk);
            seen += chunk.length;
            done += chunk.length;
            onProgress?.({ index, total: streamed.length, label: s.path, bytes: done, size: total });
            next(null, chunk);
          },
          flush(next) {
            next(seen === s.size && hash.digest('hex') === s.sha256 ? null : evidenceChanged(s.sha256));
          },
        });
        const src = fs.createReadStream(s.file, { highWaterMark: 1024 * 1024 });
        src.on('error', fail);
        check.on('error', (e) => {
          src.destroy();
          fail(e);
        });
        cb(null, src.pipe(check));
      });
    }
    zip.end();
  })
    .then(() => throwIfCancelled(signal))
    .catch((e: unknown) => {
      fs.rmSync(part, { force: true });
      throw e;
    });
  fs.renameSync(part, outFile);
  return { file: outFile, size: fs.statSync(outFile).size, manifest, manifestBytes, manifestSha256: sha256Hex(manifestBytes) };
}
