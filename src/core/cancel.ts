/**
 * Cancelling long work (a job: import, export, report, backup). The shell's Cancel aborts an AbortSignal that reaches
 * the core in the call's options; the core checks it between chunks and items, undoes what it began (as a rejected
 * input does: nothing left in the store or the folders) and throws this error, which the contract returns as
 * `cancelled`.
 */
import { CfcError } from './errors';

export const CANCELLED = 'cancelled';

export function cancelledError(): CfcError {
  return new CfcError(CANCELLED, { vi: 'Đã hủy theo yêu cầu của người dùng.', en: 'Cancelled at the user’s request.' });
}

/** Throws `cancelled` if the signal has been aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

export function isCancelled(e: unknown): boolean {
  return e instanceof CfcError && e.code === CANCELLED;
}
