/**
 * Browser mode's resources folder (src/server/resources.ts): `--resources`, else `CFC_RESOURCES_DIR`, else the
 * checkout's; a folder without the catalogues (units/) or the criteria packs (packs/) is refused with a bilingual
 * reason naming it (`npm run web` then exits 2 before anything is opened).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutResourcesDir, chooseResourcesDir } from '../../../src/server/resources';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function folder(...subdirs: string[]): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-resources-'));
  made.push(d);
  for (const s of subdirs) fs.mkdirSync(path.join(d, s));
  return d;
}

describe('the resources folder of browser mode', () => {
  it('is the flag, else CFC_RESOURCES_DIR, else the checkout’s', () => {
    const flag = folder('units', 'packs');
    const env = folder('units', 'packs');
    expect(chooseResourcesDir(flag, { CFC_RESOURCES_DIR: env })).toEqual({ dir: flag, problem: null });
    expect(chooseResourcesDir(undefined, { CFC_RESOURCES_DIR: env })).toEqual({ dir: env, problem: null });
    expect(chooseResourcesDir(undefined, { CFC_RESOURCES_DIR: '' })).toEqual({ dir: checkoutResourcesDir, problem: null });
    expect(chooseResourcesDir(undefined, {})).toEqual({ dir: checkoutResourcesDir, problem: null });
  });

  it('is refused, named, in both languages, when it lacks units/ or packs/, is a file, or is not there', () => {
    const file = path.join(folder(), 'x.txt');
    fs.writeFileSync(file, 'x');
    const unitsIsFile = folder('packs');
    fs.writeFileSync(path.join(unitsIsFile, 'units'), '');
    for (const dir of [folder('units'), folder('packs'), folder(), unitsIsFile, file, path.join(os.tmpdir(), 'cfc-no-such-folder')]) {
      const r = chooseResourcesDir(dir, { CFC_RESOURCES_DIR: checkoutResourcesDir });
      expect(r.dir).toBe(path.resolve(dir));
      expect(r.problem).toContain(`"${path.resolve(dir)}"`);
      expect(r.problem).toContain('không phải thư mục tài nguyên');
      expect(r.problem).toContain("is not the app's resources folder");
    }
  });
});
