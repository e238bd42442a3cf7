/// <reference types="vite/client" />
import type { StagedFile } from '../../api/calls/evidence';
import type { CallResult } from '../../api/errors';

declare global {
  interface Window {
    /** The Electron preload's bridge (absent in browser mode). It accepts only the contract's call names. */
    cfc?: {
      call(name: string, input: unknown): Promise<CallResult<unknown>>;
      /** Streams a dropped or picked file into the core's staging area (Electron). */
      stage?(file: File): Promise<CallResult<StagedFile>>;
      version?: string;
    };
  }
}
