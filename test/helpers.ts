import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createService, type Service } from '../src/api/service';
import { routeStream } from '../src/api/fileRoute';
import { checkoutResourcesDir } from '../src/server/resources';

export const repoRoot = path.resolve(__dirname, '..');

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'cfc-test-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A service over a temp data directory, with a fixed clock. */
export function testService(dataDir: string, now = new Date('2026-03-15T08:00:00.000Z')): Service {
  return createService({ dataDir, resourcesDir: checkoutResourcesDir, mode: 'test', now: () => now });
}

/**
 * Hashes every file under a folder (path → sha256), to prove that a rejected operation wrote nothing. SQLite's `-shm`
 * file is left out: it is the WAL's shared-memory index, which readers update too; every write shows in the database
 * file or in its `-wal` file.
 */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('-shm')) continue;
      else out[path.relative(dir, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/**
 * The bytes the file route serves for an evidence file (a workspace's, a team's, or a package's by its preview id,
 * `packageEvidenceId`): the stored file, or its range inside the stored package that carries it.
 */
export async function servedEvidence(files: Pick<Service['files'], 'evidence'>, evidenceId: string): Promise<Buffer> {
  const r = await files.evidence(evidenceId);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message.en}`);
  return Buffer.concat(await routeStream({ path: r.value.path, range: { start: r.value.start, length: r.value.size } }).toArray());
}
