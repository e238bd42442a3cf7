/**
 * Jobs over IPC (src/api/jobs.ts), the main process's side: `cfc-jobs:call` runs a UI contract call as a job (the job
 * id beside the input, never in it), `cfc-jobs:cancel` cancels one, and every job's progress is pushed to the app
 * window on `cfc-jobs:progress`. Same sender check as the contract's channels (electron/ipc.ts).
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { ErrorCodes, type CallResult } from '../src/api/errors';
import { isJobId, type Jobs } from '../src/api/jobs';
import type { Service } from '../src/api/service';
import { JOB_CALL_CHANNEL, JOB_CANCEL_CHANNEL, JOB_PROGRESS_CHANNEL } from './jobsBridge';

export interface JobsOptions {
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>;
  service: Pick<Service, 'dispatch'> & { jobs: Jobs };
  trustedContents: () => WebContents | null;
  isTrusted(event: IpcMainInvokeEvent): boolean;
  log?: (message: string) => void;
}

const refused = (vi: string, en: string): CallResult<never> => ({ ok: false, error: { code: ErrorCodes.unauthorized, message: { vi, en } } });

export function bindJobs(opts: JobsOptions): () => void {
  opts.ipc.handle(JOB_CALL_CHANNEL, async (event, name: unknown, input: unknown, job: unknown): Promise<CallResult<unknown>> => {
    if (!opts.isTrusted(event)) {
      opts.log?.(`IPC ${JOB_CALL_CHANNEL} refused`);
      return refused('Lệnh gọi bị từ chối: không đến từ cửa sổ của ứng dụng.', 'Call refused: it did not come from the app window.');
    }
    if (!isJobId(job)) {
      return { ok: false, error: { code: ErrorCodes.invalidInput, field: 'job', message: { vi: 'Mã công việc không hợp lệ.', en: 'The job id is malformed.' } } };
    }
    return opts.service.dispatch(name, input, 'ui', job);
  });
  opts.ipc.handle(JOB_CANCEL_CHANNEL, (event, job: unknown) => {
    if (opts.isTrusted(event) && isJobId(job)) opts.service.jobs.cancel(job);
  });
  const unsubscribe = opts.service.jobs.subscribe((e) => {
    const contents = opts.trustedContents();
    if (e.job !== null && contents && !contents.isDestroyed()) contents.send(JOB_PROGRESS_CHANNEL, e);
  });
  return () => {
    unsubscribe();
    opts.ipc.removeHandler(JOB_CALL_CHANNEL);
    opts.ipc.removeHandler(JOB_CANCEL_CHANNEL);
  };
}
