import path from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * e2e of the Electron shell: launches the built app (`npm run build` first) with Playwright's Electron support. It
 * needs an Electron binary (node_modules/electron/dist) and a display (on a headless Linux CI: `xvfb-run -a npm run
 * test:electron`); where there is no binary, the suite is skipped and says why.
 */
export default defineConfig({
  testDir: __dirname,
  testMatch: '*.spec.ts',
  outputDir: path.join(__dirname, '..', '..', 'test-results', 'e2e-electron'),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One app instance at a time: each suite starts its own Electron.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: { trace: 'retain-on-failure' },
});
