import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { refreshCounted } from '../dashboard/counted';
import { isCancelled, throwIfCancelled } from '../cancel';
import { isCfcError } from '../errors';
import { fsyncDirs, touch } from '../fsx/durable';
import { collectOrphans } from '../evidence/hygiene';
import { effect, insertPackage, inSavepoint, isStored, recomputeStates, type Decision, type ImportResult } from './commit';
import { planStored, streamDigests, type Range } from './digest';
import { DEFAULT_LIMITS, EXTENSION, INNER_PATH, type Limits } from './format';
import type { ImportDeps, ImportItem, ImportOptions } from './importer';
import { packageStagingDir, packagesDir, storedPackagePath } from './stored';
import { lookupOf, trustEntries } from './trust';
import { BUFFER_BELOW, finishVerification, verifyBytes, verifyPackage, verifyRange, type VerifyDeps, type Verification } from './verify';
import { crcLane, nextTrustId, THREADS_FROM, verifyPool } from './verifyPool';

/**
 * The import pipeline behind `importPackages` (importer.ts): read and verify (small packages read ahead, a few at a
 * time, so reading overlaps checking), write each accepted package's bytes to a part file in `packages/staging/`, and
 * commit in groups (flush the group's files together, rename them into place, flush the folder, then one transaction
 * with a savepoint per package).
 *
 * Each package is written once: its evidence stays inside it (stored uncompressed, as the format requires) and is
 * served from there by byte range (`servableEvidence`, evidence/hygiene.ts), never extracted into the evidence store.
 * A review's inner package is the one exception: it is also stored as a package of its own (it is one).
 */

/** A group is committed when it holds this many packages or bytes (or at the end, or before a large package). */
const GROUP_PACKAGES = 64;
const GROUP_BYTES = 64 * 1024 * 1024;
/** Small packages read (and verified) ahead of the one being committed: at most this many, and this many bytes. */
const AHEAD_PACKAGES = 8;
const AHEAD_BYTES = 64 * 1024 * 1024;

/** A package file written, not yet flushed: moved to `target` when its group commits. */
interface Part {
  part: string;
  fh: fs.promises.FileHandle | null;
  target: string;
  size: number;
  /**
   * A small package's bytes being written (not awaited where they are started: the next packages are prepared while
   * libuv writes, and the group's flush waits for every write before it syncs).
   */
  written: Promise<void>;
}

interface Prepared {
  item: ImportItem;
  v: Verification;
  decision: Decision;
  parts: Part[];
}

type ReadAhead = { kind: 'small'; size: number; bytes: Buffer; v: Verification } | { kind: 'large'; size: number } | { kind: 'unreadable' };

export function blankItem(file: string): ImportItem {
  return {
    file,
    result: 'rejected',
    outcome: null,
    reasons: [],
    error: null,
    manifestSha256: null,
    kind: null,
    assessmentId: null,
    revision: null,
    unitCode: null,
    unitName: null,
    year: null,
    trustDecision: null,
  };
}

function describe(item: ImportItem, v: Verification): void {
  item.outcome = v.outcome;
  item.reasons = v.reasons;
  item.manifestSha256 = v.manifestSha256;
  if (v.manifest) {
    item.kind = v.manifest.kind;
    item.assessmentId = v.manifest.assessmentId;
    item.revision = v.manifest.revision;
    item.unitCode = v.manifest.unit.code;
    item.unitName = v.manifest.unit.name;
    item.year = v.manifest.period.year;
  }
}

