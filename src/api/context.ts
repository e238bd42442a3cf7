import type { Store } from '../core/store/db';
import type { UnitCatalogue } from '../core/units/catalogue';

/** What every handler may use. Built once per service; the core gets paths and a clock, never globals. */
export interface ServiceContext {
  /** The store, opened (and migrated) on first use, so calls that only read files or validate input write nothing. */
  store(): Promise<Store>;
  units: UnitCatalogue;
  dataDir: string;
  resourcesDir: string;
  mode: 'electron' | 'browser' | 'cli' | 'test';
  app: { name: string; productName: string; version: string };
  /** The clock, as an ISO 8601 string. */
  now(): string;
}
