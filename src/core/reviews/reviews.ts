/**
 * The assessor's side (issue 6): a review of a commune's imported self-assessment package. One review per commune
 * assessment; it follows the commune's current revision. The team's values start as the commune's (values and
 * overrides; notes start empty) and every change is recorded with who, when, old → new and why.
 *
 * Rules (the product spec's life cycle, the criteria spec's recognition rule):
 * - A team value that differs from the commune's needs a reason (`reason`, at least 3 characters).
 * - Nothing changes once decided, except through `reopen` (with a reason): the decision is what gets signed.
 * - `recognised` only when the team's own result is recognised (all 13 criteria assessed, none at 0, the total at or
 *   above the class threshold: the confirmed rule); `not_recognised` and `returned` need at least one reason. Every
 *   decision needs at least one team member (the minutes and the package name them).
 * - Returned → the commune's next revision imported → `open` continues the review from it: where the commune's value
 *   and override did not change, the team's value, override and reason are kept; where they changed, the team's side
 *   starts again from the commune's new value (the team must look at the correction). Notes, findings and members are
 *   kept; the decision and its reasons are cleared. A decided review (recognised / not recognised) does not follow a
 *   newer revision until it is reopened.
 *
 * The code, by concern:
 * - `model.ts`: the review as loaded (`loadReview`), its scores, and the checks every change makes;
 * - `audit.ts`: the append-only trail;
 * - `inbox.ts`: the reviewer's inbox;
 * - `open.ts`: starting a review, and continuing it from the commune's next revision;
 * - `edit.ts`: the team's values, overrides, notes, findings and members;
 * - `decision.ts`: decide and reopen;
 * - `export.ts`: the signed review package;
 * - `evidence.ts`: the team's own evidence.
 *
 * Every change reads and checks the review's state inside one `BEGIN IMMEDIATE` transaction (`writeTransaction`), and
 * migration 0007's triggers refuse any write to a decided review's content underneath.
 */

export * from './model';
export * from './audit';
export * from './inbox';
export * from './open';
export * from './edit';
export * from './decision';
export * from './export';
