import path from 'node:path';
import { EXTENSION } from './format';

/** Where imported packages are kept: `<data>/packages/<manifest sha256>.cfcpkg`, and `packages/staging/` for imports in flight. */
export function packagesDir(dataDir: string): string {
  return path.join(dataDir, 'packages');
}

/** Where an imported package's original bytes are kept (named by its manifest's SHA-256, its identity). */
export function storedPackagePath(dataDir: string, manifestSha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(manifestSha256)) throw new Error('not a SHA-256');
  return path.join(packagesDir(dataDir), `${manifestSha256}${EXTENSION}`);
}

/**
 * Where an import writes a package's files before they are moved into place: part files (`<uuid>.cfcpkg.part`, and
 * `<uuid>.part` for evidence), flushed and renamed when their group commits, removed when the package is refused or the
 * import cancelled; a crash's leftovers are collected a day later (`collectOrphans`).
 */
export function packageStagingDir(dataDir: string): string {
  return path.join(packagesDir(dataDir), 'staging');
}
