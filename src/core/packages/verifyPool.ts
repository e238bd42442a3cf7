/**
 * A small pool of verifying threads (worker_threads), one per core, started by the core on first use for a batch of
 * small packages and kept while the process runs (idle threads do not keep it alive). Each thread reads a package and
 * runs steps 1 to 7 of the verifier (verifyWorker.ts); the thread that owns the store finishes steps 8 to 11 (packs,
 * catalogues, trust: the same objects as for any other verification) and commits, while the threads already verify
 * the next packages. Where no worker script can be found (a bundle without it), there is no pool and verification
 * runs in the calling thread: same results, one core.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { throwIfCancelled } from '../cancel';
import type { CrcLane } from './digest';
import type { Limits } from './format';
import { BUFFER_BELOW, finishVerification, verifyPackage, type TrustEntry, type Verification, type VerifyDeps } from './verify';

export interface PoolRequest {
  id: number;
  kind: 'verify';
  file: string;
  trustId: number;
  /** Sent with the first request of a snapshot to each thread. */
  trust?: TrustEntry[];
  limits?: Partial<Limits>;
}

/**
 * The CRC-32s of parts of a large package being streamed (streamDigests): views of shared memory, each continued from
 * `prev`. The thread that streams computes the SHA-256s of the same bytes meanwhile.
 */
export interface CrcRequest {
  id: number;
  kind: 'crc';
  parts: Parameters<CrcLane>[0];
}

export type PoolReply =
  | { id: number; kind: 'verified'; bytes: Buffer; v: Verification; passed: boolean }
  | { id: number; kind: 'crc'; crcs: number[] }
  | { id: 0; kind: 'ready' }
  | { id: number; kind: 'unreadable' }
  | { id: number; kind: 'error'; message: string };

export type PoolResult = { kind: 'verified'; bytes: Buffer; v: Verification; passed: boolean } | { kind: 'unreadable' };

/**
 * The worker script: the TypeScript source run through tsx (checkouts, tests), the electron-vite bundle's
 * `verifyWorker.js` beside the bundle that runs the service (out/main), or the CLI bundle's `verify-worker.cjs` beside
 * the `cfc` bin (out/cli). Null when none is there.
 */
function workerScript(): { file: string; source: boolean } | null {
  const dirs: string[] = [];
  try {
    dirs.push(__dirname);
  } catch {
    /* an ES module bundle: no __dirname */
  }
  if (process.argv[1]) dirs.push(path.dirname(path.resolve(process.argv[1])));
  for (const d of dirs) {
    if (fs.existsSync(path.join(d, 'verifyWorker.ts'))) return { file: path.join(d, 'verifyWorker.ts'), source: true };
    for (const name of ['verifyWorker.js', 'verify-worker.cjs']) if (fs.existsSync(path.join(d, name))) return { file: path.join(d, name), source: false };
  }
  return null;
}

