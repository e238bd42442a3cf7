import { z } from 'zod';
import { defineCall, withLocalOutput } from './define';

/** What the page learns about the app: no path of this machine (the data folder is opened from the Help menu). */
export const appInfo = z.object({
  name: z.string(),
  productName: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser', 'cli', 'test']),
  schemaVersion: z.string(),
  /** The catalogue edition in use (the newest: the default for everything new), with its counts. */
  units: z.object({ source: z.string(), dataDate: z.string(), sha256: z.string(), provinces: z.number(), districts: z.number(), communes: z.number() }),
  /** Every edition known here, oldest first. */
  editions: z.array(z.string()),
});
export type AppInfo = z.infer<typeof appInfo>;

/** The local contract's app info (CLI, tests) also says where the data lives. */
export const appInfoLocal = appInfo.extend({ dataDir: z.string(), databasePath: z.string() });

export const appCalls = {
  'app.info': defineCall({
    summary: 'Name, version, where the data lives, which catalogue is loaded',
    input: z.object({}).strict(),
    output: appInfo,
  }),
};

export const appLocalCalls = {
  'app.info': withLocalOutput(appCalls['app.info'], appInfoLocal),
};
