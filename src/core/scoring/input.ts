import { z } from 'zod';
import { CfcError, type Bilingual, type FieldIssue } from '../errors';
import { UNIT_CLASSES, unitClassSchema, type Indicator, type LoadedPack, type UnitClass } from '../criteria/schema';
import { MAX_COUNT, checkInput } from './check';
import { planOf } from './plan';

/**
 * The score input of product.md ("Score input and result"): values keyed by indicator id (boolean → true/false;
 * rate → {numerator, denominator}; count → integer; choice → option id; survey → {groups: {id: {respondents,
 * satisfied}}}), overrides {id: {points, reason}}, the pack and the unit class.
 */

export interface RateValue {
  numerator: number;
  denominator: number;
}
export interface SurveyTally {
  respondents: number;
  satisfied: number;
}
export interface SurveyValue {
  groups: Record<string, SurveyTally>;
}
export type IndicatorValue = boolean | number | string | RateValue | SurveyValue;

export interface Override {
  points: number;
  reason: string;
}

/** A score input after validation against its pack. A value that is absent (or null) has not been entered. */
export interface ScoreInput {
  pack: string;
  packVersion?: string | undefined;
  unitClass: UnitClass;
  values: Record<string, IndicatorValue>;
  overrides: Record<string, Override>;
}

/**
 * The input's shape for the contract (the renderer's type). The values are checked against the pack by
 * `parseScoreInput`, which names the exact field at fault; here they are only typed.
 */
export const scoreInputSchema = z.object({
  pack: z.string(),
  packVersion: z.string().optional(),
  unitClass: z.string(),
  values: z.record(z.string(), z.custom<IndicatorValue | null>(() => true)).optional(),
  overrides: z.record(z.string(), z.custom<Override>(() => true)).optional(),
});
export type ScoreInputShape = z.input<typeof scoreInputSchema>;

export { MAX_COUNT };

const TOP_LEVEL_KEYS = new Set(['pack', 'packVersion', 'unitClass', 'values', 'overrides']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): Bilingual {
  if (v === null) return { vi: 'null', en: 'null' };
  if (Array.isArray(v)) return { vi: 'một mảng', en: 'an array' };
  switch (typeof v) {
    case 'string':
      return { vi: `chuỗi "${v.length > 30 ? v.slice(0, 30) + '…' : v}"`, en: `the string "${v.length > 30 ? v.slice(0, 30) + '…' : v}"` };
    case 'number':
      return { vi: `số ${v}`, en: `the number ${v}` };
    case 'boolean':
      return { vi: v ? 'true' : 'false', en: v ? 'true' : 'false' };
    case 'object':
      return { vi: 'một đối tượng', en: 'an object' };
    default:
      return { vi: typeof v, en: typeof v };
  }
}

const KIND_EXPECTS: Record<Indicator['kind'], Bilingual> = {
  boolean: { vi: 'true hoặc false', en: 'true or false' },
  rate: { vi: '{ "numerator": số nguyên, "denominator": số nguyên }', en: '{ "numerator": integer, "denominator": integer }' },
  rate_per_n: { vi: '{ "numerator": số trường hợp, "denominator": số người thuộc diện }', en: '{ "numerator": cases, "denominator": people in scope }' },
  count: { vi: 'một số nguyên không âm', en: 'a non-negative integer' },
  choice: { vi: 'mã của một phương án', en: 'the id of an option' },
  survey: { vi: '{ "groups": { nhóm: { "respondents", "satisfied" } } }', en: '{ "groups": { group: { "respondents", "satisfied" } } }' },
};

