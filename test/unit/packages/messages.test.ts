/** An import's unexpected error reaches the page without the paths of the data folder (pipeline.ts `withoutPaths`). */
import { describe, expect, it } from 'vitest';
import { withoutPaths } from '../../../src/core/packages/pipeline';

describe('withoutPaths', () => {
  it('cuts every absolute path to its last part, POSIX or Windows, quoted or in parentheses', () => {
    expect(withoutPaths("ENOENT: no such file or directory, open '/home/u/.config/cfc/packages/staging/abc.cfcpkg.part'")).toBe(
      "ENOENT: no such file or directory, open 'abc.cfcpkg.part'",
    );
    expect(withoutPaths('EACCES (/var/data/x/y.cfcpkg)')).toBe('EACCES (y.cfcpkg)');
    expect(withoutPaths('write failed at C:\\Users\\Hồng\\AppData\\cfc\\packages\\a.part')).toBe('write failed at a.part');
    expect(withoutPaths('/only/a/path/')).toBe('path');
  });
  it('leaves what is not a path: ratios, relative names, plain text', () => {
    for (const m of ['tỷ lệ 3/4 trẻ em', 'evidence/abc is missing', 'disk full', '']) expect(withoutPaths(m)).toBe(m);
  });
});
