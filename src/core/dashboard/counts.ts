import type { Target } from './targets';
import { isRecognised, type CommuneStatus } from './rules';

/** The figures of a scope or a group (rules 7–9), folded from counted rows. */
export interface Counts {
  communes: number;
  assessed: number;
  reviewed: number;
  selfOnly: number;
  recognised: number;
  recognisedReviewed: number;
  recognisedSelf: number;
  returned: number;
  resubmitted: number;
  conflicts: number;
  provisional: number;
  /** recognised / communes × 100 (null when the scope has no commune). */
  ratePercent: number | null;
}

export interface TargetView {
  year: number;
  ratePercent: number;
  source: string;
  scopeCode: string | null;
  /** The edition of scopeCode: a target belongs to a province of one edition (86 of 2025-03-01 ≠ 86 of 2025-07-01). */
  unitEdition: string;
}

/** What `add` needs of a counted row. */
export interface StatusRow {
  status: CommuneStatus;
  reviewed: number;
  resubmitted: number;
  provisional: number;
}

export function emptyCounts(): Counts {
  return { communes: 0, assessed: 0, reviewed: 0, selfOnly: 0, recognised: 0, recognisedReviewed: 0, recognisedSelf: 0, returned: 0, resubmitted: 0, conflicts: 0, provisional: 0, ratePercent: null };
}

/** Adds `n` assessed communes of the same kind (the communes themselves are counted from the catalogue). */
export function add(c: Counts, r: StatusRow, n = 1): void {
  const s = r.status;
  c.assessed += n;
  if (r.reviewed === 1) c.reviewed += n;
  else c.selfOnly += n;
  if (s === 'recognised') c.recognisedReviewed += n;
  if (s === 'self_recognised') c.recognisedSelf += n;
  if (isRecognised(s)) c.recognised += n;
  if (s === 'returned') c.returned += n;
  if (s === 'conflict') c.conflicts += n;
  if (r.resubmitted === 1) c.resubmitted += n;
  if (r.provisional === 1) c.provisional += n;
}

/** Adds every count of `from` into `into` (not the rate). */
export function sum(into: Counts, from: Counts): void {
  for (const k of Object.keys(into) as (keyof Counts)[]) if (k !== 'ratePercent') into[k] = (into[k] as number) + (from[k] as number);
}

/** Rule 8: the rate is over the communes of the catalogue, assessed or not. */
export function finish<T extends Counts>(c: T): T {
  c.ratePercent = c.communes === 0 ? null : (c.recognised * 100) / c.communes;
  return c;
}

export function targetView(t: Target | null): TargetView | null {
  return t ? { year: t.year, ratePercent: t.ratePercent, source: t.source, scopeCode: t.scopeCode, unitEdition: t.unitEdition } : null;
}

export const gap = (rate: number | null, t: TargetView | null): number | null => (rate === null || t === null ? null : rate - t.ratePercent);