/** A message fit for any screen: every absolute path in it cut to its last part (the page is shown no paths). */
export function withoutPaths(msg: string): string {
  return msg.replace(/(^|[\s'"(])((?:[A-Za-z]:)?[\\/][^\s'",)]*)/g, (_m, before: string, p: string) => before + (p.split(/[\\/]/).filter(Boolean).pop() ?? ''));
}

function errorOf(e: unknown): { code: string; message: { vi: string; en: string } } {
  if (isCfcError(e)) return { code: e.code, message: e.messages };
  const msg = withoutPaths(e instanceof Error ? e.message : String(e));
  return { code: 'import_failed', message: { vi: `Không nhập được gói: ${msg}. Không có gì được ghi.`, en: `The package could not be imported: ${msg}. Nothing was written.` } };
}

const NOT_ACCEPTED = {
  code: 'untrusted_not_accepted',
  message: {
    vi: 'Gói hợp lệ nhưng chưa được tin cậy; chỉ nhập khi có quyết định rõ ràng (kèm lý do).',
    en: 'The package is intact but not trusted; it is imported only after an explicit decision (with a reason).',
  },
};

/** Names the file by its name only: the item carries its path for the local contract, the page is shown none. */
const UNREADABLE = (file: string) => ({ code: 'unreadable_file', message: { vi: `Không đọc được tệp ${path.basename(file)}.`, en: `Cannot read the file ${path.basename(file)}.` } });

/** Folders this import made, so that an import that leaves nothing (cancelled, all rejected) leaves no folder either. */
class Folders {
  private readonly made: string[] = [];
  ensure(dir: string): void {
    if (fs.existsSync(dir)) return;
    this.ensure(path.dirname(dir));
    fs.mkdirSync(dir);
    this.made.push(dir);
  }
  madeHere(dir: string): boolean {
    return this.made.includes(dir);
  }
  /** Removes the folders made here that are still empty, deepest first. */
  removeEmpty(): void {
    for (const d of [...this.made].reverse()) {
      try {
        fs.rmdirSync(d);
      } catch {
        /* not empty: something was stored */
      }
    }
  }
}

async function writeAll(fh: fs.promises.FileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) done += (await fh.write(data, done, data.length - done, done)).bytesWritten;
}

async function dropParts(parts: readonly Part[]): Promise<void> {
  for (const p of parts) {
    await p.written.catch(() => {});
    await p.fh?.close().catch(() => {});
    p.fh = null;
    fs.rmSync(p.part, { force: true });
  }
}

export async function importStream(deps: ImportDeps, files: string[], opts: ImportOptions): Promise<ImportItem[]> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const signal = opts.signal;
  const entries = await trustEntries(deps.db);
  const trust = lookupOf(entries);
  // Verifying threads for a batch of small packages: they read and check the next ones while this one is stored.
  const pool = files.length >= THREADS_FROM ? verifyPool() : null;
  const snapshot = { id: nextTrustId(), entries };
  const verifyDeps: VerifyDeps = { packs: deps.packs, editions: deps.editions, trust, ...(deps.limits ? { limits: deps.limits } : {}) };
  const items = files.map(blankItem);
  const staging = packageStagingDir(deps.dataDir);
  const folders = new Folders();
  const progress = (index: number, bytes: number, size: number) => opts.onProgress?.({ index, total: files.length, file: files[index]!, bytes, size });

  // Read-ahead of small packages: read whole and verified, in order, a few ahead of the one being stored.
  const ahead = new Map<number, Promise<ReadAhead>>();
  let aheadBytes = 0;
  let scheduled = 0;
  const sizes = new Map<number, number>();
  const readOne = async (index: number): Promise<ReadAhead> => {
    let size: number;
    try {
      const st = await fs.promises.stat(files[index]!);
      if (!st.isFile()) return { kind: 'unreadable' };
      size = st.size;
    } catch {
      return { kind: 'unreadable' };
    }
    if (size > BUFFER_BELOW || size > limits.maxPackageBytes) return { kind: 'large', size };
    sizes.set(index, size);
    aheadBytes += size;
    if (pool) {
      const r = await pool.run(files[index]!, snapshot, deps.limits).catch(() => null);
      if (r?.kind === 'unreadable') return r;
      if (r) return { kind: 'small', size: r.bytes.length, bytes: r.bytes, v: r.passed ? await finishVerification(r.bytes, r.v, verifyDeps) : r.v };
      // The thread failed (not the package): verified here instead.
    }
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(files[index]!);
    } catch {
      return { kind: 'unreadable' };
    }
    return { kind: 'small', size: bytes.length, bytes, v: await verifyBytes(bytes, verifyDeps) };
  };
  const schedule = () => {
    while (scheduled < files.length && ahead.size < AHEAD_PACKAGES && aheadBytes < AHEAD_BYTES) {
      const p = readOne(scheduled);
      p.catch(() => {}); // awaited in order below; a cancel may leave some unawaited
      ahead.set(scheduled++, p);
    }
  };

  const group: Prepared[] = [];
  let groupBytes = 0;
  let current: Part[] = [];
  try {
    for (let index = 0; index < files.length; index++) {
      throwIfCancelled(signal);
      schedule();
      const item = items[index]!;
      const r = await ahead.get(index)!;
      ahead.delete(index);
      aheadBytes -= sizes.get(index) ?? 0;
      schedule();
      if (r.kind === 'unreadable') {
        item.error = UNREADABLE(files[index]!);
        continue;
      }
      progress(index, 0, r.size);
      if (r.kind === 'large') {
        // Committed alone: the group before it first.
        await flush(group);
        groupBytes = 0;
      }
      try {
        const p = r.kind === 'small' ? await prepareSmall(item, r.bytes, r.v) : await prepareLarge(index, item, r.size);
        if (p) {
          group.push(p);
          groupBytes += p.v.packageSize;
        }
      } catch (e) {
        await dropParts(current);
        current = [];
        if (isCancelled(e)) throw e;
        item.result = 'rejected';
        item.trustDecision = null;
        item.error = errorOf(e);
      }
      current = [];
      progress(index, r.size, r.size);
      if (group.length >= GROUP_PACKAGES || groupBytes >= GROUP_BYTES || r.kind === 'large') {
        await flush(group);
        groupBytes = 0;
      }
    }
    await flush(group);
  } catch (e) {
    // Cancelled (or the store failed): the group in flight is undone, nothing of it stays.
    await dropParts(current);
    for (const p of group) await dropParts(p.parts);
    folders.removeEmpty();
    throw e;
  }
  // A batch that stored nothing leaves no folder behind either (as after a rejected package); one that stored keeps its
  // staging folder, as the data folder's layout has it.
  if (items.every((i) => i.result === 'rejected')) folders.removeEmpty();
  // The idle moment after a batch: leftovers of crashed imports and files nothing refers to for a day go.
  await collectOrphans({ db: deps.db, dataDir: deps.dataDir });
  return items;

  function decide(item: ImportItem, v: Verification): Decision | null {
    describe(item, v);
    if (v.outcome === 'invalid') return null;
    if (v.outcome === 'untrusted' && !opts.acceptUntrusted) {
      item.error = NOT_ACCEPTED;
      return null;
    }
    const d: Decision = v.outcome === 'valid' ? { kind: 'verified', reason: null } : { kind: 'accepted_untrusted', reason: opts.acceptUntrusted!.reason.trim() };
    item.trustDecision = d.kind;
    return d;
  }

  async function newPart(target: string, size: number): Promise<Part> {
    folders.ensure(staging);
    const part = path.join(staging, `${crypto.randomUUID()}${EXTENSION}.part`);
    const p: Part = { part, fh: await fs.promises.open(part, 'wx'), target, size, written: Promise.resolve() };
    current.push(p);
    return p;
  }

  /** Where a review's inner package starts in the outer one, or null. */
  function innerStart(v: Verification): number | null {
    const k = [...v.dataStart.keys()].find((p) => INNER_PATH.test(p));
    return k === undefined ? null : v.dataStart.get(k)!;
  }

  /** Whether a review's inner package is stored already with a file of the right size (then not written again). */
  async function innerStored(inner: Verification): Promise<boolean> {
    if (!(await isStored(deps.db, inner.manifestSha256!))) return false;
    const st = fs.statSync(storedPackagePath(deps.dataDir, inner.manifestSha256!), { throwIfNoEntry: false });
    return !!st && st.size === inner.packageSize;
  }

  async function prepareSmall(item: ImportItem, bytes: Buffer, v: Verification): Promise<Prepared | null> {
    const decision = decide(item, v);
    if (!decision) return null;
    const p = await newPart(storedPackagePath(deps.dataDir, v.manifestSha256!), bytes.length);
    startWrite(p, bytes);
    const parts = [p];
    const inner = v.inner;
    const innerAt = innerStart(v);
    if (inner && innerAt !== null && !(await innerStored(inner))) {
      const ip = await newPart(storedPackagePath(deps.dataDir, inner.manifestSha256!), inner.packageSize);
      startWrite(ip, bytes.subarray(innerAt, innerAt + inner.packageSize));
      parts.push(ip);
    }
    throwIfCancelled(signal);
    return { item, v, decision, parts };
  }

  async function prepareLarge(index: number, item: ImportItem, size: number): Promise<Prepared | null> {
    const file = files[index]!;
    if (size > limits.maxPackageBytes) {
      // Refused on its size before anything is read.
      decide(item, await verifyPackage(file, verifyDeps));
      return null;
    }
    const plan = await planStored(file, 0, size, limits.maxEntries);
    if (!plan) {
      // Not a package this can even list: the verifier says why, and nothing is copied.
      decide(item, await verifyPackage(file, verifyDeps, signal ? { signal } : {}));
      return null;
    }
    const copy = await newPart('', size);
    const innerRange: Range | undefined = plan.find((r) => r.inner);
    const innerCopy = innerRange ? await newPart('', innerRange.length) : null;
    // A review's inner package is written to its own file as it passes.
    const tee: { range: Range; to: fs.promises.FileHandle }[] = innerRange && innerCopy ? [{ range: innerRange, to: innerCopy.fh! }] : [];
    const { digests, bytes } = await streamDigests(file, plan, {
      copyTo: copy.fh!,
      tee,
      crcLane,
      ...(signal ? { signal } : {}),
      onBytes: (n) => progress(index, n, size),
    });
    // Checked from the copy: what is stored is exactly what was verified (the digests are of the bytes written).
    const v = await verifyRange(copy.part, 0, bytes, verifyDeps, { digests, ...(signal ? { signal } : {}) }, false);
    const decision = decide(item, v);
    if (!decision) {
      await dropParts([copy, ...(innerCopy ? [innerCopy] : [])]);
      return null;
    }
    copy.target = storedPackagePath(deps.dataDir, v.manifestSha256!);
    copy.size = v.packageSize;
    const parts = [copy];
    if (innerCopy && v.inner) {
      if (await innerStored(v.inner)) await dropParts([innerCopy]);
      else {
        innerCopy.target = storedPackagePath(deps.dataDir, v.inner.manifestSha256!);
        parts.push(innerCopy);
      }
    } else if (innerCopy) await dropParts([innerCopy]);
    throwIfCancelled(signal);
    return { item, v, decision, parts };
  }

  function startWrite(p: Part, bytes: Buffer): void {
    p.written = writeAll(p.fh!, bytes);
    p.written.catch(() => {}); // awaited by the group's flush (or by dropParts)
  }

  /** Waits for the group's writes; a package whose file could not be written is rejected (its parts dropped). */
  async function settleWrites(g: Prepared[]): Promise<void> {
    const outcomes = await Promise.all(g.map((p) => Promise.all(p.parts.map((part) => part.written)).then(() => null, (e: unknown) => ({ e }))));
    for (let k = g.length - 1; k >= 0; k--) {
      const failed = outcomes[k];
      if (!failed) continue;
      const p = g[k]!;
      await dropParts(p.parts);
      p.item.result = 'rejected';
      p.item.trustDecision = null;
      p.item.error = errorOf(failed.e);
      g.splice(k, 1);
    }
  }

  /** Commits a group: its files flushed together and moved into place, then its rows in one transaction. */
  async function flush(g: Prepared[]): Promise<void> {
    await settleWrites(g);
    if (g.length === 0) return;
    throwIfCancelled(signal);
    const parts = g.flatMap((p) => p.parts);
    // One flush per file, all at once (the file system commits them together), before any row names them.
    await Promise.all(parts.map((p) => p.fh!.sync()));
    await Promise.all(parts.map((p) => p.fh!.close()));
    for (const p of parts) p.fh = null;
    const dir = packagesDir(deps.dataDir);
    let renamed = false;
    const dirs = new Set<string>(); // the folders a file was renamed into (or made in): flushed once, together
    for (const p of parts) {
      const st = fs.statSync(p.target, { throwIfNoEntry: false });
      if (st && st.size === p.size) {
        // An intact copy is there already (the same package again): kept, marked used.
        touch(p.target);
        fs.rmSync(p.part, { force: true });
      } else {
        // Absent, or damaged since (e.g. cut short by a power cut): this copy takes its place.
        fs.renameSync(p.part, p.target);
        renamed = true;
      }
    }
    if (renamed) {
      dirs.add(dir);
      if (folders.madeHere(dir)) dirs.add(path.dirname(dir));
    }
    await fsyncDirs(dirs);
    const results = new Map<Prepared, ImportResult>();
    const failed = new Map<Prepared, unknown>();
    try {
      await deps.db.transaction().execute(async (trx) => {
        const touched: string[] = [];
        for (const p of g) {
          try {
            results.set(
              p,
              await inSavepoint(trx, async () => {
                const { v, decision } = p;
                const m = v.manifest!;
                if (await isStored(trx, v.manifestSha256!)) return 'already_present';
                const innerV = v.inner;
                const result = await effect(trx, m.kind, m.assessmentId, m.revision);
                if (innerV && !(await isStored(trx, innerV.manifestSha256!))) {
                  const innerDecision: Decision = innerV.outcome === 'valid' ? { kind: 'verified', reason: null } : decision;
                  await insertPackage(trx, innerV, innerDecision, null, opts.who);
                  await recomputeStates(trx, innerV.manifest!.kind, innerV.manifest!.assessmentId);
                }
                await insertPackage(trx, v, decision, innerV?.manifestSha256 ?? null, opts.who);
                await recomputeStates(trx, m.kind, m.assessmentId);
                if (innerV) touched.push(innerV.manifestSha256!);
                touched.push(v.manifestSha256!);
                return result;
              }),
            );
          } catch (e) {
            failed.set(p, e);
          }
        }
        await refreshCounted(trx, touched);
      });
    } catch (e) {
      for (const p of g) if (!failed.has(p)) failed.set(p, e);
      results.clear();
    }
    for (const p of g) {
      const r = results.get(p);
      if (r) p.item.result = r;
      else {
        p.item.result = 'rejected';
        p.item.trustDecision = null;
        p.item.error = errorOf(failed.get(p));
      }
    }
    g.length = 0;
  }
}
