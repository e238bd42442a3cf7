import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { invalid, PackageInvalid } from './reasons';

/**
 * Reading a package's ZIP with yauzl, without trusting anything in it: names are kept as raw bytes (we decode and judge
 * them ourselves), sizes are checked against what is read, and a package inside another one (a review's inner package,
 * stored uncompressed) is read in place as a byte range of the outer file. A small package is read whole into memory
 * first (one read) and parsed from that buffer: the same reader over the same bytes, without a file.
 */

const CHUNK = 1024 * 1024;

/** A file, or a byte range of it, as yauzl's random-access reader (large reads, no intermediate copies). */
class RangeReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly fd: number,
    private readonly base: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // Not fs.createReadStream({ fd }): destroying one closes the shared descriptor, whatever autoClose says.
    const fd = this.fd;
    let pos = this.base + start;
    const stop = this.base + end;
    return new Readable({
      highWaterMark: CHUNK,
      read() {
        const n = Math.min(CHUNK, stop - pos);
        if (n <= 0) {
          this.push(null);
          return;
        }
        const buf = Buffer.allocUnsafe(n);
        fs.read(fd, buf, 0, n, pos, (err, got) => {
          if (err) return this.destroy(err);
          if (got === 0) return this.destroy(new Error('unexpected EOF'));
          pos += got;
          this.push(got < n ? buf.subarray(0, got) : buf);
        });
      },
    });
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    let done = 0;
    const step = () => {
      if (done >= length) return callback(null);
      fs.read(this.fd, buffer, offset + done, length - done, this.base + position + done, (err, n) => {
        if (err) return callback(err);
        if (n === 0) return callback(new Error('unexpected EOF'));
        done += n;
        step();
      });
    };
    step();
  }
}

/** A buffer, or a byte range of it, as yauzl's random-access reader. */
class BufferRangeReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly buf: Buffer,
    private readonly base: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from([this.buf.subarray(this.base + start, this.base + end)], { objectMode: false });
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    const from = this.base + position;
    if (from + length > this.buf.length) return callback(new Error('unexpected EOF'));
    this.buf.copy(buffer, offset, from, from + length);
    callback(null);
  }
}

/** Where a package's bytes are: a file on disk, or the whole file read into memory. */
export type ZipSource = string | Buffer;

/** Small positional reads (end records, locators) of a source, synchronous: a few bytes, never a whole file. */
interface Bytes {
  size(): number;
  readAt(pos: number, length: number): Buffer;
  close(): void;
}

function bytesOf(source: ZipSource): Bytes {
  if (Buffer.isBuffer(source)) {
    return { size: () => source.length, readAt: (pos, length) => source.subarray(Math.min(pos, source.length), Math.min(pos + length, source.length)), close: () => {} };
  }
  const fd = fs.openSync(source, 'r');
  return {
    fd,
    size: () => fs.fstatSync(fd).size,
    readAt: (pos, length) => {
      const b = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, b, done, length - done, pos + done);
        if (n === 0) break;
        done += n;
      }
      return b.subarray(0, done);
    },
    close: () => {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    },
  } as Bytes;
}

export interface ZipEntry {
  raw: yauzl.Entry;
  nameBytes: Buffer;
  /** The name decoded as UTF-8, or null when the bytes are not UTF-8. */
  name: string | null;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
  symlink: boolean;
  directory: boolean;
  /** Carries an Info-ZIP Unicode Path field (0x7075): a second name some readers prefer. */
  altName: boolean;
}

