/**
 * Jobs: long calls (import, export, reports, backups, uploads) that report progress and can be cancelled. A call
 * becomes a job when its transport gives it a job id (metadata beside the call, never a field of its input): the
 * handler's context then carries the job's AbortSignal and a `progress(p)` whose events are tagged with that id; the
 * transport's `cancel(id)` aborts the signal; the core honours it (undoes what it began, throws `cancelled`).
 *
 * One registry per service (src/api/service.ts) and one per host (src/api/host/host.ts, for uploads it streams
 * itself): the same few functions, so every shell — Electron's IPC, browser mode's HTTP, the CLI — works one way.
 */
import { cancelledError } from '../core/cancel';
import type { Progress } from './context';
import { toApiError, type ApiErrorShape } from './errors';

/** One progress event: the call it belongs to, the job id its transport gave (null for a call run without one). */
export interface JobEvent {
  job: string | null;
  call: string;
  progress: Progress;
}

export type JobListener = (e: JobEvent) => void;

/** What a transport sees of the jobs: follow their progress, cancel one. */
export interface Jobs {
  /** Aborts the job's signal. An unknown or finished job: nothing happens. */
  cancel(id: string): void;
  /** Every progress event, until the returned function is called. */
  subscribe(listener: JobListener): () => void;
}

/** The jobs of a service in this process: also when one ends. */
export interface LocalJobs extends Jobs {
  /** Settles when the job has ended (at once when no job of that id is running): wait for this, never for time. */
  ended(id: string): Promise<void>;
}

/** A job id as a transport may give it: short, plain (a UUID from the page or the CLI). */
export const JOB_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function isJobId(x: unknown): x is string {
  return typeof x === 'string' && JOB_ID.test(x);
}

/** The contract's shape of `cancelled` (core/cancel.ts), for transports that cancel before the core is reached. */
export const cancelledShape: ApiErrorShape = toApiError(cancelledError())!;

/**
 * Drops events that say nothing new: within one item, at most one event per 1/200 of its size (or per MiB when the
 * size is unknown), always the first and the last. Deterministic (bytes, not time), and it keeps the order.
 */
export function progressThrottle(emit: (p: Progress) => void): (p: Progress) => void {
  let last: Progress | null = null;
  return (p) => {
    const step = p.size > 0 ? Math.max(1, Math.floor(p.size / 200)) : 1024 * 1024;
    const fresh = !last || last.index !== p.index || last.total !== p.total || last.label !== p.label;
    if (!fresh && p.bytes !== p.size && p.bytes - last!.bytes < step) return;
    last = p;
    emit(p);
  };
}

export interface RunningJob {
  signal: AbortSignal;
  /** Progress of this job, throttled, tagged with its id. */
  progress(p: Progress): void;
  /** The job has ended: it leaves the registry (a later cancel is harmless). */
  end(): void;
}

/**
 * The jobs running in one service or host. `begin(id, call)` registers one; `cancel(id)` aborts it. A cancel that
 * arrives before its call (over HTTP the two are separate requests) is remembered for a while, so the call starts
 * cancelled instead of running to the end.
 */
export class JobRegistry implements LocalJobs {
  private readonly running = new Map<string, AbortController>();
  private readonly enders = new Map<AbortController, (() => void)[]>();
  private readonly early = new Set<string>();
  private readonly listeners = new Set<JobListener>();

  constructor(private readonly forward?: JobListener) {}

  begin(id: string | null, call: string): RunningJob {
    const controller = new AbortController();
    if (id !== null) {
      if (this.early.delete(id)) controller.abort();
      this.running.set(id, controller);
    }
    const progress = progressThrottle((p) => this.emit({ job: id, call, progress: p }));
    return {
      signal: controller.signal,
      progress,
      end: () => {
        if (id !== null && this.running.get(id) === controller) this.running.delete(id);
        for (const f of this.enders.get(controller) ?? []) f();
        this.enders.delete(controller);
      },
    };
  }

  emit(e: JobEvent): void {
    this.forward?.(e);
    for (const l of this.listeners) l(e);
  }

  has(id: string): boolean {
    return this.running.has(id);
  }

  cancel(id: string): boolean {
    const c = this.running.get(id);
    if (c) {
      c.abort();
      return true;
    }
    if (isJobId(id)) {
      this.early.add(id);
      // Remembered for the next few jobs only: an id nobody uses does not stay for ever.
      if (this.early.size > 256) this.early.delete(this.early.values().next().value!);
    }
    return false;
  }

  ended(id: string): Promise<void> {
    const c = this.running.get(id);
    if (!c) return Promise.resolve();
    return new Promise((resolve) => this.enders.set(c, [...(this.enders.get(c) ?? []), resolve]));
  }

  subscribe(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * A byte stream counted as it passes, for uploads: `onBytes(total so far)` after each chunk; stops with `cancelled`
 * when the signal is aborted (the staging area then removes what it had written).
 */
export async function* metered(source: AsyncIterable<unknown>, onBytes: (n: number) => void, signal: AbortSignal): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of source) {
    if (signal.aborted) throw cancelledError();
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    n += b.length;
    yield b;
    onBytes(n);
  }
}
