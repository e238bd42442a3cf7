import { z } from 'zod';
import { defineCall } from './define';

export const appInfo = z.object({
  name: z.string(),
  productName: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser', 'cli', 'test']),
  dataDir: z.string(),
  databasePath: z.string(),
  schemaVersion: z.string(),
  units: z.object({ source: z.string(), dataDate: z.string(), provinces: z.number(), districts: z.number(), communes: z.number() }),
});
export type AppInfo = z.infer<typeof appInfo>;

export const appCalls = {
  'app.info': defineCall({
    summary: 'Name, version, where the data lives, which catalogue is loaded',
    input: z.object({}).strict(),
    output: appInfo,
  }),
};
