import { z } from 'zod';
import { defineCall } from './define';
import { evidenceItem } from './assessments';

/** A file streamed into the staging area (browser mode: `PUT /upload`; Electron: the bridge's `stage`). */
export const stagedFile = z.object({
  stagedId: z.string().regex(/^[0-9a-f-]{36}$/),
  sha256: z.string(),
  size: z.number().int(),
});
export type StagedFile = z.infer<typeof stagedFile>;

export const evidenceCalls = {
  'evidence.attach': defineCall({
    summary: 'Attach staged files to an indicator: stored once by SHA-256, recorded in the audit trail',
    input: z
      .object({
        id: z.string().uuid(),
        indicatorId: z.string().min(1),
        files: z
          .array(
            z
              .object({
                stagedId: stagedFile.shape.stagedId,
                name: z.string().trim().min(1).max(255),
                mediaType: z.string().max(200).optional(),
              })
              .strict(),
          )
          .min(1)
          .max(50),
      })
      .strict(),
    output: z.object({ items: z.array(evidenceItem), storedOnce: z.array(z.string()) }),
  }),
  'evidence.remove': defineCall({
    summary: 'Remove evidence from an indicator (recorded); a file nothing refers to any more is released (collected a day later)',
    input: z.object({ evidenceId: z.string().uuid(), reason: z.string().trim().max(2000).optional() }).strict(),
    /** `fileReleased`: nothing refers to the file now; it is deleted by the collector once unused for a day. */
    output: z.object({ removed: evidenceItem, fileReleased: z.boolean() }),
  }),
};
