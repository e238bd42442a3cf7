import { useCallback, useEffect, useRef, useState } from 'react';
import type { StagedFile } from '../../../api/calls/evidence';
import type { Progress, RunningJob } from '../../../api/client';
import type { UiCallInput, UiCallName, UiCallOutput } from '../../../api/contract';
import { api, errorOf } from '../api';
import { saveCallAs, stageFile } from '../files';

export type JobStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled';

/** What the progress component shows of the screen's current job. */
export interface JobView {
  status: JobStatus;
  /** The call (or `files.stage`, `backup.start`…): says what is being done. */
  call: string | null;
  progress: Progress | null;
  /** A name to show instead of the core's label (an upload's file name, not its staging id). */
  label: string | null;
}

export interface Job {
  view: JobView;
  busy: boolean;
  /** Runs a call as a job; null when it was cancelled (the component then says "Đã hủy"); other failures throw. */
  run<N extends UiCallName>(name: N, input: UiCallInput<N>, opts?: { label?: string }): Promise<UiCallOutput<N> | null>;
  /**
   * The desktop app's Save as… as a job (files.ts `saveCallAs`): the OS dialog, then the call writing there with its
   * progress and Cancel; null when the dialog was closed or the job cancelled.
   */
  saveAs<N extends UiCallName>(name: N, input: Omit<UiCallInput<N>, 'saveToken'>): Promise<UiCallOutput<N> | null>;
  /** Uploads a file as a job (bytes as they reach the core); null when cancelled. */
  stage(file: File): Promise<StagedFile | null>;
  /** Follows work that runs under a job id it already has (a background backup) until `done` settles. */
  follow<T>(call: string, jobId: string, done: Promise<T>): Promise<T | null>;
  cancel(): void;
  reset(): void;
}

const IDLE: JobView = { status: 'idle', call: null, progress: null, label: null };

/**
 * One job at a time per screen (or per part of one): its state for <JobProgress>, and the run/stage/cancel the screen
 * calls. Every job screen uses this one hook with the client's one way to run a job (`api.job` / `api.track`).
 */
export function useJob(): Job {
  const [view, setView] = useState<JobView>(IDLE);
  const current = useRef<RunningJob<unknown> | null>(null);
  const asked = useRef(false);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      // Leaving the screen stops its job: nothing half-done is left running unseen.
      current.current?.cancel();
    };
  }, []);

  const drive = useCallback(async <T,>(call: string, label: string | null, make: (onProgress: (p: Progress) => void) => RunningJob<T>): Promise<T | null> => {
    asked.current = false;
    setView({ status: 'running', call, progress: null, label });
    const job = make((p) => {
      if (alive.current) setView((v) => (v.status === 'running' || v.status === 'cancelling' ? { ...v, progress: p } : v));
    });
    current.current = job;
    try {
      const value = await job.result;
      // Nothing back after Cancel was pressed (a Save as… answers null when cancelled): the job was cancelled.
      if (alive.current) setView((v) => ({ ...v, status: value === null && asked.current ? 'cancelled' : 'done' }));
      return value;
    } catch (e) {
      // Cancelled: the core says so (`cancelled`); an upload stopped by its cancel may only see its stream cut.
      if (errorOf(e).code === 'cancelled' || asked.current) {
        if (alive.current) setView((v) => ({ ...v, status: 'cancelled' }));
        return null;
      }
      if (alive.current) setView(IDLE);
      throw e;
    } finally {
      if (current.current === job) current.current = null;
    }
  }, []);

  const run = useCallback(
    <N extends UiCallName>(name: N, input: UiCallInput<N>, opts: { label?: string } = {}) =>
      drive(name, opts.label ?? null, (onProgress) => api.job(name, input, { onProgress })),
    [drive],
  );
  const saveAs = useCallback(
    <N extends UiCallName>(name: N, input: Omit<UiCallInput<N>, 'saveToken'>) => drive(name, null, (onProgress) => api.track((id) => saveCallAs(name, input, undefined, id), { onProgress })),
    [drive],
  );
  const stage = useCallback(
    (file: File) => drive('files.stage', file.name, (onProgress) => api.track((id) => stageFile(file, undefined, id), { onProgress })),
    [drive],
  );
  const follow = useCallback(<T,>(call: string, jobId: string, done: Promise<T>) => drive(call, null, (onProgress) => api.track(() => done, { onProgress, id: jobId })), [drive]);
  const cancel = useCallback(() => {
    if (!current.current) return;
    asked.current = true;
    setView((v) => (v.status === 'running' ? { ...v, status: 'cancelling' } : v));
    current.current.cancel();
  }, []);
  const reset = useCallback(() => setView(IDLE), []);
  return { view, busy: view.status === 'running' || view.status === 'cancelling', run, saveAs, stage, follow, cancel, reset };
}
