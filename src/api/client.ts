import type { Progress } from './context';
import type { UiCallInput, UiCallName, UiCallOutput } from './contract';
import { ApiCallError, type CallResult } from './errors';
import type { JobEvent } from './jobs';

export type { JobEvent, Progress };

/** How a call travels: IPC in Electron, HTTP in browser mode, a direct call in tests. The UI contract only. */
export type Transport = (name: UiCallName, input: unknown) => Promise<CallResult<unknown>>;

/** How jobs travel (src/api/jobs.ts): a call with its job id beside the input, the cancel, the progress events. */
export interface JobTransport {
  call(name: UiCallName, input: unknown, job: string): Promise<CallResult<unknown>>;
  cancel(job: string): Promise<void>;
  /** Every job's progress; resolves once the events of jobs started from now on will all be seen. */
  subscribe(listener: (e: JobEvent) => void): Promise<() => void>;
}

/** A call running as a job: its result (rejects with ApiCallError, `cancelled` when cancelled), and its cancel. */
export interface RunningJob<T> {
  id: string;
  result: Promise<T>;
  cancel(): void;
}

export interface Client {
  call<N extends UiCallName>(name: N, input: UiCallInput<N>): Promise<UiCallOutput<N>>;
  /** The one way to run a long call: its progress to `onProgress`, `cancel()` stops it. */
  job<N extends UiCallName>(name: N, input: UiCallInput<N>, opts?: { onProgress?: (p: Progress) => void }): RunningJob<UiCallOutput<N>>;
  /**
   * Runs `start(jobId)` (an upload, a background backup) as the job `jobId`: the same progress and cancel for work that
   * is not one contract call.
   */
  track<T>(start: (jobId: string) => Promise<T>, opts?: { onProgress?: (p: Progress) => void; id?: string }): RunningJob<T>;
}

/** A fresh job id (a UUID: the page runs in a secure context in both shells). */
export function newJobId(): string {
  return crypto.randomUUID();
}

/** The renderer's one typed client; it throws ApiCallError with the typed error when a call fails. */
export function createClient(transport: Transport, jobs?: JobTransport): Client {
  const track: Client['track'] = (start, opts = {}) => {
    const id = opts.id ?? newJobId();
    const result = (async () => {
      const stop = jobs ? await jobs.subscribe((e) => e.job === id && opts.onProgress?.(e.progress)) : () => {};
      try {
        return await start(id);
      } finally {
        stop();
      }
    })();
    return { id, result, cancel: () => void jobs?.cancel(id) };
  };
  return {
    async call(name, input) {
      const result = await transport(name, input);
      if (!result.ok) throw new ApiCallError(result.error);
      return result.value as never;
    },
    job(name, input, opts = {}) {
      return track(async (id) => {
        const r = jobs ? await jobs.call(name, input, id) : await transport(name, input);
        if (!r.ok) throw new ApiCallError(r.error);
        return r.value as never;
      }, opts);
    },
    track,
  };
}
