import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { throwIfCancelled } from '../cancel';
import type { PackRegistry } from '../criteria/registry';
import type { Bilingual } from '../errors';
import type { Database } from '../store/schema';
import type { UnitEditions } from '../units/editions';
import type { ImportResult } from './commit';
import { EXTENSION, type Limits, type PackageKind } from './format';
import { importStream } from './pipeline';
import type { Reason } from './reasons';
import type { Outcome } from './verify';

export interface ImportDeps {
  db: Kysely<Database>;
  packs: PackRegistry;
  editions: UnitEditions;
  dataDir: string;
  limits?: Partial<Limits>;
}

export type { ImportResult } from './commit';

export interface ImportItem {
  file: string;
  result: ImportResult;
  /** The verifier's outcome (null when the file could not be read at all). */
  outcome: Outcome | null;
  reasons: Reason[];
  /** Why a package was rejected when it is not the package's own fault (unreadable, untrusted not accepted, store error). */
  error: { code: string; message: Bilingual } | null;
  manifestSha256: string | null;
  kind: PackageKind | null;
  assessmentId: string | null;
  revision: number | null;
  unitCode: string | null;
  unitName: string | null;
  year: number | null;
  trustDecision: 'verified' | 'accepted_untrusted' | null;
}

export interface ImportSummary {
  total: number;
  imported: number;
  alreadyPresent: number;
  superseded: number;
  conflicts: number;
  stale: number;
  rejected: number;
}

export interface ImportProgress {
  index: number;
  total: number;
  file: string;
  /** Bytes of this package read so far, and its size. */
  bytes: number;
  size: number;
}

export interface ImportOptions {
  /** An explicit decision to import packages that are `untrusted`: recorded with its reason, who and when. */
  acceptUntrusted?: { reason: string } | null;
  who: { name: string; now: string };
  onProgress?: (p: ImportProgress) => void;
  /** Cancels the import (src/core/cancel.ts): checked between chunks and packages; what was begun is undone. */
  signal?: AbortSignal;
}

/** Folders become the `.cfcpkg` files under them (sorted, recursively); files stay as given. */
export function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.toLowerCase().endsWith(EXTENSION)) out.push(p);
    }
  };
  for (const i of inputs) {
    if (fs.existsSync(i) && fs.statSync(i).isDirectory()) walk(i);
    else out.push(i);
  }
  return out;
}

export { packagesDir, storedPackagePath } from './stored';

/**
 * Imports packages in the order given. Each is read once: a small one into memory (on a verifying thread when the
 * batch is large), verified there and written from there; a large one streamed into its place in the store while
 * every entry's SHA-256 and CRC-32 are computed, then checked from that copy (what is stored is exactly what was
 * verified). Evidence the evidence store lacks is written out from the same bytes as they pass (no second read, no
 * extraction pass). Verified packages are committed in groups: their files flushed to the disk together and renamed
 * into place, then their rows in one transaction (a savepoint per package). A package that fails writes nothing and the
 * batch goes on. `opts.signal`: checked between chunks and packages; the package (and group) in flight is undone —
 * nothing of it stays in the store or the folders — and `cancelled` is thrown; groups committed before stay, as they
 * would after a rejected package.
 *
 * Durable when this returns (and at the end of every group): every stored package and evidence file and its folder
 * entry (flushed before the rows that name it are committed); the rows, committed in SQLite's WAL at the store's
 * `synchronous = NORMAL` — a power cut may undo the last commits, never leave a row without its file (the files of a
 * rolled-back commit are unreferenced and collected a day later; importing again restores them).
 */
export async function importPackages(deps: ImportDeps, inputs: string[], opts: ImportOptions): Promise<{ items: ImportItem[]; summary: ImportSummary }> {
  throwIfCancelled(opts.signal);
  const files = expandInputs(inputs);
  const items = await importStream(deps, files, opts);
  const count = (r: ImportResult) => items.filter((i) => i.result === r).length;
  return {
    items,
    summary: {
      total: items.length,
      imported: count('imported'),
      alreadyPresent: count('already_present'),
      superseded: count('superseded'),
      conflicts: count('conflict'),
      stale: count('stale'),
      rejected: count('rejected'),
    },
  };
}
