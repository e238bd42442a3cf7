import type { Secrets } from '../core/packages/keys';
import type { Store } from '../core/store/db';
import type { UnitCatalogue } from '../core/units/catalogue';
import type { UnitEditions } from '../core/units/editions';
import type { JobRegistry } from './jobs';
import type { SaveTokens } from './saveTokens';

/** What every handler may use. Built once per service; the core gets paths and a clock, never globals. */
export interface ServiceContext {
  /** The store, opened (and migrated) on first use, so calls that only read files or validate input write nothing. */
  store(): Promise<Store>;
  /** The current catalogue edition (the newest): the default for everything new. */
  readonly units: UnitCatalogue;
  /** Every catalogue edition (built-in and loaded), the mappings between them; a unit is `(edition, code)`. */
  readonly editions: UnitEditions;
  /** After `units.load`: the editions with the newly loaded one. */
  setEditions(editions: UnitEditions): void;
  dataDir: string;
  resourcesDir: string;
  mode: 'electron' | 'browser' | 'cli' | 'test';
  app: { name: string; productName: string; version: string };
  /** "Save as…" targets chosen in the shell's dialog, by opaque one-time token (src/api/saveTokens.ts). */
  saveTokens: SaveTokens;
  /** The clock, as an ISO 8601 string. */
  now(): string;
  /** The OS secret store for signing keys (Electron's safeStorage); absent: keys are sealed with a passphrase. */
  secrets?: Secrets | undefined;
  /**
   * The running call as a job (src/api/jobs.ts): its signal, aborted by the transport's cancel for the call's job id
   * (never aborted for a call run without one), and its progress, sent to the shell tagged with that id. Pass both
   * into the core (`signal`, `onProgress`); the core undoes what it began and throws `cancelled` when aborted.
   */
  readonly signal: AbortSignal;
  progress(p: Progress): void;
  /** The service's job registry (stable across calls: a key for per-service state such as the backup jobs). */
  readonly jobs: JobRegistry;
  /**
   * Runs `f` with the store closed (a restore swaps the database file): calls that need the store wait, calls already
   * running finish first (`insideCall`: the caller is itself a running call), and the store reopens on next use.
   */
  exclusive<T>(f: () => Promise<T>, opts?: { insideCall?: boolean }): Promise<T>;
}

export interface Progress {
  /** Items done, and how many in all. */
  index: number;
  total: number;
  /** What is being worked on (a file). */
  label: string;
  /** Bytes done of `size`: of the current item (an import) or of the whole job (a backup, an export). */
  bytes: number;
  size: number;
}
