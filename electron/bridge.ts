/**
 * The shape of what the preload exposes to the page as `window.cfc`, and the IPC channel names. Types and constants
 * only: no import of 'electron', so the renderer may import the type (`import type { CfcBridge } from
 * '../../electron/bridge'`) to declare `window.cfc`.
 */
import type { UiCallName } from '../src/api/contract';
import type { CallResult } from '../src/api/errors';
import type { CfcJobsBridge } from './jobsBridge';

/** `window.cfc`: the UI contract's transport over IPC, and nothing else. */
export interface CfcBridge extends CfcJobsBridge {
  /**
   * Sends one contract call to the main process. Never rejects for a known name: failures come back as
   * `{ ok: false, error }` (an unknown name comes back as `unknown_call` without reaching the main process).
   * It fits `Transport` from src/api/client, so `createClient(window.cfc.call)` is the renderer's client.
   */
  call(name: UiCallName, input: unknown): Promise<CallResult<unknown>>;
  /**
   * Streams a dropped or picked file into the core's staging area (read from disk by the main process, never whole in
   * the page); `evidence.attach` then attaches it.
   */
  stage(file: File, job?: string): Promise<CallResult<{ stagedId: string; sha256: string; size: number }>>;
  /**
   * "Save as…": the OS save dialog in the main process, then the call, which writes where the user chose (electron/saveAs.ts).
   * The page never sees the path; it gets the call's result, or `cancelled`.
   */
  saveAs(call: UiCallName, input: unknown, suggestedName?: string, job?: string): Promise<CallResult<unknown>>;
  /** The app's version (package.json), fixed at build time. */
  readonly version: string;
}

/** The one channel outside the contract's entries: file staging (electron/files.ts). */
export const STAGE_CHANNEL = 'cfc-files:stage';

/** "Save as…" (electron/saveAs.ts). */
export const SAVE_AS_CHANNEL = 'cfc-files:saveAs';

/** The global name the bridge is exposed under. */
export const BRIDGE_KEY = 'cfc';

/** Every contract entry has its own channel, `cfc:<name>`, bound with `ipcMain.handle`. */
export const CHANNEL_PREFIX = 'cfc:';

export function channelFor(name: string): string {
  return CHANNEL_PREFIX + name;
}
