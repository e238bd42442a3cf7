#!/usr/bin/env node
'use strict';
// The `cfc` command. In a checkout it runs the TypeScript sources through tsx (no build step needed after `npm ci`).
require('tsx/cjs/api').register();
require('./main.ts')
  .main()
  .catch((e) => {
    process.stderr.write(`cfc: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