class Issues {
  readonly list: FieldIssue[] = [];
  add(field: string, vi: string, en: string): void {
    this.list.push({ field, message: { vi: `${field}: ${vi}`, en: `${field}: ${en}` } });
  }
  /** Checks a whole number in 0..MAX_COUNT; returns it or null. */
  count(v: unknown, field: string): number | null {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const t = typeName(v);
      this.add(field, `cần một số nguyên không âm, nhận được ${t.vi}`, `expected a non-negative integer, got ${t.en}`);
      return null;
    }
    if (v < 0) {
      this.add(field, `số âm (${v}) không hợp lệ, cần số nguyên không âm`, `negative number (${v}); expected a non-negative integer`);
      return null;
    }
    if (!Number.isInteger(v)) {
      this.add(field, `${v} không phải số nguyên`, `${v} is not a whole number`);
      return null;
    }
    if (v > MAX_COUNT) {
      this.add(field, `${v} vượt giới hạn ${MAX_COUNT}`, `${v} is above the limit of ${MAX_COUNT}`);
      return null;
    }
    return v;
  }
  /** Rejects keys other than `allowed` in an object. */
  onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], field: string): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) {
        this.add(`${field}.${k}`, `trường không xác định; chỉ nhận ${allowed.join(', ')}`, `unknown field; expected only ${allowed.join(', ')}`);
      }
    }
  }
}

function checkValue(ind: Indicator, v: unknown, field: string, issues: Issues): IndicatorValue | null {
  const before = issues.list.length;
  const wrongType = () => {
    const t = typeName(v);
    const e = KIND_EXPECTS[ind.kind];
    issues.add(field, `chỉ tiêu ${ind.id} (loại ${ind.kind}) cần ${e.vi}, nhận được ${t.vi}`, `indicator ${ind.id} (kind ${ind.kind}) expects ${e.en}, got ${t.en}`);
    return null;
  };
  switch (ind.kind) {
    case 'boolean':
      return typeof v === 'boolean' ? v : wrongType();
    case 'count':
      if (typeof v !== 'number') return wrongType();
      return issues.count(v, field);
    case 'choice': {
      if (typeof v !== 'string') return wrongType();
      if (!ind.options.some((o) => o.id === v)) {
        const ids = ind.options.map((o) => o.id).join(', ');
        issues.add(field, `phương án "${v}" không có; chọn một trong ${ids}`, `there is no option "${v}"; choose one of ${ids}`);
        return null;
      }
      return v;
    }
    case 'rate_per_n':
    case 'rate': {
      if (!isPlainObject(v)) return wrongType();
      issues.onlyKeys(v, ['numerator', 'denominator'], field);
      const n = issues.count(v['numerator'], `${field}.numerator`);
      const d = issues.count(v['denominator'], `${field}.denominator`);
      if (n !== null && d !== null && n > d) {
        issues.add(`${field}.numerator`, `tử số (${n}) lớn hơn mẫu số (${d})`, `the numerator (${n}) is greater than the denominator (${d})`);
      }
      return issues.list.length === before && n !== null && d !== null ? { numerator: n, denominator: d } : null;
    }
    case 'survey': {
      if (!isPlainObject(v)) return wrongType();
      issues.onlyKeys(v, ['groups'], field);
      const groups = v['groups'];
      if (!isPlainObject(groups)) {
        const t = typeName(groups);
        issues.add(`${field}.groups`, `cần một đối tượng theo nhóm, nhận được ${t.vi}`, `expected an object keyed by group, got ${t.en}`);
        return null;
      }
      const out: Record<string, SurveyTally> = {};
      for (const [gid, tally] of Object.entries(groups)) {
        const gField = `${field}.groups.${gid}`;
        if (!ind.groups.some((g) => g.id === gid)) {
          const ids = ind.groups.map((g) => g.id).join(', ');
          issues.add(gField, `nhóm khảo sát "${gid}" không có; các nhóm: ${ids}`, `unknown survey group "${gid}"; the groups are ${ids}`);
          continue;
        }
        if (!isPlainObject(tally)) {
          const t = typeName(tally);
          issues.add(gField, `cần { "respondents", "satisfied" }, nhận được ${t.vi}`, `expected { "respondents", "satisfied" }, got ${t.en}`);
          continue;
        }
        issues.onlyKeys(tally, ['respondents', 'satisfied'], gField);
        const r = issues.count(tally['respondents'], `${gField}.respondents`);
        const s = issues.count(tally['satisfied'], `${gField}.satisfied`);
        if (r !== null && s !== null && s > r) {
          issues.add(`${gField}.satisfied`, `số người hài lòng (${s}) lớn hơn số người trả lời (${r})`, `satisfied (${s}) is greater than respondents (${r})`);
        }
        if (r !== null && s !== null) out[gid] = { respondents: r, satisfied: s };
      }
      return issues.list.length === before ? { groups: out } : null;
    }
  }
}

