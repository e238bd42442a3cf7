import { z } from 'zod';
import { isCfcError } from '../core/errors';

/** A message in both languages of the app: Vietnamese first, English second. */
export const bilingual = z.object({ vi: z.string(), en: z.string() });
export type Bilingual = z.infer<typeof bilingual>;

/**
 * The only shape an error takes when it crosses the boundary between core and UI (IPC, HTTP, CLI --json).
 * Never a stack trace: a stable code, a message in both languages and, for bad input, the fields at fault.
 */
export const apiErrorSchema = z.object({
  code: z.string(),
  message: bilingual,
  field: z.string().optional(),
  issues: z
    .array(z.object({ field: z.string(), message: bilingual }))
    .optional(),
});
export type ApiErrorShape = z.infer<typeof apiErrorSchema>;

/** What a transport returns for one call. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

/** Error codes the contract itself produces; domain code adds its own. */
export const ErrorCodes = {
  invalidInput: 'invalid_input',
  unknownCall: 'unknown_call',
  notFound: 'not_found',
  internal: 'internal',
  unauthorized: 'unauthorized',
} as const;

/** Raised on the client side when a call fails, carrying the typed error. */
export class ApiCallError extends Error {
  readonly error: ApiErrorShape;
  constructor(error: ApiErrorShape) {
    super(`${error.code}: ${error.message.en}`);
    this.name = 'ApiCallError';
    this.error = error;
  }
}

/** A domain failure (CfcError) as the contract's error shape; null for anything else (a bug). */
export function toApiError(e: unknown): ApiErrorShape | null {
  if (!isCfcError(e)) return null;
  return {
    code: e.code,
    message: e.messages,
    ...(e.field !== undefined ? { field: e.field } : {}),
    ...(e.issues !== undefined ? { issues: e.issues } : {}),
  };
}
