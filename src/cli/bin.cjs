#!/usr/bin/env node
'use strict';
// Old path of the `cfc` bin, kept for scripts that still call it: runs the bundle (out/cli/cfc.cjs), building it first
// when it is missing (src/cli/build.mjs). What package.json "bin" names is the bundle itself.
const fs = require('node:fs');
const path = require('node:path');
const bundle = path.resolve(__dirname, '../../out/cli/cfc.cjs');
(fs.existsSync(bundle) ? Promise.resolve() : import('./build.mjs'))
  .then(() => require(bundle))
  .catch((e) => {
    process.stderr.write(`cfc: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
