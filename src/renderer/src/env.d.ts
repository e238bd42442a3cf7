/// <reference types="vite/client" />
import type { CallResult } from '../../api/errors';

declare global {
  interface Window {
    /** The Electron preload's bridge (absent in browser mode). It accepts only the contract's call names. */
    cfc?: { call(name: string, input: unknown): Promise<CallResult<unknown>>; version?: string };
  }
}
