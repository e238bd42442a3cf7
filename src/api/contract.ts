import type { z } from 'zod';
import { appCalls } from './calls/app';
import { unitsCalls, unitsLocalCalls } from './calls/units';
import { profileCalls } from './calls/profile';
import { assessmentsCalls } from './calls/assessments';
import { evidenceCalls } from './calls/evidence';
import { reportsCalls } from './calls/reports';
import { scoringCalls } from './calls/scoring';
import { packagesCalls } from './calls/packages';
import { dashboardCalls } from './calls/dashboard';
import { reviewsCalls } from './calls/reviews';
import { backupCalls, backupLocalCalls } from './calls/backup';
import { packsCalls, packsLocalCalls } from './calls/packs';

/**
 * The one contract between the UI and the core. Every call the UI can make is one entry here; Electron binds each
 * entry to IPC, browser mode to HTTP, and the renderer has one typed client over either.
 */
export const contract = {
  ...appCalls,
  ...unitsCalls,
  ...unitsLocalCalls,
  ...profileCalls,
  ...scoringCalls,
  ...assessmentsCalls,
  ...evidenceCalls,
  ...reportsCalls,
  ...packagesCalls,
  ...dashboardCalls,
  ...reviewsCalls,
  ...backupCalls,
  ...backupLocalCalls,
  ...packsCalls,
  ...packsLocalCalls,
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
/** What the caller passes (defaults not yet applied). */
export type CallInput<N extends CallName> = z.input<Contract[N]['input']>;
/** What the handler receives (after parsing: defaults applied). */
export type ParsedInput<N extends CallName> = z.output<Contract[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Contract[N]['output']>;

export const callNames = Object.keys(contract) as CallName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
