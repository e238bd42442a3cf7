import type { z } from 'zod';
import { appCalls, appLocalCalls } from './calls/app';
import { unitsCalls, unitsLocalCalls } from './calls/units';
import { profileCalls } from './calls/profile';
import { assessmentsCalls } from './calls/assessments';
import { evidenceCalls } from './calls/evidence';
import { reportsCalls } from './calls/reports';
import { reportsLocalCalls } from './calls/reportsLocal';
import { scoringCalls, scoringLocalCalls } from './calls/scoring';
import { packagesCalls, packagesLocalCalls } from './calls/packages';
import { dashboardCalls, dashboardLocalCalls } from './calls/dashboard';
import { reviewsCalls, reviewsLocalCalls } from './calls/reviews';
import { backupCalls, backupLocalCalls } from './calls/backup';
import { packsCalls, packsLocalCalls } from './calls/packs';

/**
 * The UI contract: every call the page can make, bound to IPC (Electron) and HTTP (browser mode); the renderer has
 * one typed client over either. It never takes a file path: files reach the core as staged upload ids and leave it
 * as downloads (test/integration/contract-surfaces.test.ts walks these schemas).
 */
export const uiContract = {
  ...appCalls,
  ...unitsCalls,
  ...profileCalls,
  ...scoringCalls,
  ...assessmentsCalls,
  ...evidenceCalls,
  ...reportsCalls,
  ...packagesCalls,
  ...dashboardCalls,
  ...reviewsCalls,
  ...backupCalls,
  ...packsCalls,
} as const;

/**
 * The local contract (CLI, tests): the UI contract plus the calls that name files on this machine (`<area>LocalCalls`,
 * one spread each). A local call may widen a UI call of the same name: its input (`packages.import` with `paths`) or
 * its output (`packages.export` also says where the file is: `withLocalOutput`; the UI's drops it).
 */
export const contract = {
  ...uiContract,
  ...appLocalCalls,
  ...scoringLocalCalls,
  ...packagesLocalCalls,
  ...reportsLocalCalls,
  ...unitsLocalCalls,
  ...backupLocalCalls,
  ...packsLocalCalls,
  ...dashboardLocalCalls,
  ...reviewsLocalCalls,
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
/** What the caller passes (defaults not yet applied). */
export type CallInput<N extends CallName> = z.input<Contract[N]['input']>;
/** What the handler receives (after parsing: defaults applied). */
export type ParsedInput<N extends CallName> = z.output<Contract[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Contract[N]['output']>;

export type UiContract = typeof uiContract;
export type UiCallName = keyof UiContract;
export type UiCallInput<N extends UiCallName> = z.input<UiContract[N]['input']>;
export type UiCallOutput<N extends UiCallName> = z.output<UiContract[N]['output']>;

/** Which contract a caller speaks: 'ui' for IPC and HTTP (the page), 'local' for the CLI and tests. */
export type Surface = 'ui' | 'local';

export const callNames = Object.keys(contract) as CallName[];
export const uiCallNames = Object.keys(uiContract) as UiCallName[];

export function isCallName(name: unknown, surface: Surface = 'local'): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(surface === 'ui' ? uiContract : contract, name);
}

/** The definition of a call on a surface (the UI's narrower schema when the local contract widens it). */
export function callDef(name: CallName, surface: Surface): Contract[CallName] {
  return (surface === 'ui' ? (uiContract as unknown as Contract) : contract)[name];
}
