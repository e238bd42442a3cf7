export interface Bilingual {
  vi: string;
  en: string;
}

export interface FieldIssue {
  field: string;
  message: Bilingual;
}

/**
 * A failure the user can understand: a stable code, a message in Vietnamese and English, and optionally the field(s)
 * at fault. Everything the core rejects is one of these; anything else is a bug.
 */
export class CfcError extends Error {
  readonly code: string;
  readonly messages: Bilingual;
  readonly field: string | undefined;
  readonly issues: FieldIssue[] | undefined;

  constructor(code: string, messages: Bilingual, opts: { field?: string; issues?: FieldIssue[] } = {}) {
    super(messages.en);
    this.name = 'CfcError';
    this.code = code;
    this.messages = messages;
    this.field = opts.field;
    this.issues = opts.issues;
  }
}

export function isCfcError(e: unknown): e is CfcError {
  return e instanceof CfcError;
}