export interface OpenZip {
  zip: yauzl.ZipFile;
  entries: ZipEntry[];
  /** Where the central directory starts (relative to the archive's first byte). */
  centralDirectoryOffset: number;
  close(): void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Opens a ZIP (a whole file, or `length` bytes of it from `start`) and lists its central directory, refusing more
 * entries than `maxEntries` before reading any of them.
 */
export async function openZip(source: ZipSource, opts: { start?: number; length?: number; maxEntries: number }): Promise<OpenZip> {
  const bytes = bytesOf(source);
  const close = () => bytes.close();
  try {
    const base = opts.start ?? 0;
    const size = opts.length ?? bytes.size();
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.fromRandomAccessReader(
        Buffer.isBuffer(source) ? new BufferRangeReader(source, base) : new RangeReader((bytes as Bytes & { fd: number }).fd, base),
        size,
        { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false },
        (err, z) => (err ? reject(err) : resolve(z)),
      );
    }).catch((e: unknown) => {
      const msg = describe(e);
      const head = size >= 4 ? bytes.readAt(base, 4) : Buffer.alloc(0);
      const zipHead = head.length === 4 && head.readUInt32LE(0) === 0x04034b50;
      const endNotFound = /end of central directory record signature not found/i.test(msg);
      // yauzl looks for the end record in the last 64 KiB and wants its comment to reach the end of the file. When it
      // fails, an end record further back whose central directory ends right before it means bytes were appended
      // after the archive: hidden_data. A signature near the end that fits nothing (a ZIP carried inside, cut short
      // after it) or none at all: the file is cut short.
      if (zipHead && (endNotFound || /invalid comment length/i.test(msg))) {
        const end = earlierEndRecord(bytes, base, size);
        if (end !== null && end < size) throw invalid('hidden_data', { detail: `${size - end} bytes after the end of central directory record` });
        throw invalid('truncated', { detail: msg });
      }
      if (endNotFound) throw invalid('not_a_zip', { detail: msg });
      throw invalid('zip_malformed', { detail: msg });
    });
    // yauzl starts reading entries at the central directory: its cursor is the directory's offset until then.
    const centralDirectoryOffset = (zip as unknown as { readEntryCursor: number }).readEntryCursor;
    if (zip.entryCount > opts.maxEntries) {
      throw invalid('too_many_entries', { detail: `${zip.entryCount} entries, at most ${opts.maxEntries}` });
    }
    const entries = await new Promise<ZipEntry[]>((resolve, reject) => {
      const out: ZipEntry[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        const nameBytes = e.fileNameRaw;
        const unixMode = (e.versionMadeBy >>> 8) === 3 ? (e.externalFileAttributes >>> 16) & 0o170000 : 0;
        out.push({
          raw: e,
          nameBytes,
          name: decodeName(nameBytes),
          flags: e.generalPurposeBitFlag,
          method: e.compressionMethod,
          compressedSize: e.compressedSize,
          uncompressedSize: e.uncompressedSize,
          encrypted: (e.generalPurposeBitFlag & 0x1) !== 0,
          symlink: unixMode === 0o120000,
          directory: unixMode === 0o040000 || (e.externalFileAttributes & 0x10) !== 0,
          altName: e.extraFields.some((f) => f.id === 0x7075),
        });
        zip.readEntry();
      });
      zip.on('end', () => {
        // The central directory ends where the end records begin: nothing hides between them.
        const cdEnd = (zip as unknown as { readEntryCursor: number }).readEntryCursor;
        const gap = endRecordsStart(bytes, base, size, (zip.comment as unknown as Buffer).length) - cdEnd;
        if (gap !== 0) reject(invalid('hidden_data', { detail: `${gap} bytes between the central directory and its end record` }));
        else resolve(out);
      });
      zip.on('error', (err: unknown) => reject(invalid(/EOF|truncat/i.test(describe(err)) ? 'truncated' : 'zip_malformed', { detail: describe(err) })));
      zip.readEntry();
    });
    return { zip, entries, centralDirectoryOffset, close };
  } catch (e) {
    close();
    throw e;
  }
}

const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const ZIP64_LOCATOR = 0x07064b50;

function readAt(bytes: Bytes, base: number, pos: number, length: number): Buffer {
  return bytes.readAt(base + pos, length);
}

/**
 * Where the end structures start in an archive yauzl accepted (its end record ends the file, with `commentLength`):
 * the ZIP64 end record when a ZIP64 locator precedes the end record (and that record must reach the locator), else
 * the end record itself.
 */
function endRecordsStart(fd: Bytes, base: number, size: number, commentLength: number): number {
  const eocdAt = size - 22 - commentLength;
  if (eocdAt >= 20) {
    const loc = readAt(fd, base, eocdAt - 20, 20);
    if (loc.length === 20 && loc.readUInt32LE(0) === ZIP64_LOCATOR) {
      const at = Number(loc.readBigUInt64LE(8));
      const rec = readAt(fd, base, at, 12);
      const recEnd = rec.length === 12 ? at + 12 + Number(rec.readBigUInt64LE(4)) : -1;
      // Bytes between the ZIP64 end record and its locator count as hidden too: reported as a gap before the record.
      return recEnd === eocdAt - 20 ? at : Number.MAX_SAFE_INTEGER;
    }
  }
  return eocdAt;
}