/** Every indicator of a pack by id (cached per pack). */
const indexCache = new WeakMap<object, Map<string, Indicator>>();
export function indicatorIndex(loaded: LoadedPack): Map<string, Indicator> {
  let m = indexCache.get(loaded.pack);
  if (!m) {
    m = new Map();
    for (const c of loaded.pack.criteria) for (const i of c.indicators) m.set(i.id, i);
    indexCache.set(loaded.pack, m);
  }
  return m;
}

/** The CfcError of a rejected input: `invalid_input`, naming the first field in the message, every field in `issues`. */
export function invalidInput(issues: FieldIssue[]): CfcError {
  const first = issues[0];
  const fields = [...new Set(issues.map((i) => i.field))];
  const more = fields.length > 1 ? { vi: ` (và ${fields.length - 1} trường khác)`, en: ` (and ${fields.length - 1} more field${fields.length > 2 ? 's' : ''})` } : { vi: '', en: '' };
  return new CfcError(
    'invalid_input',
    {
      vi: `Dữ liệu chấm điểm không hợp lệ ở trường ${first?.field ?? '(root)'}${more.vi}. ${first?.message.vi ?? ''}`.trim(),
      en: `Invalid score input in field ${first?.field ?? '(root)'}${more.en}. ${first?.message.en ?? ''}`.trim(),
    },
    { field: first?.field ?? '(root)', issues },
  );
}

/**
 * Validates a score input against its pack: the shape, the pack and unit class, each value against its indicator's
 * kind, each override against its indicator's maximum. Collects every problem and throws one `invalid_input`.
 * The full validation, which names every problem; `parseScoreInput` runs it only when the fast checker is not sure.
 */
