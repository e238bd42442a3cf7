import fs from 'node:fs';
import path from 'node:path';

/** The repository's `resources/` folder, for the shells that run from a checkout (CLI, browser mode, tests). */
export const checkoutResourcesDir = path.resolve(__dirname, '../../resources');

/**
 * The resources folder a shell was given (`--resources`, else `CFC_RESOURCES_DIR`, else the checkout's), or the
 * bilingual reason it is not one: a resources folder holds at least `units/` (the catalogues) and `packs/`.
 */
export function chooseResourcesDir(flag: string | undefined, env: NodeJS.ProcessEnv): { dir: string; problem: string | null } {
  const dir = path.resolve(flag ?? (env['CFC_RESOURCES_DIR'] || checkoutResourcesDir));
  const isFolder = (p: string) => {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false; // not there, or `dir` is a file
    }
  };
  const ok = ['units', 'packs'].every((d) => isFolder(path.join(dir, d)));
  return {
    dir,
    problem: ok ? null : `"${dir}" không phải thư mục tài nguyên của ứng dụng (thiếu units/ hoặc packs/) / is not the app's resources folder (no units/ or packs/ in it)`,
  };
}
