import { z } from 'zod';
import type { ApiErrorShape } from './errors';
import { ErrorCodes } from './errors';

const viLocale = z.locales.vi();
const enLocale = z.locales.en();

function fieldName(path: PropertyKey[]): string {
  return path.map(String).join('.');
}

/** A zod failure as the contract's typed error: each issue names its field, in Vietnamese and English. */
export function zodToApiError(error: z.ZodError, what: 'input' | 'output' = 'input'): ApiErrorShape {
  const issues = error.issues.map((iss) => {
    const field = fieldName(iss.path) || '(root)';
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
  const first = issues[0];
  const fields = [...new Set(issues.map((i) => i.field))].join(', ');
  return {
    code: what === 'input' ? ErrorCodes.invalidInput : ErrorCodes.internal,
    message:
      what === 'input'
        ? { vi: `Dữ liệu không hợp lệ ở trường ${fields}. ${first?.message.vi ?? ''}`.trim(), en: `Invalid input in field ${fields}. ${first?.message.en ?? ''}`.trim() }
        : { vi: 'Lỗi nội bộ: kết quả không đúng hợp đồng.', en: 'Internal error: the result does not match the contract.' },
    ...(first ? { field: first.field } : {}),
    issues,
  };
}
