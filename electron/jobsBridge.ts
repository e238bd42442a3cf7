/**
 * The jobs' half of the bridge (src/api/jobs.ts): run a contract call as a job, cancel it, follow its progress. Types,
 * channel names and the preload's side only (ipcRenderer is passed in): the main process's side is electron/jobs.ts.
 */
import type { IpcRenderer } from 'electron';
import type { UiCallName } from '../src/api/contract';
import type { CallResult } from '../src/api/errors';
import type { JobEvent } from '../src/api/jobs';

export const JOB_CALL_CHANNEL = 'cfc-jobs:call';
export const JOB_CANCEL_CHANNEL = 'cfc-jobs:cancel';
export const JOB_PROGRESS_CHANNEL = 'cfc-jobs:progress';

export interface CfcJobsBridge {
  /** The same as `call`, run as the job `job` (a UUID the page makes): its progress is pushed, it can be cancelled. */
  callJob(name: UiCallName, input: unknown, job: string): Promise<CallResult<unknown>>;
  /** Cancels the job (an unknown or finished one: nothing happens). */
  cancelJob(job: string): Promise<void>;
  /** Every job's progress, until the returned function is called. */
  onJobProgress(listener: (e: JobEvent) => void): () => void;
}

export function jobsBridge(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>, known: ReadonlySet<string>): CfcJobsBridge {
  return {
    async callJob(name, input, job) {
      if (typeof name !== 'string' || !known.has(name)) {
        return { ok: false, error: { code: 'unknown_call', message: { vi: `Không có lệnh gọi "${String(name)}".`, en: `There is no call named "${String(name)}".` } } };
      }
      try {
        return (await ipc.invoke(JOB_CALL_CHANNEL, name, input, job)) as CallResult<unknown>;
      } catch {
        return { ok: false, error: { code: 'invalid_input', message: { vi: 'Dữ liệu gửi đi không hợp lệ hoặc ứng dụng không phản hồi.', en: 'The input could not be sent, or the app did not answer.' } } };
      }
    },
    async cancelJob(job) {
      await ipc.invoke(JOB_CANCEL_CHANNEL, job).catch(() => undefined);
    },
    onJobProgress(listener) {
      const f = (_event: unknown, e: JobEvent) => listener(e);
      ipc.on(JOB_PROGRESS_CHANNEL, f);
      return () => void ipc.removeListener(JOB_PROGRESS_CHANNEL, f);
    },
  };
}
