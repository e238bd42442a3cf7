import path from 'node:path';

/** The folder name of the app's user data, the same one Electron's main process uses. */
export const APP_DIR_NAME = 'child-friendly-commune';

export interface DataDirSources {
  /** `--data-dir` from the command line, if given. */
  flag?: string | undefined;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
}

/**
 * Where the data lives: `--data-dir`, else `CFC_DATA_DIR`, else the app's user-data folder, which is where Electron's
 * `app.getPath('userData')` points for this app (so the desktop app and the CLI share one store).
 */
export function resolveDataDir(src: DataDirSources): string {
  if (src.flag) return path.resolve(src.flag);
  const fromEnv = src.env['CFC_DATA_DIR'];
  if (fromEnv) return path.resolve(fromEnv);
  return path.join(appDataDir(src), APP_DIR_NAME);
}

/** Electron's `appData` for each platform. */
export function appDataDir(src: Pick<DataDirSources, 'env' | 'platform' | 'home'>): string {
  switch (src.platform) {
    case 'win32':
      return src.env['APPDATA'] ?? path.join(src.home, 'AppData', 'Roaming');
    case 'darwin':
      return path.join(src.home, 'Library', 'Application Support');
    default:
      return src.env['XDG_CONFIG_HOME'] ?? path.join(src.home, '.config');
  }
}

export function databasePath(dataDir: string): string {
  return path.join(dataDir, 'cfc.sqlite');
}
