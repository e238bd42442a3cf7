import { z } from 'zod';
import { bilingualText } from '../../core/criteria/schema';
import { defineCall } from './define';
import { assessmentSchema } from './scoring';
import { unit, unitClass } from './units';

const id = z.string().uuid();
const indicatorId = z.string().regex(/^\d+(\.\d+)*$/, 'An indicator id looks like "2.1"');
const year = z.number().int().min(2019).max(2100);
const reason = z.string().trim().min(3).max(2000);

export const assessmentStatus = z.enum(['draft', 'submitted']);
export type AssessmentStatus = z.infer<typeof assessmentStatus>;

/** What one indicator holds in one revision. `value` is as entered (its shape depends on the indicator's kind). */
export const entry = z.object({
  value: z.unknown().nullable(),
  note: z.string(),
  override: z.object({ points: z.number().int(), reason: z.string() }).nullable(),
  /** Copied from last year's assessment and not confirmed since. */
  copied: z.boolean(),
  updatedAt: z.string(),
});
export type Entry = z.infer<typeof entry>;

export const evidenceItem = z.object({
  id: z.string(),
  indicatorId: z.string(),
  sha256: z.string(),
  name: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  addedBy: z.string(),
  addedAt: z.string(),
  copied: z.boolean(),
});
export type EvidenceItem = z.infer<typeof evidenceItem>;

const packRef = z.object({ id: z.string(), version: z.string(), sha256: z.string(), status: z.enum(['provisional', 'official']), title: bilingualText });

export const assessmentSummary = z.object({
  id: z.string(),
  assessmentId: z.string(),
  revision: z.number().int(),
  status: assessmentStatus,
  year: z.number().int(),
  unit: z.object({ code: z.string(), name: z.string(), path: z.string(), edition: z.string() }),
  unitClass,
  total: z.number().int(),
  maxTotal: z.number().int(),
  threshold: z.number().int(),
  verdict: z.enum(['recognised', 'not_recognised', 'incomplete']),
  provisional: z.boolean(),
  filled: z.number().int(),
  indicators: z.number().int(),
  copiedFrom: z.string().nullable(),
  /** A newer revision of the same assessment exists. */
  superseded: z.boolean(),
  updatedAt: z.string(),
});
export type AssessmentSummary = z.infer<typeof assessmentSummary>;

export const assessmentDetail = z.object({
  id: z.string(),
  assessmentId: z.string(),
  revision: z.number().int(),
  status: assessmentStatus,
  readOnly: z.boolean(),
  year: z.number().int(),
  unit,
  unitClass,
  unitClassDefault: unitClass.nullable(),
  unitClassReason: z.string().nullable(),
  pack: packRef,
  copiedFrom: z.object({ id: z.string(), year: z.number().int() }).nullable(),
  previousRevision: z.string().nullable(),
  superseded: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  entries: z.record(z.string(), entry),
  evidence: z.array(evidenceItem),
  /** The score of the values as they stand, with explanations, verdict and what-if. */
  result: assessmentSchema,
  progress: z.object({ filled: z.number().int(), total: z.number().int(), empty: z.array(z.string()) }),
});
export type AssessmentDetail = z.infer<typeof assessmentDetail>;

