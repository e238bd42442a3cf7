import { z } from 'zod';
import { packSchema, packSummarySchema } from '../../core/criteria/schema';
import { packChangeSchema } from '../../core/criteria/diff';
import { defineCall } from './define';
import { assessmentSchema } from './scoring';

/** Criteria packs beyond the built-in ones: workbooks, installation, signing (src/core/criteria/FORMAT.md). */

const stagedId = z.string().min(1).max(200);
const filePath = z.string().min(1).max(4096);
/** The uploaded file's own name, so messages name what the person picked (never a path: no slash). */
const fileName = z.string().min(1).max(255).regex(/^[^/\\]+$/, 'a file name, not a path');

const previewSchema = z.object({
  summary: packSummarySchema,
  pack: packSchema,
  /** How the file came: a workbook, a signed pack, or a pack's JSON. */
  format: z.enum(['xlsx', 'signed', 'json']),
  /** The same id and version is already installed or built in: with the same content (`same`) or none (`new`). */
  existing: z.enum(['new', 'same']),
});

const installedSchema = z.object({ summary: packSummarySchema, installed: z.boolean() });

export const packsCalls = {
  'packs.preview': defineCall({
    summary: 'Read a staged pack file (workbook, signed pack or JSON), validated, without installing it; every problem named by sheet and cell',
    input: z.object({ stagedId, name: fileName.optional() }).strict(),
    output: previewSchema,
  }),
  'packs.diff': defineCall({
    summary: 'The differences between two packs (maxima, brackets, thresholds, wording, confirmed flags, sources)',
    input: z.object({ a: z.object({ id: z.string().min(1), version: z.string().min(1) }).strict(), b: z.object({ id: z.string().min(1), version: z.string().min(1) }).strict() }).strict(),
    output: z.object({ a: packSummarySchema, b: packSummarySchema, changes: z.array(packChangeSchema) }),
  }),
  'packs.newerVersions': defineCall({
    summary: "The installed or built-in versions of a revision's pack newer than the one that scores it, newest first (none for a submitted revision)",
    input: z.object({ id: z.string().uuid() }).strict(),
    output: z.object({ current: z.object({ id: z.string(), version: z.string() }), draft: z.boolean(), items: z.array(packSummarySchema) }),
  }),
  'packs.repackDraft': defineCall({
    summary: 'Move a draft to a newer version of its pack (apply: false only shows what would be kept, flagged, and the score before and after)',
    input: z.object({ id: z.string().uuid(), version: z.string().min(1), apply: z.boolean() }).strict(),
    output: z.object({
      from: z.object({ id: z.string(), version: z.string(), sha256: z.string() }),
      to: z.object({ id: z.string(), version: z.string(), sha256: z.string() }),
      kept: z.array(z.string()),
      flagged: z.array(z.object({ indicatorId: z.string(), reason: z.object({ vi: z.string(), en: z.string() }) })),
      /** Indicators new in the target version: empty, to be entered. */
      added: z.array(z.string()),
      before: assessmentSchema,
      after: assessmentSchema,
      applied: z.boolean(),
    }),
  }),
  'packs.installStaged': defineCall({
    summary: 'Install a staged pack file in the data folder (a signed pack is verified against the trust store)',
    input: z.object({ stagedId, name: fileName.optional() }).strict(),
    output: installedSchema,
  }),
};

export const packsLocalCalls = {
  'packs.install': defineCall({
    summary: 'Install a pack file (JSON, workbook or signed pack) in the data folder',
    input: z.object({ file: filePath }).strict(),
    output: installedSchema,
  }),
  'packs.toXlsx': defineCall({
    summary: 'Write a pack as an editable workbook',
    input: z.object({ id: z.string().min(1), version: z.string().min(1).optional(), outPath: filePath }).strict(),
    output: z.object({ file: z.string(), sha256: z.string() }),
  }),
  'packs.fromXlsx': defineCall({
    summary: 'Read a pack workbook back as the pack JSON (validated; problems named by sheet and cell)',
    input: z.object({ file: filePath, outPath: filePath }).strict(),
    output: z.object({ file: z.string(), summary: packSummarySchema }),
  }),
  'packs.sign': defineCall({
    summary: "Sign a pack file with the profile's signing key (.cfcpack)",
    input: z.object({ file: filePath, outPath: filePath, keyId: z.string().optional(), passphrase: z.string().min(1).max(1024).optional() }).strict(),
    output: z.object({ file: z.string(), keyId: z.string(), fingerprint: z.string(), sha256: z.string() }),
  }),
};
