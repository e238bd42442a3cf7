import { z } from 'zod';
import type { FieldIssue } from './errors';

const viLocale = z.locales.vi();
const enLocale = z.locales.en();

/** A zod failure as field issues, each naming its field, in Vietnamese (zod's vi locale) and English. */
export function zodFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((iss) => {
    const field = iss.path.map(String).join('.') || '(root)';
    const raw = iss as unknown as Parameters<typeof viLocale.localeError>[0];
    const vi = viLocale.localeError(raw);
    const en = enLocale.localeError(raw);
    return {
      field,
      message: {
        vi: `${field}: ${typeof vi === 'string' ? vi : (vi?.message ?? iss.message)}`,
        en: `${field}: ${iss.message || (typeof en === 'string' ? en : (en?.message ?? ''))}`,
      },
    };
  });
}
