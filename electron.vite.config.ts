import path from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { uiCallNames } from './src/api/contract';
import pkg from './package.json';

const root = __dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // better-sqlite3 is native: it stays a runtime require, loaded from node_modules (asar-unpacked when packaged).
      externalizeDeps: true,
      // `index` → out/main/index.js, package.json's "main"; `hostWorker` → out/main/hostWorker.js, the worker thread
      // that runs the service (src/api/host); `verifyWorker` → out/main/verifyWorker.js, the service's verifying threads
      // (src/core/packages/verifyPool.ts finds it beside hostWorker.js).
      lib: {
        entry: {
          index: path.join(root, 'electron/main.ts'),
          hostWorker: path.join(root, 'src/api/host/worker.ts'),
          verifyWorker: path.join(root, 'src/core/packages/verifyWorker.ts'),
        },
      },
    },
  },
  preload: {
    // The preload is sandboxed: one self-contained CommonJS file that requires nothing but 'electron'. The contract's
    // UI contract's call names and the version are written in here as plain constants, so the bundle carries no zod.
    define: {
      __CFC_CALL_NAMES__: JSON.stringify(uiCallNames),
      __CFC_VERSION__: JSON.stringify(pkg.version),
    },
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      // `index` → out/preload/index.js, what electron/main.ts loads.
      lib: { entry: { index: path.join(root, 'electron/preload.ts') } },
    },
  },
  renderer: {
    root: path.join(root, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: path.join(root, 'out/renderer'),
      emptyOutDir: true,
      chunkSizeWarningLimit: 2000,
      rollupOptions: { input: path.join(root, 'src/renderer/index.html') },
    },
  },
});