export function validateScoreInput(raw: unknown, loaded: LoadedPack): ScoreInput {
  const issues = new Issues();
  if (!isPlainObject(raw)) {
    const t = typeName(raw);
    issues.add('(root)', `dữ liệu chấm điểm phải là một đối tượng JSON, nhận được ${t.vi}`, `the score input must be a JSON object, got ${t.en}`);
    throw invalidInput(issues.list);
  }
  for (const k of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.has(k)) {
      issues.add(k, `trường không xác định; chỉ nhận ${[...TOP_LEVEL_KEYS].join(', ')}`, `unknown field; expected only ${[...TOP_LEVEL_KEYS].join(', ')}`);
    }
  }
  const { pack } = loaded;
  const packId = raw['pack'];
  if (typeof packId !== 'string' || packId === '') {
    issues.add('pack', 'cần mã gói tiêu chí (chuỗi), ví dụ "qd06-2019"', 'expected the criteria pack id (a string), e.g. "qd06-2019"');
  } else if (packId !== pack.id) {
    issues.add('pack', `dữ liệu dành cho gói "${packId}" nhưng đang chấm bằng gói "${pack.id}"`, `the input is for pack "${packId}" but is being scored with pack "${pack.id}"`);
  }
  const packVersion = raw['packVersion'];
  if (packVersion !== undefined && packVersion !== pack.version) {
    issues.add('packVersion', `dữ liệu dành cho phiên bản ${String(packVersion)} nhưng gói là phiên bản ${pack.version}`, `the input is for version ${String(packVersion)} but the pack is version ${pack.version}`);
  }
  const unitClass = unitClassSchema.safeParse(raw['unitClass']);
  if (!unitClass.success) {
    const t = typeName(raw['unitClass']);
    issues.add('unitClass', `loại đơn vị không hợp lệ (${t.vi}); chọn một trong ${UNIT_CLASSES.join(', ')}`, `unknown unit class (${t.en}); choose one of ${UNIT_CLASSES.join(', ')}`);
  }

  const index = indicatorIndex(loaded);
  const values: Record<string, IndicatorValue> = {};
  const rawValues = raw['values'] ?? {};
  if (!isPlainObject(rawValues)) {
    const t = typeName(rawValues);
    issues.add('values', `cần một đối tượng theo mã chỉ tiêu, nhận được ${t.vi}`, `expected an object keyed by indicator id, got ${t.en}`);
  } else {
    for (const [id, v] of Object.entries(rawValues)) {
      const ind = index.get(id);
      if (!ind) {
        issues.add(`values.${id}`, `gói ${pack.id} không có chỉ tiêu "${id}"`, `pack ${pack.id} has no indicator "${id}"`);
        continue;
      }
      if (v === null || v === undefined) continue; // not entered yet
      const ok = checkValue(ind, v, `values.${id}`, issues);
      if (ok !== null) values[id] = ok;
    }
  }

  const overrides: Record<string, Override> = {};
  const rawOverrides = raw['overrides'] ?? {};
  if (!isPlainObject(rawOverrides)) {
    const t = typeName(rawOverrides);
    issues.add('overrides', `cần một đối tượng theo mã chỉ tiêu, nhận được ${t.vi}`, `expected an object keyed by indicator id, got ${t.en}`);
  } else {
    for (const [id, o] of Object.entries(rawOverrides)) {
      const field = `overrides.${id}`;
      const ind = index.get(id);
      if (!ind) {
        issues.add(field, `gói ${pack.id} không có chỉ tiêu "${id}"`, `pack ${pack.id} has no indicator "${id}"`);
        continue;
      }
      if (!isPlainObject(o)) {
        const t = typeName(o);
        issues.add(field, `cần { "points", "reason" }, nhận được ${t.vi}`, `expected { "points", "reason" }, got ${t.en}`);
        continue;
      }
      issues.onlyKeys(o, ['points', 'reason'], field);
      const p = o['points'];
      let points: number | null = null;
      if (typeof p !== 'number' || !Number.isInteger(p)) {
        const t = typeName(p);
        issues.add(`${field}.points`, `cần số điểm nguyên từ 0 đến ${ind.max}, nhận được ${t.vi}`, `expected whole points from 0 to ${ind.max}, got ${t.en}`);
      } else if (p < 0 || p > ind.max) {
        issues.add(`${field}.points`, `điểm điều chỉnh ${p} nằm ngoài khoảng 0..${ind.max} của chỉ tiêu ${id}`, `override points ${p} are outside 0..${ind.max} for indicator ${id}`);
      } else points = p;
      const reason = o['reason'];
      if (typeof reason !== 'string' || reason.trim() === '') {
        issues.add(`${field}.reason`, 'điều chỉnh điểm phải có lý do bằng văn bản', 'an override needs a written reason');
      } else if (points !== null) overrides[id] = { points, reason: reason.trim() };
    }
  }

  if (issues.list.length > 0 || !unitClass.success) throw invalidInput(issues.list);
  return {
    pack: pack.id,
    ...(typeof packVersion === 'string' ? { packVersion } : {}),
    unitClass: unitClass.data,
    values,
    overrides,
  };
}

/**
 * Validates a score input against its pack (see `validateScoreInput`): the checker compiled from the pack (check.ts)
 * accepts what it is sure of without building a message; anything else gets the full validation and its
 * `invalid_input`. Values and overrides keep the order of the input's keys.
 */
export function parseScoreInput(raw: unknown, loaded: LoadedPack): ScoreInput {
  const plan = planOf(loaded);
  const slots: (IndicatorValue | undefined)[] = new Array(plan.indicators.length);
  const overrideSlots: (Override | undefined)[] = new Array(plan.indicators.length);
  const unitClass = checkInput(raw, plan, slots, overrideSlots);
  if (unitClass === null) return validateScoreInput(raw, loaded);
  const r = raw as Record<string, unknown>;
  const values: Record<string, IndicatorValue> = {};
  for (const id in r['values'] as object) {
    const v = slots[plan.slotOf.get(id)!];
    if (v !== undefined) values[id] = v;
  }
  const overrides: Record<string, Override> = {};
  for (const id in r['overrides'] as object) overrides[id] = overrideSlots[plan.slotOf.get(id)!]!;
  const packVersion = r['packVersion'];
  return { pack: loaded.pack.id, ...(typeof packVersion === 'string' ? { packVersion } : {}), unitClass, values, overrides };
}
