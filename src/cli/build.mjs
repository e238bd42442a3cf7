// Bundles the `cfc` command (npm run build:cli, also the `prepare` step of `npm ci`):
//
//   out/cli/cfc.cjs        the bin (package.json "bin"): finds the resources folder and starts cfc-main.mjs
//   out/cli/cfc-main.mjs   src/cli/main.ts with commander and the command definitions (~160 kB)
//   out/cli/verify-worker.cjs  the verifying threads of an import (src/core/packages/verifyWorker.ts)
//   out/cli/chunks/*.mjs   everything loaded on first use: the criteria packs and scoring for `score`, the service
//                          (SQLite, every handler, DOCX/XLSX/PDF writers) for commands that open the data folder
//
// ES modules because esbuild splits only ES modules; node_modules are bundled too, except better-sqlite3 (native).
// The resources folder is passed in by the bin, never derived from a source file's location.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outdir = path.join(root, 'out/cli');
fs.rmSync(outdir, { recursive: true, force: true });

const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20', external: ['better-sqlite3'], outdir, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: { 'cfc-main': 'src/cli/main.ts' },
  format: 'esm',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies bundled into ES modules still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __cfcRequire } from 'node:module'; const require = __cfcRequire(import.meta.url);" },
});

// The verifying threads of an import (src/core/packages/verifyPool.ts finds it beside the bin): one CommonJS file.
await build({ ...common, entryPoints: { 'verify-worker': 'src/core/packages/verifyWorker.ts' }, format: 'cjs', outExtension: { '.js': '.cjs' } });

fs.writeFileSync(
  path.join(outdir, 'cfc.cjs'),
  `#!/usr/bin/env node
'use strict';
// The \`cfc\` command, built by src/cli/build.mjs. Resources: CFC_RESOURCES_DIR, else the checkout's resources/.
const path = require('node:path');
import('./cfc-main.mjs')
  .then((m) => m.main({ resourcesDir: process.env.CFC_RESOURCES_DIR || path.resolve(__dirname, '../../resources') }))
  .catch((e) => {
    process.stderr.write('cfc: ' + (e && e.stack ? e.stack : e) + '\\n');
    process.exitCode = 1;
  });
`,
  { mode: 0o755 },
);
