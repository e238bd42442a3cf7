import { CfcError } from '../errors';
import type { PackRegistry } from '../criteria/registry';
import type { LoadedPack } from '../criteria/schema';
import { computeScore } from './engine';
import { parseScoreInput } from './input';
import type { ScoreResult, WhatIf } from './result';
import { computeWhatIf } from './whatif';

/** A result with its what-if (null when recognised). */
export type Assessment = ScoreResult & { whatIf: WhatIf | null };

/** The pack a score input names (`pack`, optional `packVersion`): `invalid_input` without one, `unknown_pack` if unknown. */
export function packForInput(raw: unknown, registry: PackRegistry): LoadedPack {
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  const id = obj?.['pack'];
  if (typeof id !== 'string' || id === '') {
    throw new CfcError(
      'invalid_input',
      {
        vi: 'Dữ liệu chấm điểm không hợp lệ ở trường pack: cần mã gói tiêu chí (chuỗi), ví dụ "qd06-2019".',
        en: 'Invalid score input in field pack: expected the criteria pack id (a string), e.g. "qd06-2019".',
      },
      { field: 'pack' },
    );
  }
  const version = obj?.['packVersion'];
  return registry.require(id, typeof version === 'string' ? version : undefined, typeof version === 'string' ? 'packVersion' : 'pack');
}

/** Validates, scores and, if not recognised, adds the what-if. */
export function assess(raw: unknown, loaded: LoadedPack): Assessment {
  const input = parseScoreInput(raw, loaded);
  const result = computeScore(input, loaded);
  return { ...result, whatIf: result.recognised ? null : computeWhatIf(input, loaded) };
}
