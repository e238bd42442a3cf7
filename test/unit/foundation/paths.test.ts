import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../../src/core/paths';

describe('data directory', () => {
  const base = { env: {}, platform: 'linux' as const, home: '/home/an' };
  it('prefers --data-dir, then CFC_DATA_DIR, then the user-data folder', () => {
    expect(resolveDataDir({ ...base, flag: '/a', env: { CFC_DATA_DIR: '/b' } })).toBe(path.resolve('/a'));
    expect(resolveDataDir({ ...base, env: { CFC_DATA_DIR: '/b' } })).toBe(path.resolve('/b'));
    expect(resolveDataDir(base)).toBe('/home/an/.config/child-friendly-commune');
    expect(resolveDataDir({ ...base, env: { XDG_CONFIG_HOME: '/x' } })).toBe('/x/child-friendly-commune');
  });
  it("matches Electron's userData on Windows and macOS", () => {
    expect(resolveDataDir({ env: { APPDATA: 'C:\\Users\\an\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\an' })).toContain(
      'child-friendly-commune',
    );
    expect(resolveDataDir({ env: {}, platform: 'darwin', home: '/Users/an' })).toBe(
      '/Users/an/Library/Application Support/child-friendly-commune',
    );
  });
});
