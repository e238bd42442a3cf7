/**
 * The messages between the service host (host.ts, on the shell's main thread) and its worker (worker.ts). Plain,
 * structured-clonable data only: contract calls go as (name, input, surface) and come back as CallResults.
 */
import type { Progress } from '../context';
import type { CallResult } from '../errors';
import type { Surface } from '../contract';

export interface WorkerInit {
  dataDir: string;
  resourcesDir: string;
  mode: 'electron' | 'browser' | 'cli' | 'test';
  /** Present when the shell has an OS secret store: the worker asks for seal/unseal over `secretsBuffer`. */
  secrets: boolean;
  /** Shared with the host for the synchronous secrets channel: [state, length] int32 header, then the bytes. */
  secretsBuffer: SharedArrayBuffer | null;
  now: string | null;
}

export type ToWorker =
  /** `job`: the call runs as a job (src/api/jobs.ts) under this id: its progress is tagged with it, `cancel` aborts it. */
  | { type: 'call'; id: number; name: string; input: unknown; surface: Surface; job?: string }
  | { type: 'cancel'; job: string }
  | { type: 'file'; id: number; op: 'evidence' | 'report' | 'exported'; arg: string }
  | { type: 'save-target'; id: number; call: string; file: string }
  | { type: 'stage-begin'; id: number; name: string; size: number | undefined }
  | { type: 'stage-chunk'; id: number; chunk: Uint8Array }
  | { type: 'stage-end'; id: number; error?: string }
  | { type: 'open'; id: number }
  | { type: 'close'; id: number };

export type FromWorker =
  | { type: 'result'; id: number; result: CallResult<unknown> }
  | { type: 'progress'; call: string; job: string | null; progress: Progress }
  | { type: 'secrets'; op: 'seal' | 'unseal'; data: Uint8Array }
  | { type: 'internal-error'; name: string; message: string };

/** Size of the shared secrets buffer: a sealed key is a few hundred bytes. */
export const SECRETS_BUFFER_BYTES = 64 * 1024;
