import type { z } from 'zod';
import { zodFieldIssues } from '../core/zodIssues';
import type { ApiErrorShape } from './errors';
import { ErrorCodes } from './errors';

/** A zod failure as the contract's typed error: each issue names its field, in Vietnamese and English. */
export function zodToApiError(error: z.ZodError, what: 'input' | 'output' = 'input'): ApiErrorShape {
  const issues = zodFieldIssues(error);
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
