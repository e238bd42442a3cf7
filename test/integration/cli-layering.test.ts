/**
 * The CLI is a third client of the service (issue 13, item 5): every command calls the local contract through
 * `ctx().service().call`, and nothing in src/cli imports the core, the handlers, the host, the service module or the
 * server — neither statically (also a lint rule, eslint.config.mjs) nor by a dynamic `import()`, which lint does not see.
 * Type-only imports are allowed: they are erased.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers';

const FORBIDDEN = ['src/core', 'src/server', 'src/api/handlers', 'src/api/host', 'src/api/service.ts', 'src/electron', 'src/renderer'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(ts|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

/** The value imports (static and dynamic) of a source text in folder `dir`, as repository paths; `import type` left out. */
function importsOf(text: string, dir: string): string[] {
  const specs = [
    ...[...text.matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/^\s*export\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  return specs.filter((s) => s.startsWith('.')).map((s) => path.relative(repoRoot, path.resolve(dir, s)).split(path.sep).join('/'));
}
const valueImports = (file: string) => importsOf(fs.readFileSync(file, 'utf8'), path.dirname(file));

const forbidden = (target: string) => FORBIDDEN.some((f) => target === f || target === f.replace(/\.ts$/, '') || target.startsWith(`${f}/`));

describe('src/cli is a client of the local contract', () => {
  it('no file of src/cli imports the core, the handlers, the host, the service module or the server', () => {
    const found = sources(path.join(repoRoot, 'src/cli')).flatMap((f) => valueImports(f).filter(forbidden).map((t) => `${path.relative(repoRoot, f)} → ${t}`));
    expect(found).toEqual([]);
  });

  it('the check sees static and dynamic imports, and lets type-only ones pass (so the test above can fail)', () => {
    const text = [
      "import { openStore } from '../core/store/db';",
      "const m = await import('../api/handlers/scoring');",
      "import type { Service } from '../api/service';",
      "import { run } from './main';",
    ].join('\n');
    expect(importsOf(text, path.join(repoRoot, 'src/cli')).filter(forbidden)).toEqual(['src/core/store/db', 'src/api/handlers/scoring']);
  });

  it('the CLI reaches the service only through src/api/local.ts, loaded on the first call', () => {
    const context = valueImports(path.join(repoRoot, 'src/cli/context.ts'));
    expect(context).toContain('src/api/local');
    const text = fs.readFileSync(path.join(repoRoot, 'src/cli/context.ts'), 'utf8');
    expect(text).toMatch(/import\('\.\.\/api\/local'\)/);
  });
});
