#!/usr/bin/env node
'use strict';
// `cfc` from the TypeScript sources through tsx, for development (`npm run cfc:dev`). What ships is the bundle,
// out/cli/cfc.cjs (`npm run build:cli`, package.json "bin").
const path = require('node:path');
require('tsx/cjs/api').register();
require('./main.ts')
  .main({ resourcesDir: process.env.CFC_RESOURCES_DIR || path.resolve(__dirname, '../../resources') })
  .catch((e) => {
    process.stderr.write(`cfc: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
