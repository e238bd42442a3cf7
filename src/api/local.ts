/**
 * The service for a shell on this machine that speaks the local contract (the CLI): the data folder found by the one
 * rule the desktop app follows too (`--data-dir`, else CFC_DATA_DIR, else the app's user-data folder), the resources
 * folder as the entry point passed it in. The CLI imports this module (on its first call) and src/api/errors, nothing
 * of the core.
 */
import { resolveDataDir, type DataDirSources } from '../core/paths';
import { createService, type Service, type ServiceOptions } from './service';

export interface LocalServiceOptions extends Omit<ServiceOptions, 'dataDir' | 'mode'> {
  /** Where the data folder is looked for: the `--data-dir` flag, the environment, the platform and home folder. */
  dataDir: DataDirSources;
}

export function createLocalService(opts: LocalServiceOptions): Service {
  const { dataDir, ...rest } = opts;
  return createService({ ...rest, dataDir: resolveDataDir(dataDir), mode: 'cli' });
}
