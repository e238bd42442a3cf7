import { z } from 'zod';
import { defineCall, withLocalOutput } from './define';
import { reportFile, reportFileLocal } from './reports';
import { evidenceItem } from './assessments';
import { assessmentSchema } from './scoring';

/** The assessor's side (issue 6): the inbox of commune packages, the side-by-side review, the decision, minutes, package. */

const id = z.string().uuid();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'A SHA-256 is 64 lower-case hex digits');
const indicatorId = z.string().regex(/^\d+(\.\d+)*$/, 'An indicator id looks like "2.1"');
const criterionId = z.string().regex(/^\d+$/, 'A criterion id looks like "2"');
const reason = z.string().trim().min(3).max(2000);
const keyId = z
  .string()
  .trim()
  .transform((s) => s.replace(/\s+/g, '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{16}$/, 'A key id is 16 hex digits (spaces allowed, as in the fingerprint)'));

export const inboxState = z.enum(['received', 'in_review', 'recognised', 'not_recognised', 'returned']);
export type InboxStateView = z.infer<typeof inboxState>;
export const decision = z.enum(['recognised', 'not_recognised', 'returned']);
const verdict = z.enum(['recognised', 'not_recognised', 'incomplete']);

const revisionItem = z.object({
  manifestSha256: z.string(),
  revision: z.number().int(),
  state: z.enum(['current', 'superseded', 'conflict']),
  outcome: z.enum(['valid', 'untrusted']),
  trustDecision: z.enum(['verified', 'accepted_untrusted']),
  total: z.number().int(),
  verdict: z.string(),
  createdAt: z.string(),
  importedAt: z.string(),
});

export const inboxItem = z.object({
  assessmentId: z.string(),
  unit: z.object({ code: z.string(), name: z.string(), path: z.string() }),
  year: z.number().int(),
  /** `received` until a review starts. */
  state: inboxState,
  reviewId: z.string().nullable(),
  latest: revisionItem.extend({
    signerName: z.string(),
    untrustedReasons: z.array(z.string()),
    decisionReason: z.string().nullable(),
    provisional: z.boolean(),
  }),
  reviewedRevision: z.number().int().nullable(),
  /** The commune sent a newer revision than the one reviewed (e.g. after a return): opening continues from it. */
  newerRevision: z.boolean(),
  history: z.array(revisionItem),
  self: z.object({ total: z.number().int(), verdict: z.string() }),
  team: z.object({ total: z.number().int(), verdict }).nullable(),
  decidedAt: z.string().nullable(),
});
export type InboxItemView = z.infer<typeof inboxItem>;

const sideEntry = z.object({
  value: z.unknown().nullable(),
  note: z.string(),
  override: z.object({ points: z.number().int(), reason: z.string() }).nullable(),
  computed: z.number().int().nullable(),
  points: z.number().int(),
});

export const reviewIndicator = z.object({
  criterionId: z.string(),
  commune: sideEntry,
  team: sideEntry.extend({ reason: z.string().nullable() }),
  /** The team's value or override differs from the commune's. */
  changed: z.boolean(),
  /** Team points − commune points. */
  delta: z.number().int(),
});

export const reviewEvidence = z.object({
  /** For `/evidence/<previewId>` (the file from the content-addressed store). */
  previewId: z.string(),
  sha256: z.string(),
  name: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  indicatorId: z.string().nullable(),
  addedBy: z.string(),
  addedAt: z.string(),
  stored: z.boolean(),
});

/** The team's own evidence on an indicator (`/evidence/<id>` previews it): a workspace evidence item, never copied. */
export const teamEvidenceItem = evidenceItem.omit({ copied: true }).extend({ stored: z.boolean() });
export type TeamEvidenceView = z.infer<typeof teamEvidenceItem>;

const member = z.object({ name: z.string(), title: z.string() });

export const reviewDetail = z.object({
  id: z.string(),
  assessmentId: z.string(),
  state: z.enum(['in_review', 'recognised', 'not_recognised', 'returned']),
  readOnly: z.boolean(),
  unit: z.object({ code: z.string(), name: z.string(), path: z.string() }),
  year: z.number().int(),
  unitClass: z.string(),
  pack: z.object({ id: z.string(), version: z.string(), sha256: z.string() }),
  subject: revisionItem.extend({ signerName: z.string(), untrustedReasons: z.array(z.string()), decisionReason: z.string().nullable() }),
  /** The commune's newest imported revision, when newer than the one reviewed. */
  newerRevision: z.number().int().nullable(),
  history: z.array(revisionItem),
  indicators: z.record(z.string(), reviewIndicator),
  findings: z.record(z.string(), z.string()),
  team: z.array(member),
  reasons: z.array(z.string()),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /** The commune's result (recomputed from its values) and the team's, with explanations and what-if. */
  selfResult: assessmentSchema,
  result: assessmentSchema,
  differences: z.number().int(),
  evidence: z.array(reviewEvidence),
  /** The team's own evidence, live attachments oldest first (carried in the review package). */
  teamEvidence: z.array(teamEvidenceItem),
  exported: z
    .object({ fileName: z.string(), manifestSha256: z.string(), revision: z.number().int(), exportedAt: z.string(), exportedBy: z.string(), upToDate: z.boolean() })
    .nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReviewDetailView = z.infer<typeof reviewDetail>;

export const reviewAuditEntry = z.object({
  seq: z.number().int(),
  subjectSha256: z.string(),
  subjectRevision: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.enum(['open', 'continue', 'value', 'reason', 'override', 'note', 'finding', 'team', 'decide', 'reopen', 'export', 'evidence_add', 'evidence_remove']),
  target: z.string().nullable(),
  old: z.unknown().nullable(),
  new: z.unknown().nullable(),
  reason: z.string().nullable(),
});

/** A signed review package, as the page sees it: downloaded from `/exports/<fileName>`. */
const reviewExport = z.object({
  fileName: z.string(),
  size: z.number().int(),
  manifestSha256: z.string(),
  revision: z.number().int(),
  /** Nothing changed since the last export: the same file. */
  reused: z.boolean(),
  keyId: z.string(),
  fingerprint: z.string(),
});

export const reviewsCalls = {
  'reviews.inbox': defineCall({
    summary: 'Imported commune packages by unit and year with the review state, verification, revision history, self and team totals',
    input: z.object({ year: z.number().int().min(2000).max(2100).optional(), state: inboxState.optional() }).strict(),
    output: z.object({ items: z.array(inboxItem), years: z.array(z.number().int()) }),
  }),
  'reviews.open': defineCall({
    summary: "Start (or continue) the review of a commune's package: the team's side pre-filled from the commune's current revision",
    input: z.object({ manifestSha256: sha256 }).strict(),
    output: z.object({ id: z.string(), started: z.boolean(), continued: z.boolean() }),
  }),
  'reviews.get': defineCall({
    summary: 'One review: both sides per indicator, differences, findings, both results with what-if, evidence, decision',
    input: z.object({ id }).strict(),
    output: reviewDetail,
  }),
  'reviews.setValue': defineCall({
    summary: "The team's value of an indicator (null clears it); a value other than the commune's needs a reason",
    input: z.object({ id, indicatorId, value: z.unknown(), reason: z.string().max(2000).optional() }).strict(),
    output: reviewDetail,
  }),
  'reviews.setOverride': defineCall({
    summary: "Override the team's computed points of an indicator (0..max, a reason required), or remove it (null)",
    input: z.object({ id, indicatorId, override: z.object({ points: z.number().int().min(0), reason }).strict().nullable() }).strict(),
    output: reviewDetail,
  }),
  'reviews.setNote': defineCall({
    summary: "The team's note on an indicator",
    input: z.object({ id, indicatorId, note: z.string().max(5000) }).strict(),
    output: reviewDetail,
  }),
  'reviews.setFinding': defineCall({
    summary: "The team's findings on a criterion (empty text removes them)",
    input: z.object({ id, criterionId, text: z.string().max(20_000) }).strict(),
    output: reviewDetail,
  }),
  'reviews.setTeam': defineCall({
    summary: 'The review team: members with their titles (the first signs as head of the team)',
    input: z
      .object({ id, members: z.array(z.object({ name: z.string().trim().min(1).max(200), title: z.string().trim().max(200) }).strict()).max(50) })
      .strict(),
    output: reviewDetail,
  }),
  'reviews.decide': defineCall({
    summary: "Decide: recognise (only when the team's result is recognised), not recognise or return for correction (reasons required)",
    input: z.object({ id, decision, reasons: z.array(z.string().max(4000)).max(200).default([]) }).strict(),
    output: reviewDetail,
  }),
  'reviews.reopen': defineCall({
    summary: 'Reopen a decided review (with a reason): the decision is cleared and the team may change things again',
    input: z.object({ id, reason }).strict(),
    output: reviewDetail,
  }),
  'reviews.attachEvidence': defineCall({
    summary: "Attach staged files to an indicator as the team's own evidence: stored once by SHA-256, recorded in the review's trail",
    input: z
      .object({
        id,
        indicatorId,
        files: z
          .array(z.object({ stagedId: z.string().regex(/^[0-9a-f-]{36}$/, 'A staged id is a UUID from PUT /upload'), name: z.string().trim().min(1).max(255) }).strict())
          .min(1)
          .max(50),
      })
      .strict(),
    output: z.object({ items: z.array(teamEvidenceItem), storedOnce: z.array(z.string()), review: reviewDetail }),
  }),
  'reviews.removeEvidence': defineCall({
    summary: "Remove the team's evidence (recorded, with an optional reason); a file nothing refers to any more is released (collected a day later)",
    input: z.object({ id, evidenceId: z.string().uuid(), reason: z.string().trim().max(2000).optional() }).strict(),
    output: z.object({ removed: teamEvidenceItem, fileReleased: z.boolean(), review: reviewDetail }),
  }),
  'reviews.minutes': defineCall({
    summary: 'Biên bản thẩm định: self and team points side by side, findings, decision, members; DOCX (to edit) or PDF',
    input: z.object({ id, format: z.enum(['docx', 'pdf']) }).strict(),
    output: reportFile,
  }),
  'reviews.export': defineCall({
    summary: "Sign the review package (the commune's package inside, byte for byte) into the data folder's exports/",
    input: z.object({ id, keyId: keyId.optional(), passphrase: z.string().min(1).max(1024).optional() }).strict(),
    output: reviewExport,
  }),
  'reviews.audit': defineCall({
    summary: "The review's audit trail, oldest first",
    input: z.object({ id }).strict(),
    output: z.object({ items: z.array(reviewAuditEntry) }),
  }),
};

/** The local contract's (CLI, tests): the minutes and the review package also say where they were written. */
export const reviewsLocalCalls = {
  'reviews.minutes': withLocalOutput(reviewsCalls['reviews.minutes'], reportFileLocal),
  'reviews.export': withLocalOutput(reviewsCalls['reviews.export'], reviewExport.extend({ file: z.string() })),
};