class Pool {
  private readonly workers: { worker: Worker; trustId: number; busy: number; ready: boolean }[] = [];
  private readonly pending = new Map<number, { resolve: (r: PoolReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** Why the pool stopped (a thread failed or exited): every later request is refused with it. */
  private dead: Error | null = null;
  private markLoaded!: () => void;
  /** Settles when a first thread has loaded the verifier and listens (the CRC-32 lane answers from then on). */
  readonly loaded = new Promise<void>((resolve) => (this.markLoaded = resolve));

  constructor(script: { file: string; source: boolean }, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = script.source
        ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script.file)});`, { eval: true })
        : new Worker(script.file);
      const slot = { worker, trustId: 0, busy: 0, ready: false };
      worker.on('message', (r: PoolReply) => {
        if (r.kind === 'ready') {
          slot.ready = true;
          this.markLoaded();
          return;
        }
        slot.busy--;
        if (slot.busy === 0) worker.unref();
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        if (!p) return;
        if (r.kind === 'error') p.reject(new Error(r.message));
        else p.resolve(r);
      });
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', () => this.fail(new Error('a verifying thread stopped')));
      // After the listeners: adding a 'message' listener refs the thread's port again, and a thread that is never sent
      // anything (the second of two, for a large package's CRC-32 lane) would keep the process from ending.
      worker.unref();
      this.workers.push(slot);
    }
  }

  private fail(e: Error): void {
    this.dead = e;
    pool = null;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Reads and checks one package (steps 1 to 7) on the least busy thread. */
  async run(file: string, trust: { id: number; entries: TrustEntry[] }, limits?: Partial<Limits>): Promise<PoolResult> {
    const slot = this.leastBusy();
    const req: PoolRequest = { id: this.nextId++, kind: 'verify', file, trustId: trust.id, ...(limits ? { limits } : {}) };
    if (slot.trustId !== trust.id) {
      req.trust = trust.entries;
      slot.trustId = trust.id;
    }
    const r = await this.send(slot, req);
    if (r.kind === 'verified') return { kind: 'verified', bytes: Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength), v: revive(r.v), passed: r.passed };
    if (r.kind === 'unreadable') return r;
    throw new Error(`unexpected reply ${r.kind}`);
  }

  /**
   * The CRC-32s of `parts` (views of a SharedArrayBuffer, not copied), on the least busy thread that has loaded; null
   * while none has (a thread takes tens of milliseconds to load the verifier: the caller computes them meanwhile).
   */
  crc(parts: CrcRequest['parts']): Promise<number[]> | null {
    const ready = this.workers.filter((w) => w.ready);
    if (ready.length === 0) return null;
    return this.send(this.leastBusy(ready), { id: this.nextId++, kind: 'crc', parts }).then((r) => {
      if (r.kind !== 'crc') throw new Error(`unexpected reply ${r.kind}`);
      return r.crcs;
    });
  }

  private leastBusy(among = this.workers) {
    return among.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private send(slot: (typeof this.workers)[number], req: PoolRequest | CrcRequest): Promise<PoolReply> {
    // A thread that stopped answers nothing: refused at once rather than waited for.
    if (this.dead) return Promise.reject(this.dead);
    if (slot.busy === 0) slot.worker.ref();
    slot.busy++;
    return new Promise<PoolReply>((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject });
      slot.worker.postMessage(req);
    });
  }
}

/** Buffers arrive as Uint8Arrays: made Buffers again (the verifier's result carries the manifest's bytes). */
function revive(v: Verification): Verification {
  return { ...v, manifestBytes: v.manifestBytes ? Buffer.from(v.manifestBytes) : null };
}

/** Batches from this many packages on use the verifying threads (fewer are not worth a thread's start). */
export const THREADS_FROM = 16;

let pool: Pool | null = null;
let trustIds = 0;

/** A fresh id for a trust snapshot (threads get the snapshot again when it changes). */
export function nextTrustId(): number {
  return ++trustIds;
}

/** The process's pool (started now if need be), or null when there is no worker script or only one core. */
export function verifyPool(): Pool | null {
  if (pool) return pool;
  if (process.env['CFC_VERIFY_THREADS'] === '0') return null;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const size = Math.max(1, Math.min(4, Number(process.env['CFC_VERIFY_THREADS']) || cores));
  const script = workerScript();
  if (!script || cores < 2) return null;
  pool = new Pool(script, size);
  return pool;
}

/** A file from this size on has its CRC-32s computed on a verifying thread while it streams (below: not worth it). */
const LANE_FROM = 128 * 1024 * 1024;

/**
 * The pool's threads as the CRC-32 lane of a large package's stream (streamDigests): for a file of LANE_FROM bytes or
 * more, when there are threads.
 */
export function crcLane(fileSize: number): CrcLane | undefined {
  if (fileSize < LANE_FROM) return undefined;
  const p = verifyPool();
  return p ? (parts) => p.crc(parts) : undefined;
}

/**
 * Verifies packages, results in the order given: a batch of small ones on the verifying threads (a few ahead at a
 * time), each finished here (steps 8 to 11); a large one (or without threads) by `verifyPackage` here, streamed.
 */
export async function verifyPackages(files: readonly string[], deps: VerifyDeps & { trustEntries: TrustEntry[] }, opts: { signal?: AbortSignal } = {}): Promise<Verification[]> {
  const threads = files.length >= THREADS_FROM ? verifyPool() : null;
  const snapshot = { id: nextTrustId(), entries: deps.trustEntries };
  const one = async (file: string): Promise<Verification> => {
    if (threads && (await fs.promises.stat(file)).size <= BUFFER_BELOW) {
      const r = await threads.run(file, snapshot, deps.limits).catch(() => null);
      if (r?.kind === 'verified') return r.passed ? finishVerification(r.bytes, r.v, deps) : r.v;
    }
    return verifyPackage(file, deps, { crcLane, ...(opts.signal ? { signal: opts.signal } : {}) });
  };
  const out: Verification[] = [];
  const ahead: Promise<Verification>[] = [];
  let next = 0;
  const fill = () => {
    while (next < files.length && ahead.length < 8) {
      const p = one(files[next++]!);
      p.catch(() => {});
      ahead.push(p);
    }
  };
  fill();
  while (ahead.length) {
    throwIfCancelled(opts.signal);
    out.push(await ahead.shift()!);
    fill();
  }
  return out;
}
