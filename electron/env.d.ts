/** Constants electron-vite writes into the preload bundle at build time (see `define` in electron.vite.config.ts). */
declare const __CFC_CALL_NAMES__: readonly string[];
declare const __CFC_VERSION__: string;
