import type { ApiErrorShape } from '../../../api/errors';
import type { KeyValue } from './localCopies';

/** The shapes of the autosave (`queue.ts`): its options, what it reports, what a flush answers. */

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Rejection {
  key: string;
  /** The value the user typed, kept. */
  payload: unknown;
  /** Why the core refused it. */
  error: ApiErrorShape;
  at: number;
}

export type AutosaveStatus = 'idle' | 'saving' | 'saved' | 'retrying' | 'refused';

export interface AutosaveSnapshot {
  status: AutosaveStatus;
  /** Fields typed and not yet stored (waiting, queued, in flight or being retried). */
  pending: number;
  /** When the last save succeeded (ms since epoch). */
  savedAt: number | null;
  /** Set while the queue waits to retry after a transient failure. */
  retry: { attempt: number; at: number; error: ApiErrorShape } | null;
  rejected: readonly Rejection[];
}

export interface FlushResult {
  /** True when nothing typed is refused (everything is stored). */
  ok: boolean;
  /** Every refusal not yet dismissed, this flush's and earlier ones. */
  rejected: Rejection[];
  /** Fields holding a draft that cannot be sent (e.g. a numerator without its denominator). */
  held: string[];
}

export interface AutosaveOptions {
  /** Names the local copies: `cfc.pending.<scope>.<key>`. */
  scope: string;
  /** Stores one field; its answer goes to `onStored` listeners. */
  send(key: string, payload: unknown): Promise<unknown>;
  errorOf(e: unknown): ApiErrorShape;
  /** Failures worth retrying: by default `offline` (the transport), `busy` and `timeout`. */
  isTransient?(e: ApiErrorShape): boolean;
  debounceMs?: number;
  retryMs?: { first: number; max: number };
  storage?: KeyValue | null;
  clock?: Clock;
}
