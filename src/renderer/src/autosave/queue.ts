import type { ApiErrorShape } from '../../../api/errors';
import { readLocalCopies, removeLocalCopy, writeLocalCopy, type KeyValue, type LocalCopy } from './localCopies';
import type { AutosaveOptions, AutosaveSnapshot, AutosaveStatus, Clock, FlushResult, Rejection } from './types';

export { PENDING_PREFIX, type KeyValue, type LocalCopy } from './localCopies';
export type { AutosaveOptions, AutosaveSnapshot, AutosaveStatus, Clock, FlushResult, Rejection } from './types';

/**
 * The one autosave of the app (workspace and review screen): edits of named fields go to the core one at a time, the
 * last edit of a field wins, a copy of each edit stays in local storage until the core has stored it, transient
 * failures (offline) are retried with backoff, and `flush()` resolves only when every edit typed so far is stored or
 * definitively refused. Nothing here touches the DOM or React (the hook in `useAutosave.ts` binds it to a page), so it
 * is unit-tested in Node with a fake clock and a fake storage.
 *
 * Per field:
 *  1. `edit(key, payload)` bumps the field's version, writes the local copy and (re)starts the field's debounce timer;
 *     `edit(key, payload, { now: true })` skips the wait.
 *  2. When the timer fires (or on `flush()`), the field joins the serial queue once; the payload sent is the field's
 *     latest at the moment it is sent, so a later edit supersedes an unsent earlier one.
 *  3. A success removes the local copy only if no newer edit was typed meanwhile (an older answer never erases a newer
 *     edit); the answer goes to `onStored` listeners with `latest` saying whether it is the field's newest.
 *  4. A transient failure (see `isTransient`) keeps the edit, pauses the queue and retries after 0.5 s, 1 s, 2 s … (at
 *     most `retryMs.max`); a newer edit of the same field is what the retry sends.
 *  5. Any other failure of the newest edit is a refusal: kept (in memory and in the local copy, marked refused) and
 *     reported to `onRejected` listeners and in the snapshot, until the page dismisses it. It is never dropped silently.
 */

export const DEBOUNCE_MS = 400;
/** Worth retrying: the transport's `offline`, and a busy or timed-out core. */
const TRANSIENT = new Set(['offline', 'busy', 'timeout']);

interface Field {
  version: number;
  payload: unknown;
  /** An edit typed and not yet handed to `send`. */
  unsent: boolean;
  timer: unknown;
  /** The last local copy written (what `latest()` gives back), until it is stored or discarded. */
  local: LocalCopy | null;
}

