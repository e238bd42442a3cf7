/// <reference types="vite/client" />
import type { StagedFile } from '../../api/calls/evidence';
import type { CallResult } from '../../api/errors';
import type { JobEvent } from '../../api/client';
import type { UiCallName } from '../../api/contract';

declare global {
  interface Window {
    /** The Electron preload's bridge (absent in browser mode). It accepts only the contract's call names. */
    cfc?: {
      call(name: string, input: unknown): Promise<CallResult<unknown>>;
      /** Streams a dropped or picked file into the core's staging area (Electron); with a job id, as a job. */
      stage?(file: File, job?: string): Promise<CallResult<StagedFile>>;
      version?: string;
      /** Jobs (electron/jobsBridge.ts): a call as a job, its cancel, every job's progress. */
      callJob(name: UiCallName, input: unknown, job: string): Promise<CallResult<unknown>>;
      cancelJob(job: string): Promise<void>;
      onJobProgress(listener: (e: JobEvent) => void): () => void;
      /** "Save as…" (electron/saveAs.ts): the OS save dialog, then the call writes there; `cancelled` when closed. */
      saveAs?(call: UiCallName, input: unknown, suggestedName?: string, job?: string): Promise<CallResult<unknown>>;
    };
  }
}