/**
 * For an archive whose end record is not where a reader looks for it (the last 64 KiB): the end of the last
 * consistent end record found further back (its central directory ends right before it, or a ZIP64 locator precedes
 * it), or null when there is none (the file is cut short). Read backwards in 1 MiB steps; only on this failure path.
 */
function earlierEndRecord(fd: Bytes, base: number, size: number): number | null {
  const step = CHUNK;
  for (let hi = size; hi > 0; ) {
    const lo = Math.max(0, hi - step);
    // Overlap by 21 bytes so a record across two steps is seen whole.
    const buf = readAt(fd, base, lo, Math.min(size, hi + 21) - lo);
    for (let i = buf.lastIndexOf(EOCD_SIGNATURE, hi - lo - 1); i >= 0; i = i > 0 ? buf.lastIndexOf(EOCD_SIGNATURE, i - 1) : -1) {
      if (i + 22 > buf.length) continue;
      const at = lo + i;
      const rec = buf.subarray(i, i + 22);
      const end = at + 22 + rec.readUInt16LE(20);
      if (end > size) continue;
      const cdSize = rec.readUInt32LE(12);
      const cdOffset = rec.readUInt32LE(16);
      if (cdOffset + cdSize === at) return end;
      // ZIP64: the locator before the record points at the ZIP64 end record, at this archive's own offsets (a ZIP
      // carried inside, e.g. a stored .docx, has offsets relative to itself and fails this).
      const loc = at >= 20 ? readAt(fd, base, at - 20, 20) : Buffer.alloc(0);
      if (loc.length === 20 && loc.readUInt32LE(0) === ZIP64_LOCATOR) {
        const rec64 = Number(loc.readBigUInt64LE(8));
        const head = rec64 + 12 <= at - 20 ? readAt(fd, base, rec64, 12) : Buffer.alloc(0);
        if (head.length === 12 && head.readUInt32LE(0) === 0x06064b50 && rec64 + 12 + Number(head.readBigUInt64LE(4)) === at - 20) return end;
      }
    }
    hi = lo;
  }
  return null;
}

/** Checks an entry's data against the CRC-32 its central directory record states (`corrupt_entry`). */
export function checkCrc(e: ZipEntry, crc: number, path: string): void {
  if (crc >>> 0 !== e.raw.crc32 >>> 0) {
    throw invalid('corrupt_entry', { path, detail: `CRC-32 ${(crc >>> 0).toString(16).padStart(8, '0')}, the ZIP states ${(e.raw.crc32 >>> 0).toString(16).padStart(8, '0')}` });
  }
}

/** A running CRC-32 (zlib's, as Node ≥ 20.15 has it). */
export function crc32(chunk: Uint8Array, previous = 0): number {
  return zlib.crc32(chunk, previous);
}

export function localHeader(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<yauzl.LocalFileHeader> {
  return new Promise((resolve, reject) => zip.readLocalFileHeader(entry, (err, h) => (err ? reject(err) : resolve(h))));
}

export function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
}

/** Reads an entry whole, refusing it past `max` bytes as it streams (whatever its header says). */
export async function readEntry(zip: yauzl.ZipFile, e: ZipEntry, max: number, path: string): Promise<Buffer> {
  if (e.uncompressedSize > max) throw invalid(path === 'manifest.json' || path === 'manifest.sig' ? 'manifest_too_large' : 'entry_too_large', { path, detail: `${e.uncompressedSize} bytes, at most ${max}` });
  if (e.encrypted) throw invalid('encrypted_entry', { path });
  if (e.method !== 0 && e.method !== 8) throw invalid('unsupported_compression', { path, detail: `method ${e.method}` });
  const chunks: Buffer[] = [];
  let size = 0;
  let crc = 0;
  try {
    const s = await entryStream(zip, e.raw);
    for await (const chunk of s) {
      size += (chunk as Buffer).length;
      crc = crc32(chunk as Buffer, crc);
      if (size > max) {
        s.destroy();
        throw invalid('entry_too_large', { path });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof PackageInvalid) throw err;
    throw invalid('corrupt_entry', { path, detail: describe(err) });
  }
  checkCrc(e, crc, path);
  return Buffer.concat(chunks);
}