export const auditEntry = z.object({
  seq: z.number().int(),
  revisionId: z.string(),
  revision: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.enum([
    'create',
    'duplicate',
    'value',
    'note',
    'override',
    'unit_class',
    'evidence_add',
    'evidence_remove',
    'submit',
    'new_revision',
    'repack',
  ]),
  indicatorId: z.string().nullable(),
  old: z.unknown().nullable(),
  new: z.unknown().nullable(),
  reason: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

/** A change saved: the entry as stored and the new score, so the UI updates points and explanations at once. */
const saved = z.object({ entry, result: assessmentSchema, progress: assessmentDetail.shape.progress, updatedAt: z.string() });

const copyUnit = z.object({ code: z.string(), name: z.string(), edition: z.string() });
/** What a copy took, from where, into what. */
const copyNote = z.object({
  from: z.object({ id: z.string(), year: z.number().int(), revision: z.number().int(), unit: copyUnit }),
  into: z.object({ id: z.string(), year: z.number().int(), unit: copyUnit }),
  values: z.number().int(),
  evidence: z.number().int(),
  message: z.object({ vi: z.string(), en: z.string() }),
});
export type CopyNoteView = z.infer<typeof copyNote>;

export const assessmentsCalls = {
  'assessments.list': defineCall({
    summary: 'Assessments (every revision), newest year first, with their totals and verdicts',
    input: z.object({ year: year.optional(), status: assessmentStatus.optional() }).strict(),
    output: z.object({ items: z.array(assessmentSummary), years: z.array(z.number().int()) }),
  }),
  'assessments.create': defineCall({
    summary: "Start an assessment of a commune for a year (the unit class defaults from the catalogue; another needs a reason)",
    input: z
      .object({
        unitCode: z.string().regex(/^\d{5}$/, 'A commune-level GSO code has 5 digits'),
        /** The catalogue edition of unitCode (the current one when absent); an older edition only for a year before 2025. */
        unitEdition: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
        year,
        unitClass: unitClass.optional(),
        unitClassReason: reason.optional(),
        packId: z.string().min(1).optional(),
      })
      .strict(),
    output: assessmentDetail,
  }),
  'assessments.duplicate': defineCall({
    summary:
      "Start this year's assessment from an earlier one: values, notes and evidence copied and marked as copied; across the 2025 reform into the unit that took the source's in (unitCode: one of its successors, required when it has several)",
    input: z
      .object({
        fromId: id,
        year,
        unitCode: z.string().regex(/^\d{5}$/, 'A commune-level GSO code has 5 digits').optional(),
        unitEdition: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A catalogue edition is its date, YYYY-MM-DD').optional(),
      })
      .strict(),
    output: assessmentDetail.extend({ copied: copyNote }),
  }),
  'assessments.sources': defineCall({
    summary: "The assessments a unit's year may start from: its own earlier ones and those of the units that went into it (predecessors), newest first",
    input: z
      .object({
        unitCode: z.string().regex(/^\d{5}$/, 'A commune-level GSO code has 5 digits'),
        unitEdition: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A catalogue edition is its date, YYYY-MM-DD').optional(),
        year,
      })
      .strict(),
    output: z.object({
      items: z.array(
        z.object({
          id: z.string(),
          year: z.number().int(),
          revision: z.number().int(),
          status: assessmentStatus,
          unit: copyUnit,
          relation: z.enum(['same', 'predecessor']),
          whole: z.boolean(),
        }),
      ),
    }),
  }),
  'assessments.get': defineCall({
    summary: 'One revision in full: every entry, evidence, the live score and what is still empty',
    input: z.object({ id }).strict(),
    output: assessmentDetail,
  }),
  'assessments.setValue': defineCall({
    summary: "Save one indicator's value (null clears it); checked against the indicator's kind",
    input: z.object({ id, indicatorId, value: z.unknown() }).strict(),
    output: saved,
  }),
  'assessments.setNote': defineCall({
    summary: "Save one indicator's note",
    input: z.object({ id, indicatorId, note: z.string().max(5000) }).strict(),
    output: saved,
  }),
  'assessments.setOverride': defineCall({
    summary: "Override an indicator's computed points (0..max, a reason required), or remove the override (null)",
    input: z
      .object({ id, indicatorId, override: z.object({ points: z.number().int().min(0), reason }).strict().nullable() })
      .strict(),
    output: saved,
  }),
  'assessments.confirmCopied': defineCall({
    summary: 'Confirm a value copied from last year as still true (it stops being marked as copied)',
    input: z.object({ id, indicatorId }).strict(),
    output: saved,
  }),
  'assessments.setUnitClass': defineCall({
    summary: "Change the revision's unit class; a class other than the catalogue's default needs its legal basis",
    input: z.object({ id, unitClass, reason: reason.optional() }).strict(),
    output: assessmentDetail,
  }),
  'assessments.submit': defineCall({
    summary: 'Mark the revision submitted: it becomes read-only (every indicator must have a value)',
    input: z.object({ id }).strict(),
    output: assessmentDetail,
  }),
  'assessments.newRevision': defineCall({
    summary: 'Open revision n+1 from a submitted revision n (everything copied), e.g. after a return for correction',
    input: z.object({ id }).strict(),
    output: assessmentDetail,
  }),
  'audit.list': defineCall({
    summary: "The audit trail of an assessment (every revision), or of one indicator, oldest first",
    input: z.object({ id, indicatorId: indicatorId.optional() }).strict(),
    output: z.object({ items: z.array(auditEntry) }),
  }),
};