type Job = { kind: 'field'; key: string } | { kind: 'task'; run(): Promise<void> };

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class Autosave {
  readonly scope: string;
  private readonly opts: Required<Omit<AutosaveOptions, 'storage'>> & { storage: KeyValue | null };
  private readonly fields = new Map<string, Field>();
  private readonly order: Job[] = [];
  private inflight: { key: string; version: number } | null = null;
  private runningTask = false;
  private pumping = false;
  private retryTimer: unknown = null;
  private attempt = 0;
  private retryState: AutosaveSnapshot['retry'] = null;
  private savedAt: number | null = null;
  private rejections = new Map<string, Rejection>();
  private waiters: (() => void)[] = [];
  private listeners = new Set<() => void>();
  private storedListeners = new Set<(key: string, result: unknown, latest: boolean) => void>();
  private rejectedListeners = new Set<(r: Rejection) => void>();
  private snap: AutosaveSnapshot;

  constructor(options: AutosaveOptions) {
    this.scope = options.scope;
    this.opts = {
      isTransient: (e) => TRANSIENT.has(e.code),
      debounceMs: DEBOUNCE_MS,
      retryMs: { first: 500, max: 15_000 },
      clock: systemClock,
      ...options,
      storage: options.storage ?? null,
    };
    this.snap = this.compute();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Edits

  /** A new value of a field: saved after the debounce (or at once with `now`), superseding any unsent earlier one. */
  edit(key: string, payload: unknown, o: { now?: boolean } = {}): void {
    const f = this.field(key);
    f.version++;
    f.payload = payload;
    f.unsent = true;
    this.rejections.delete(key);
    this.writeLocal(key, f, { payload });
    this.clearTimer(f);
    if (o.now) this.enqueue(key);
    else f.timer = this.opts.clock.setTimeout(() => this.enqueue(key), this.opts.debounceMs);
    this.emit();
  }

  /** Something typed that cannot be saved yet: kept locally, and any unsent earlier edit of the field is withdrawn. */
  hold(key: string, draft: unknown): void {
    const f = this.field(key);
    f.version++;
    f.unsent = false;
    this.clearTimer(f);
    this.rejections.delete(key);
    this.writeLocal(key, f, { draft });
    this.emit();
  }

  /** Forgets the field's unsent edit, its refusal and its local copy (the input is back to what is stored). */
  discard(key: string): void {
    const f = this.fields.get(key);
    if (f) {
      f.version++;
      f.unsent = false;
      f.local = null;
      this.clearTimer(f);
    }
    this.rejections.delete(key);
    this.removeLocal(key);
    this.emit();
  }

  /** Records a refusal decided by the page (e.g. a local copy of a revision that is now read-only). */
  reject(key: string, payload: unknown, error: ApiErrorShape): void {
    const f = this.field(key);
    f.version++;
    f.unsent = false;
    f.payload = payload;
    this.clearTimer(f);
    this.refuse(key, f, payload, error);
    this.emit();
  }

  /** The field's last edit not yet stored (to refill an input that was unmounted), or undefined. */
  latest(key: string): LocalCopy | undefined {
    return this.fields.get(key)?.local ?? undefined;
  }

  /** Runs a one-off call in the same serial queue (after the saves queued before it); its error is the caller's. */
  run<T>(call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.order.push({
        kind: 'task',
        run: async () => {
          try {
            resolve(await call());
          } catch (e) {
            reject(e as Error);
          }
        },
      });
      this.emit();
      this.pump();
    });
  }

  /**
   * Sends every waiting edit now and resolves when each is stored or refused (a transient failure keeps it waiting and
   * retried, so an offline flush resolves once the connection is back).
   */
  flush(): Promise<FlushResult> {
    for (const [key, f] of this.fields) {
      if (f.timer !== null) this.enqueue(key);
    }
    if (this.retryTimer !== null) {
      // Flushing is "now": do not sit out the backoff.
      this.opts.clock.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.pump();
    }
    return new Promise<FlushResult>((resolve) => {
      const done = () =>
        resolve({
          ok: this.rejections.size === 0,
          rejected: [...this.rejections.values()],
          held: [...this.fields].filter(([, f]) => f.local?.draft !== undefined && f.local.payload === undefined).map(([k]) => k),
        });
      if (this.settled()) done();
      else this.waiters.push(done);
    });
  }

  /** Retries a transient failure now instead of after its backoff. */
  retryNow(): void {
    if (this.retryTimer === null) return;
    this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.pump();
  }

  /** True while an edit is waiting, queued or in flight. */
  busy(): boolean {
    return !this.settled();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Local copies

  /**
   * The local copies left by an earlier session (a reload, a crash) for fields this store does not hold yet: the page
   * compares each with what is stored and then calls `edit(…, { now: true })`, `hold`, `reject` or `discard`.
   */
  restore(): Map<string, LocalCopy> {
    return readLocalCopies(this.opts.storage, this.scope, (key) => this.fields.has(key));
  }

  // ------------------------------------------------------------------------------------------------------------
  // Observing

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): AutosaveSnapshot => this.snap;

  onStored(listener: (key: string, result: unknown, latest: boolean) => void): () => void {
    this.storedListeners.add(listener);
    return () => this.storedListeners.delete(listener);
  }

  onRejected(listener: (r: Rejection) => void): () => void {
    this.rejectedListeners.add(listener);
    return () => this.rejectedListeners.delete(listener);
  }

  // ------------------------------------------------------------------------------------------------------------
  // The queue

  private field(key: string): Field {
    let f = this.fields.get(key);
    if (!f) {
      f = { version: 0, payload: undefined, unsent: false, timer: null, local: null };
      this.fields.set(key, f);
    }
    return f;
  }

  private clearTimer(f: Field): void {
    if (f.timer !== null) this.opts.clock.clearTimeout(f.timer);
    f.timer = null;
  }

  private enqueue(key: string): void {
    const f = this.field(key);
    this.clearTimer(f);
    if (!this.order.some((j) => j.kind === 'field' && j.key === key)) this.order.push({ kind: 'field', key });
    this.emit();
    this.pump();
  }

  private settled(): boolean {
    if (this.inflight || this.runningTask || this.order.length > 0) return false;
    for (const f of this.fields.values()) if (f.unsent) return false;
    return true;
  }

  private pump(): void {
    if (this.pumping || this.retryTimer !== null) return;
    this.pumping = true;
    void this.drain().finally(() => {
      this.pumping = false;
      this.emit();
      if (this.settled()) {
        const w = this.waiters;
        this.waiters = [];
        w.forEach((fn) => fn());
      } else if (this.retryTimer === null && this.order.length > 0) {
        // Work queued while the last call was finishing.
        this.pump();
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.order.length > 0) {
      const job = this.order.shift()!;
      if (job.kind === 'task') {
        this.runningTask = true;
        this.emit();
        try {
          await job.run();
        } finally {
          this.runningTask = false;
        }
        continue;
      }
      const { key } = job;
      const f = this.fields.get(key);
      if (!f || !f.unsent) continue; // superseded by a hold or a discard
      const version = f.version;
      const payload = f.payload;
      f.unsent = false;
      this.inflight = { key, version };
      this.emit();
      let result: unknown;
      try {
        result = await this.opts.send(key, payload);
      } catch (e) {
        this.inflight = null;
        const error = this.opts.errorOf(e);
        if (this.opts.isTransient(error)) {
          // Keep it (or the newer edit typed since), first in line, and wait before trying again.
          if (f.version === version) f.unsent = true;
          if (f.unsent) {
            this.clearTimer(f);
            const again = this.order.findIndex((j) => j.kind === 'field' && j.key === key);
            if (again >= 0) this.order.splice(again, 1);
            this.order.unshift({ kind: 'field', key });
            const at = this.opts.clock.now() + this.backoff();
            // `attempt`: how many tries in a row have failed.
            this.retryState = { attempt: this.attempt, at, error };
            this.retryTimer = this.opts.clock.setTimeout(() => {
              this.retryTimer = null;
              this.pump();
            }, at - this.opts.clock.now());
            return;
          }
          continue;
        }
        this.attempt = 0;
        this.retryState = null;
        // Refused. If a newer edit was typed meanwhile, that one is what counts: it is sent in its turn.
        if (f.version === version) this.refuse(key, f, payload, error);
        continue;
      }
      this.inflight = null;
      this.attempt = 0;
      this.retryState = null;
      this.savedAt = this.opts.clock.now();
      const latest = f.version === version;
      if (latest) {
        f.local = null;
        this.removeLocal(key);
      }
      this.storedListeners.forEach((l) => l(key, result, latest));
    }
  }

  private backoff(): number {
    const { first, max } = this.opts.retryMs;
    const ms = Math.min(max, first * 2 ** this.attempt);
    this.attempt++;
    return ms;
  }

  private refuse(key: string, f: Field, payload: unknown, error: ApiErrorShape): void {
    const r: Rejection = { key, payload, error, at: this.opts.clock.now() };
    this.rejections.set(key, r);
    this.writeLocal(key, f, { payload, rejected: error });
    this.rejectedListeners.forEach((l) => l(r));
  }

  private writeLocal(key: string, f: Field, copy: Omit<LocalCopy, 'at'>): void {
    f.local = { at: new Date(this.opts.clock.now()).toISOString(), ...copy };
    writeLocalCopy(this.opts.storage, this.scope, key, f.local);
  }

  private removeLocal(key: string): void {
    removeLocalCopy(this.opts.storage, this.scope, key);
  }

  private compute(): AutosaveSnapshot {
    let pending = 0;
    for (const [key, f] of this.fields) if (f.unsent || this.inflight?.key === key) pending++;
    const rejected = [...this.rejections.values()];
    const status: AutosaveStatus = this.retryState
      ? 'retrying'
      : pending > 0 || this.runningTask
        ? 'saving'
        : rejected.length > 0
          ? 'refused'
          : this.savedAt !== null
            ? 'saved'
            : 'idle';
    return { status, pending, savedAt: this.savedAt, retry: this.retryState, rejected };
  }

  private emit(): void {
    const n = this.compute();
    const o = this.snap;
    if (
      n.status === o.status &&
      n.pending === o.pending &&
      n.savedAt === o.savedAt &&
      n.retry === o.retry &&
      n.rejected.length === o.rejected.length &&
      n.rejected.every((r, i) => r === o.rejected[i])
    )
      return;
    this.snap = n;
    this.listeners.forEach((l) => l());
  }
}
