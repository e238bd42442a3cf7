/**
 * REFERENCE ORACLE — NOT APP CODE. The scoring engine as it was before issue 11 (src/core/scoring/format.ts, input.ts,
 * engine.ts, whatif.ts and assess() at commit 943cecd), kept verbatim apart from its imports (and the what-if's
 * PERCENT_SCALE renamed, as the files are one here), only so that test/unit/scoring/oracle-equality.test.ts can prove
 * the compiled fast path and its explanations give the same results, texts and rejections, and `npm run bench:score`
 * can print old against new in one run. Do not import it from `src/`.
 */
import { z } from 'zod';
import { CfcError, type Bilingual, type FieldIssue } from '../../src/core/errors';
import { UNIT_CLASSES, unitClassSchema, type Bracket, type Criterion, type Indicator, type LoadedPack, type Pack, type UnitClass } from '../../src/core/criteria/schema';
import { THRESHOLD_SCALE, scaledThreshold } from '../../src/core/criteria/validate';
import type { CriterionResult, IndicatorResult, Reason, ScoreResult, WhatIf, WhatIfStep } from '../../src/core/scoring/result';

// ---- format.ts
/**
 * Number formats of the explanations: Vietnamese `1.234,5`, English `1,234.5`. Pure string arithmetic, no locale data,
 * so the output is the same on every machine. Percentages are computed exactly from integers and rounded half up.
 */

export type Lang = 'vi' | 'en';

const SEP: Record<Lang, { group: string; decimal: string }> = {
  vi: { group: '.', decimal: ',' },
  en: { group: ',', decimal: '.' },
};

function groupDigits(digits: string, sep: string): string {
  if (digits.length <= 3) return digits;
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

/** A non-negative integer with thousands separators. */
export function formatInt(n: number, lang: Lang): string {
  return groupDigits(String(n), SEP[lang].group);
}

/** A decimal given as a plain string ("98.50", "1234.5"), in the language's format, trailing zeros dropped. */
export function formatDecimal(plain: string, lang: Lang): string {
  const [int = '0', frac = ''] = plain.split('.');
  const f = frac.replace(/0+$/, '');
  return groupDigits(int, SEP[lang].group) + (f ? SEP[lang].decimal + f : '');
}

/** An integer count of 1/10^scaleDigits units as a plain decimal string ("985000", 4 → "98.5000"). */
export function scaledToPlain(value: bigint | number, scaleDigits: number): string {
  const s = String(value).padStart(scaleDigits + 1, '0');
  return scaleDigits === 0 ? s : `${s.slice(0, -scaleDigits)}.${s.slice(-scaleDigits)}`;
}

/**
 * numerator/denominator as a percentage with `decimals` decimals, rounded half up, as a plain string ("98.33").
 * Exact: BigInt arithmetic, whatever the size of the numbers.
 */
export function percentPlain(numerator: number, denominator: number, decimals = 2): string {
  const scale = 10 ** decimals;
  const twice = numerator * 100 * scale * 2 + denominator;
  if (Number.isSafeInteger(twice)) return scaledToPlain(Math.floor(twice / (2 * denominator)), decimals);
  const big = BigInt(numerator) * 100n * 10n ** BigInt(decimals) * 2n + BigInt(denominator);
  return scaledToPlain(big / (2n * BigInt(denominator)), decimals);
}

/** A percentage as the language writes it ("98,33" / "98.33", "96" for 96.00). */
export function formatPercent(numerator: number, denominator: number, lang: Lang, decimals = 2): string {
  return formatDecimal(percentPlain(numerator, denominator, decimals), lang);
}

/** A bracket threshold (a JS number with at most 4 decimals) in the language's format. */
export function formatThreshold(t: number, lang: Lang): string {
  return formatDecimal(String(t), lang);
}

/** Both languages at once. */
export function both(f: (lang: Lang) => string): { vi: string; en: string } {
  return { vi: f('vi'), en: f('en') };
}

// ---- input.ts

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

/** The largest count the engine takes: a commune's children number in the thousands; this keeps every product exact. */
export const MAX_COUNT = 1_000_000_000;

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
 */
export function parseScoreInput(raw: unknown, loaded: LoadedPack): ScoreInput {
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

// ---- engine.ts

/**
 * The scoring engine: `score(input, pack) → result`, a pure function. Rates compare exactly on integers:
 * `numerator × 100 × 10^4 ≥ threshold × 10^4 × denominator`; with counts up to 10^9 and thresholds up to 100 every
 * product stays below 2^53, so no floating point takes part in a bracket decision.
 */

/** `numerator × 100 × THRESHOLD_SCALE`: the left side of every rate comparison. */
const PERCENT_SCALE = 100 * THRESHOLD_SCALE;

export const UNIT_CLASS_TITLES: Record<UnitClass, Bilingual> = {
  urban_ward: {
    vi: 'Phường thuộc quận, thị xã, thành phố của thành phố trực thuộc trung ương',
    en: 'Ward of an urban district, town or city of a centrally governed city',
  },
  mountain_island_disadvantaged: {
    vi: 'Xã, thị trấn thuộc miền núi, hải đảo; xã đặc biệt khó khăn',
    en: 'Commune or township in a mountain or island area; extremely disadvantaged commune',
  },
  other: { vi: 'Xã, phường, thị trấn còn lại', en: 'Other communes, wards and townships' },
};

/** Bracket thresholds scaled to integers (1/10^4 percent for rates and surveys; counts as they are), per pack. */
const scaledCache = new WeakMap<Bracket[], number[]>();
export function scaledThresholds(ind: Indicator & { brackets: Bracket[] }): number[] {
  let s = scaledCache.get(ind.brackets);
  if (!s) {
    s = ind.brackets.map((b) => {
      if (ind.kind === 'count') return b.threshold;
      const v = scaledThreshold(b.threshold);
      if (v === null) throw new Error(`Unvalidated pack: threshold ${b.threshold} of ${ind.id}`);
      return v;
    });
    scaledCache.set(ind.brackets, s);
  }
  return s;
}

/** Does numerator/denominator (denominator > 0) reach a scaled threshold in the better direction? */
export function rateMeets(numerator: number, denominator: number, scaled: number, better: 'higher' | 'lower'): boolean {
  const lhs = numerator * PERCENT_SCALE;
  const rhs = scaled * denominator;
  return better === 'higher' ? lhs >= rhs : lhs <= rhs;
}

/** The index of the first bracket a rate meets, or -1. */
export function rateBracketIndex(scaled: number[], better: 'higher' | 'lower', numerator: number, denominator: number): number {
  for (let i = 0; i < scaled.length; i++) if (rateMeets(numerator, denominator, scaled[i]!, better)) return i;
  return -1;
}

/**
 * Does numerator/denominator per `per` (denominator > 0) reach a scaled threshold (1/10^4 cases per N)? Exact:
 * `numerator × per × 10^4` against `threshold × 10^4 × denominator` in BigInt (the products pass 2^53 for large N).
 */
export function perNMeets(numerator: number, denominator: number, per: number, scaled: number, better: 'higher' | 'lower'): boolean {
  const lhs = BigInt(numerator) * BigInt(per) * BigInt(THRESHOLD_SCALE);
  const rhs = BigInt(scaled) * BigInt(denominator);
  return better === 'higher' ? lhs >= rhs : lhs <= rhs;
}

/** The index of the first bracket a rate per N meets, or -1. */
export function perNBracketIndex(scaled: number[], better: 'higher' | 'lower', per: number, numerator: number, denominator: number): number {
  for (let i = 0; i < scaled.length; i++) if (perNMeets(numerator, denominator, per, scaled[i]!, better)) return i;
  return -1;
}

/** The index of the first bracket a count meets, or -1. */
export function countBracketIndex(thresholds: number[], better: 'higher' | 'lower', count: number): number {
  for (let i = 0; i < thresholds.length; i++) {
    const t = thresholds[i]!;
    if (better === 'higher' ? count >= t : count <= t) return i;
  }
  return -1;
}

type Op = '≥' | '<' | '≤' | '>';
const HOLDS: Record<Op, (x: bigint, t: bigint) => boolean> = {
  '≥': (x, t) => x >= t,
  '<': (x, t) => x < t,
  '≤': (x, t) => x <= t,
  '>': (x, t) => x > t,
};

const HOLDS_NUM: Record<Op, (x: number, t: number) => boolean> = {
  '≥': (x, t) => x >= t,
  '<': (x, t) => x < t,
  '≤': (x, t) => x <= t,
  '>': (x, t) => x > t,
};

/**
 * The percentage to show beside a comparison, rounded to 2 decimals unless rounding would contradict the exact
 * comparison (97.996% is shown as "97.996" before "< 98%", never as "98").
 */
function percentFor(numerator: number, denominator: number, scaledT: number, op: Op): string {
  // Fast path: 2 decimals, compared in 1/10^4 percent as safe integers.
  const plain2 = percentPlain(numerator, denominator, 2);
  if (HOLDS_NUM[op](Number(plain2.replace('.', '')) * 100, scaledT)) return plain2;
  for (let dec = 3; dec <= 12; dec++) {
    const plain = percentPlain(numerator, denominator, dec);
    const q = BigInt(plain.replace('.', ''));
    const s = Math.max(dec, 4);
    if (HOLDS[op](q * 10n ** BigInt(s - dec), BigInt(scaledT) * 10n ** BigInt(s - 4))) return plain;
  }
  return percentPlain(numerator, denominator, 12);
}

interface Evaluation {
  status: IndicatorResult['status'];
  computed: number | null;
  /** The rule that produced the points is confirmed. */
  ruleConfirmed: boolean;
  percentage: string | null;
  groups: IndicatorResult['groups'];
  explanation: Bilingual;
}

const pointsOf = (p: number, max: number, lang: Lang) => `${formatInt(p, lang)}/${formatInt(max, lang)}`;

function bracketExplain(
  lead: (lang: Lang) => string,
  pct: (scaledT: number, op: Op) => string | null,
  ind: Indicator & { brackets: Bracket[]; better?: 'higher' | 'lower' },
  scaled: number[],
  idx: number,
): Bilingual {
  const better = ind.better ?? 'higher';
  const matched = idx >= 0;
  const b = matched ? ind.brackets[idx]! : ind.brackets[ind.brackets.length - 1]!;
  const t = matched ? scaled[idx]! : scaled[scaled.length - 1]!;
  const op: Op = matched ? (better === 'higher' ? '≥' : '≤') : better === 'higher' ? '<' : '>';
  const p = matched ? b.points : 0;
  const shown = pct(t, op);
  return both((lang) => {
    const unit = ind.kind === 'count' ? '' : ind.kind === 'rate_per_n' ? `/${formatInt(ind.per, lang)}` : '%';
    const value = shown === null ? '' : ` = ${formatDecimal(shown, lang)}${unit}`;
    return `${lead(lang)}${value} ${op} ${formatThreshold(b.threshold, lang)}${unit} → ${pointsOf(p, ind.max, lang)}`;
  });
}

/** Scores one indicator from its value (undefined: not entered). */
export function evaluateIndicator(ind: Indicator, value: IndicatorValue | undefined): Evaluation {
  const none = { percentage: null, groups: null };
  if (value === undefined) {
    return { status: 'missing', computed: null, ruleConfirmed: true, ...none, explanation: both((l) => (l === 'vi' ? 'Chưa nhập số liệu' : 'No value entered') + ` → ${pointsOf(0, ind.max, l)}`) };
  }
  switch (ind.kind) {
    case 'boolean': {
      const yes = value === true;
      const p = yes ? ind.max : 0;
      return { status: 'scored', computed: p, ruleConfirmed: true, ...none, explanation: both((l) => `${yes ? (l === 'vi' ? 'Có' : 'Yes') : l === 'vi' ? 'Không' : 'No'} → ${pointsOf(p, ind.max, l)}`) };
    }
    case 'choice': {
      const opt = ind.options.find((o) => o.id === value);
      const p = opt?.points ?? 0;
      return { status: 'scored', computed: p, ruleConfirmed: opt?.confirmed ?? true, ...none, explanation: both((l) => `"${opt?.title[l] ?? String(value)}" → ${pointsOf(p, ind.max, l)}`) };
    }
    case 'count': {
      const c = value as number;
      const scaled = scaledThresholds(ind);
      const idx = countBracketIndex(scaled, ind.better, c);
      const p = idx >= 0 ? ind.brackets[idx]!.points : 0;
      const rule = idx >= 0 ? ind.brackets[idx]!.confirmed : ind.otherwise.confirmed;
      return { status: 'scored', computed: p, ruleConfirmed: rule, ...none, explanation: bracketExplain((l) => formatInt(c, l), () => null, ind, scaled, idx) };
    }
    case 'rate': {
      const { numerator: n, denominator: d } = value as RateValue;
      if (d === 0) {
        const p = ind.denominatorZero.points;
        return {
          status: 'scored',
          computed: p,
          ruleConfirmed: ind.denominatorZero.confirmed,
          ...none,
          explanation: both((l) => (l === 'vi' ? `0/0: không có trường hợp nào thuộc diện → ${pointsOf(p, ind.max, l)}` : `0/0: nobody in scope → ${pointsOf(p, ind.max, l)}`)),
        };
      }
      const scaled = scaledThresholds(ind);
      const idx = rateBracketIndex(scaled, ind.better, n, d);
      const p = idx >= 0 ? ind.brackets[idx]!.points : 0;
      return {
        status: 'scored',
        computed: p,
        ruleConfirmed: idx >= 0 ? ind.brackets[idx]!.confirmed : ind.otherwise.confirmed,
        percentage: percentPlain(n, d, 2),
        groups: null,
        explanation: bracketExplain((l) => `${formatInt(n, l)}/${formatInt(d, l)}`, (t, op) => percentFor(n, d, t, op), ind, scaled, idx),
      };
    }
    case 'rate_per_n': {
      const { numerator: n, denominator: d } = value as RateValue;
      if (d === 0) {
        const p = ind.denominatorZero.points;
        return {
          status: 'scored',
          computed: p,
          ruleConfirmed: ind.denominatorZero.confirmed,
          ...none,
          explanation: both((l) => (l === 'vi' ? `0/0: không có trường hợp nào thuộc diện → ${pointsOf(p, ind.max, l)}` : `0/0: nobody in scope → ${pointsOf(p, ind.max, l)}`)),
        };
      }
      const scaled = scaledThresholds(ind);
      const idx = perNBracketIndex(scaled, ind.better, ind.per, n, d);
      const p = idx >= 0 ? ind.brackets[idx]!.points : 0;
      // Shown as n × N / d: the percentage helpers on (n × N) / (d × 100), exact in BigInt.
      const [sn, sd] = [n * ind.per, d * 100];
      return {
        status: 'scored',
        computed: p,
        ruleConfirmed: idx >= 0 ? ind.brackets[idx]!.confirmed : ind.otherwise.confirmed,
        percentage: null,
        groups: null,
        explanation: bracketExplain((l) => `${formatInt(n, l)}/${formatInt(d, l)}`, (t, op) => percentFor(sn, sd, t, op), ind, scaled, idx),
      };
    }
    case 'survey': {
      const v = value as SurveyValue;
      let respondents = 0;
      let satisfied = 0;
      const short: { title: Bilingual; respondents: number; min: number }[] = [];
      const groups = ind.groups.map((g) => {
        const tally = v.groups[g.id] ?? { respondents: 0, satisfied: 0 };
        respondents += tally.respondents;
        satisfied += tally.satisfied;
        if (tally.respondents < g.minRespondents) short.push({ title: g.title, respondents: tally.respondents, min: g.minRespondents });
        return {
          id: g.id,
          title: g.title,
          respondents: tally.respondents,
          satisfied: tally.satisfied,
          minRespondents: g.minRespondents,
          percentage: tally.respondents > 0 ? percentPlain(tally.satisfied, tally.respondents, 2) : null,
        };
      });
      const tallies = (l: Lang) =>
        groups.map((g) => `${g.title[l]} ${formatInt(g.satisfied, l)}/${formatInt(g.respondents, l)}`).join(', ');
      if (short.length > 0) {
        return {
          status: 'not_scorable',
          computed: null,
          ruleConfirmed: ind.groups.every((g) => g.confirmed),
          percentage: respondents > 0 ? percentPlain(satisfied, respondents, 2) : null,
          groups,
          explanation: both((l) => {
            const why = short
              .map((s) =>
                l === 'vi'
                  ? `nhóm ${s.title.vi} có ${formatInt(s.respondents, l)} người trả lời, cần ít nhất ${formatInt(s.min, l)}`
                  : `the ${s.title.en} group has ${formatInt(s.respondents, l)} respondents, at least ${formatInt(s.min, l)} are needed`,
              )
              .join('; ');
            return l === 'vi' ? `Chưa chấm được: ${why} → ${pointsOf(0, ind.max, l)}` : `Cannot be scored: ${why} → ${pointsOf(0, ind.max, l)}`;
          }),
        };
      }
      const scaled = scaledThresholds(ind);
      const idx = rateBracketIndex(scaled, 'higher', satisfied, respondents);
      const p = idx >= 0 ? ind.brackets[idx]!.points : 0;
      return {
        status: 'scored',
        computed: p,
        ruleConfirmed: idx >= 0 ? ind.brackets[idx]!.confirmed : ind.otherwise.confirmed,
        percentage: percentPlain(satisfied, respondents, 2),
        groups,
        explanation: bracketExplain(
          (l) => `${tallies(l)}; ${l === 'vi' ? 'tổng' : 'total'} ${formatInt(satisfied, l)}/${formatInt(respondents, l)}`,
          (t, op) => percentFor(satisfied, respondents, t, op),
          ind,
          scaled,
          idx,
        ),
      };
    }
  }
}

/** One indicator's result: the evaluation, the override beside it, the points that count. */
export function indicatorResult(ind: Indicator, value: IndicatorValue | undefined, override: Override | undefined): IndicatorResult {
  const e = evaluateIndicator(ind, value);
  const points = override ? override.points : (e.computed ?? 0);
  const explanation = override
    ? {
        vi: `${e.explanation.vi}; điều chỉnh thành ${pointsOf(override.points, ind.max, 'vi')} (lý do: ${override.reason})`,
        en: `${e.explanation.en}; overridden to ${pointsOf(override.points, ind.max, 'en')} (reason: ${override.reason})`,
      }
    : e.explanation;
  return {
    id: ind.id,
    kind: ind.kind,
    title: ind.title,
    max: ind.max,
    // An override is an assessor's decision with a written reason: the indicator counts as assessed.
    status: override ? 'scored' : e.status,
    computed: e.computed,
    override: override ? { points: override.points, reason: override.reason } : null,
    points,
    provisional: !ind.confirmed || !e.ruleConfirmed,
    percentage: e.percentage,
    groups: e.groups,
    explanation,
  };
}

const list = (ids: string[]) => ids.join(', ');

/**
 * The reasons that stand between a set of criteria points and recognition. A criterion with an indicator not entered
 * (or not scorable) is *not assessed*: it is listed under `incomplete`, never under `criterion_zero`, which names only
 * criteria whose indicators are all assessed and which score 0. `below_threshold` is reported only when the points the
 * indicators not yet assessed could still bring would not close the gap (so an unfinished entry reads "incomplete",
 * not "failed").
 */
export function verdictReasons(
  pack: Pack,
  criteria: { id: string; title: Bilingual; points: number }[],
  total: number,
  threshold: number,
  unitClass: UnitClass,
  missing: string[],
  unscorable: string[],
): Reason[] {
  const reasons: Reason[] = [];
  const pending = new Set([...missing, ...unscorable]);
  const notAssessed = pack.criteria.filter((c) => c.indicators.some((i) => pending.has(i.id))).map((c) => c.id);
  const stillPossible = pack.criteria.reduce((n, c) => n + c.indicators.reduce((m, i) => m + (pending.has(i.id) ? i.max : 0), 0), 0);
  if (missing.length > 0 || unscorable.length > 0) {
    const vi: string[] = [];
    const en: string[] = [];
    if (missing.length) {
      vi.push(`chưa nhập số liệu cho ${missing.length} chỉ tiêu (${list(missing)})`);
      en.push(`no value for ${missing.length} indicator${missing.length > 1 ? 's' : ''} (${list(missing)})`);
    }
    if (unscorable.length) {
      vi.push(`chưa chấm được ${list(unscorable)}`);
      en.push(`${list(unscorable)} cannot be scored`);
    }
    reasons.push({
      code: 'incomplete',
      missing,
      unscorable,
      criteria: notAssessed,
      message: {
        vi: `Chưa đánh giá đủ các tiêu chí: ${vi.join('; ')}; tiêu chí chưa nhập đủ: ${list(notAssessed)}.`,
        en: `Not every criterion is assessed: ${en.join('; ')}; not fully entered: criteri${notAssessed.length > 1 ? 'a' : 'on'} ${list(notAssessed)}.`,
      },
    });
  }
  const zero = pack.recognition.noCriterionAtZero ? criteria.filter((c) => c.points === 0 && !notAssessed.includes(c.id)) : [];
  if (zero.length > 0) {
    reasons.push({
      code: 'criterion_zero',
      criteria: zero.map((c) => c.id),
      message: {
        vi: `Có tiêu chí đạt 0 điểm: ${zero.map((c) => `${c.id} (${c.title.vi})`).join('; ')}.`,
        en: `${zero.length === 1 ? 'A criterion scores' : 'Criteria score'} 0 points: ${zero.map((c) => `${c.id} (${c.title.en})`).join('; ')}.`,
      },
    });
  }
  if (total + stillPossible < threshold) {
    const gap = threshold - total;
    const cls = UNIT_CLASS_TITLES[unitClass];
    reasons.push({
      code: 'below_threshold',
      total,
      threshold,
      gap,
      message: {
        vi: `Tổng điểm ${formatInt(total, 'vi')} thấp hơn mức ${formatInt(threshold, 'vi')} của loại đơn vị "${cls.vi}": còn thiếu ${formatInt(gap, 'vi')} điểm.`,
        en: `The total of ${formatInt(total, 'en')} is below the ${formatInt(threshold, 'en')} required for "${cls.en}": ${formatInt(gap, 'en')} point${gap === 1 ? '' : 's'} short.`,
      },
    });
  }
  return reasons;
}

/** Scores a validated input. */
export function computeScore(input: ScoreInput, loaded: LoadedPack): ScoreResult {
  const { pack } = loaded;
  const missing: string[] = [];
  const unscorable: string[] = [];
  let total = 0;
  let anyProvisional = pack.status === 'provisional' || !pack.recognition.confirmed;
  const criteria: CriterionResult[] = pack.criteria.map((c) => {
    let points = 0;
    let provisional = !c.confirmed;
    const indicators = c.indicators.map((ind) => {
      const r = indicatorResult(ind, input.values[ind.id], input.overrides[ind.id]);
      if (r.status === 'missing') missing.push(ind.id);
      else if (r.status === 'not_scorable') unscorable.push(ind.id);
      points += r.points;
      provisional ||= r.provisional;
      return r;
    });
    total += points;
    anyProvisional ||= provisional;
    return { id: c.id, title: c.title, points, max: c.max, provisional, indicators };
  });
  const threshold = pack.recognition.thresholds[input.unitClass];
  const reasons = verdictReasons(pack, criteria, total, threshold, input.unitClass, missing, unscorable);
  const recognised = reasons.length === 0;
  const verdict = recognised ? 'recognised' : reasons.some((r) => r.code === 'incomplete') ? 'incomplete' : 'not_recognised';
  const head = (l: Lang) => `${formatInt(total, l)}/${formatInt(pack.maxTotal, l)} ${l === 'vi' ? 'điểm, mức công nhận' : 'points, threshold'} ${formatInt(threshold, l)}`;
  const summary: Bilingual = {
    vi: `${verdict === 'recognised' ? 'Đạt chuẩn xã, phường, thị trấn phù hợp với trẻ em' : verdict === 'incomplete' ? 'Chưa đủ số liệu để kết luận' : 'Chưa đạt chuẩn'}: ${head('vi')}.${reasons.map((r) => ' ' + r.message.vi).join('')}`,
    en: `${verdict === 'recognised' ? 'Recognised as child-friendly' : verdict === 'incomplete' ? 'Incomplete: no verdict yet' : 'Not recognised'}: ${head('en')}.${reasons.map((r) => ' ' + r.message.en).join('')}`,
  };
  return {
    pack: { id: pack.id, version: pack.version, sha256: loaded.sha256, status: pack.status, title: pack.title },
    unitClass: input.unitClass,
    unitClassTitle: UNIT_CLASS_TITLES[input.unitClass],
    total,
    maxTotal: pack.maxTotal,
    threshold,
    recognised,
    verdict,
    provisional: anyProvisional,
    provisionalNotice: anyProvisional ? pack.provisionalNotice : null,
    criteria,
    reasons,
    summary,
  };
}

/** Validates a score input against the pack (CfcError `invalid_input` naming the field) and scores it. */
export function score(input: unknown, loaded: LoadedPack): ScoreResult {
  return computeScore(parseScoreInput(input, loaded), loaded);
}


// ---- whatif.ts

/**
 * What-if: for a result that is not recognised, the cheapest changes that would reach recognition. Per indicator, the
 * next bracket up and what it takes in the indicator's own units; then a plan, the smallest set of such steps found
 * greedily (see `plan`), or the statement that recognition cannot be reached by improving the data entered.
 */

const WHATIF_PERCENT_SCALE = 100 * THRESHOLD_SCALE;

interface Candidate extends WhatIfStep {
  /** The value after the step. */
  next: IndicatorValue;
  order: number;
}

const ceilDiv = (a: number, b: number) => Math.floor((a + b - 1) / b);

function stepText(id: string, vi: string, en: string, gain: number, lifts: string | null): Bilingual {
  return {
    vi: `${id}: ${vi}, được thêm ${formatInt(gain, 'vi')} điểm${lifts ? ` (đưa tiêu chí ${lifts} khỏi 0 điểm)` : ''}`,
    en: `${id}: ${en} gives +${formatInt(gain, 'en')} point${gain === 1 ? '' : 's'}${lifts ? ` (lifts criterion ${lifts} off 0 points)` : ''}`,
  };
}

/** The next bracket up of one indicator from its current value, or null if it is at its best (or cannot move). */
function nextStep(ind: Indicator, criterion: Criterion, value: IndicatorValue, pointsNow: number, criterionAtZero: boolean, order: number): Candidate | null {
  const lifts = criterionAtZero ? criterion.id : null;
  const base = { indicatorId: ind.id, criterionId: criterion.id, kind: ind.kind, pointsBefore: pointsNow, liftsCriterionFromZero: criterionAtZero, order };
  const make = (c: Omit<Candidate, keyof typeof base | 'gain' | 'text' | 'liftsCriterionFromZero'> & { vi: string; en: string; pointsAfter: number }): Candidate | null => {
    const gain = c.pointsAfter - pointsNow;
    if (gain <= 0 || c.effort <= 0) return null;
    const { vi, en, ...rest } = c;
    return { ...base, ...rest, gain, text: stepText(ind.id, vi, en, gain, lifts) };
  };
  switch (ind.kind) {
    case 'boolean':
      if (value === true) return null;
      return make({
        from: 'false',
        to: 'true',
        effort: 1,
        unit: { vi: 'thay đổi', en: 'change' },
        pointsAfter: ind.max,
        next: true,
        vi: `đạt yêu cầu "${ind.title.vi}" (có)`,
        en: `"${ind.title.en}": yes`,
      });
    case 'choice': {
      const better = ind.options.filter((o) => o.points > pointsNow).sort((a, b) => a.points - b.points)[0];
      if (!better) return null;
      return make({
        from: String(value),
        to: better.id,
        effort: 1,
        unit: { vi: 'phương án', en: 'option' },
        pointsAfter: better.points,
        next: better.id,
        vi: `đạt mức "${better.title.vi}"`,
        en: `reaching "${better.title.en}"`,
      });
    }
    case 'count': {
      const c = value as number;
      const ts = scaledThresholds(ind);
      const idx = countBracketIndex(ts, ind.better, c);
      const target = idx === -1 ? ts.length - 1 : idx - 1;
      if (target < 0) return null;
      const t = ts[target]!;
      const effort = Math.abs(c - t);
      const word = ind.better === 'lower' ? { vi: 'giảm', en: 'fewer' } : { vi: 'thêm', en: 'more' };
      return make({
        from: String(c),
        to: String(t),
        effort,
        unit: ind.countLabel,
        pointsAfter: ind.brackets[target]!.points,
        next: t,
        vi: `${word.vi} ${formatInt(effort, 'vi')} ${ind.countLabel.vi}: ${formatInt(c, 'vi')} → ${formatInt(t, 'vi')}`,
        en: `${formatInt(effort, 'en')} ${word.en} ${ind.countLabel.en}: ${formatInt(c, 'en')} → ${formatInt(t, 'en')}`,
      });
    }
    case 'rate': {
      const { numerator: n, denominator: d } = value as RateValue;
      if (d === 0) return null;
      const ts = scaledThresholds(ind);
      const idx = rateBracketIndex(ts, ind.better, n, d);
      const target = idx === -1 ? ts.length - 1 : idx - 1;
      if (target < 0) return null;
      const t = ts[target]!;
      // The denominator is the population in scope: the change is in the numerator.
      const n2 = ind.better === 'higher' ? ceilDiv(t * d, WHATIF_PERCENT_SCALE) : Math.floor((t * d) / WHATIF_PERCENT_SCALE);
      if (n2 > d || n2 < 0 || !rateMeets(n2, d, t, ind.better)) return null;
      const effort = Math.abs(n2 - n);
      const word = ind.better === 'lower' ? { vi: 'giảm', en: 'fewer' } : { vi: 'thêm', en: 'more' };
      const fr = (l: 'vi' | 'en') => `${formatInt(n, l)}/${formatInt(d, l)} → ${formatInt(n2, l)}/${formatInt(d, l)}`;
      return make({
        from: `${n}/${d}`,
        to: `${n2}/${d}`,
        effort,
        unit: ind.numeratorLabel,
        pointsAfter: ind.brackets[target]!.points,
        next: { numerator: n2, denominator: d },
        vi: `${word.vi} ${formatInt(effort, 'vi')} ${ind.numeratorLabel.vi}: ${fr('vi')}`,
        en: `${formatInt(effort, 'en')} ${word.en} ${ind.numeratorLabel.en}: ${fr('en')}`,
      });
    }
    case 'rate_per_n': {
      const { numerator: n, denominator: d } = value as RateValue;
      if (d === 0) return null;
      const ts = scaledThresholds(ind);
      const idx = perNBracketIndex(ts, ind.better, ind.per, n, d);
      const target = idx === -1 ? ts.length - 1 : idx - 1;
      if (target < 0) return null;
      // n2 × per × 10^4 against t × d, exactly: the largest (lower is better) or smallest (higher) numerator that meets t.
      const num = BigInt(ts[target]!) * BigInt(d);
      const den = BigInt(ind.per) * BigInt(THRESHOLD_SCALE);
      const n2 = Number(ind.better === 'higher' ? (num + den - 1n) / den : num / den);
      if (n2 > d || n2 < 0 || !perNMeets(n2, d, ind.per, ts[target]!, ind.better)) return null;
      const effort = Math.abs(n2 - n);
      const word = ind.better === 'lower' ? { vi: 'giảm', en: 'fewer' } : { vi: 'thêm', en: 'more' };
      const fr = (l: 'vi' | 'en') => `${formatInt(n, l)}/${formatInt(d, l)} → ${formatInt(n2, l)}/${formatInt(d, l)}`;
      return make({
        from: `${n}/${d}`,
        to: `${n2}/${d}`,
        effort,
        unit: ind.numeratorLabel,
        pointsAfter: ind.brackets[target]!.points,
        next: { numerator: n2, denominator: d },
        vi: `${word.vi} ${formatInt(effort, 'vi')} ${ind.numeratorLabel.vi}: ${fr('vi')}`,
        en: `${formatInt(effort, 'en')} ${word.en} ${ind.numeratorLabel.en}: ${fr('en')}`,
      });
    }
    case 'survey': {
      const v = value as SurveyValue;
      const tallies = ind.groups.map((g) => ({ id: g.id, ...(v.groups[g.id] ?? { respondents: 0, satisfied: 0 }) }));
      if (ind.groups.some((g, i) => tallies[i]!.respondents < g.minRespondents)) return null;
      const r = tallies.reduce((a, t) => a + t.respondents, 0);
      const s = tallies.reduce((a, t) => a + t.satisfied, 0);
      const ts = scaledThresholds(ind);
      const idx = rateBracketIndex(ts, 'higher', s, r);
      const target = idx === -1 ? ts.length - 1 : idx - 1;
      if (target < 0) return null;
      const s2 = ceilDiv(ts[target]! * r, WHATIF_PERCENT_SCALE);
      if (s2 > r) return null;
      // Spread the extra satisfied respondents over the groups in order, within each group's respondents.
      let extra = s2 - s;
      const groups: SurveyValue['groups'] = {};
      for (const t of tallies) {
        const add = Math.min(extra, t.respondents - t.satisfied);
        extra -= add;
        groups[t.id] = { respondents: t.respondents, satisfied: t.satisfied + add };
      }
      const unit = { vi: 'người trả lời hài lòng', en: 'satisfied respondents' };
      const fr = (l: 'vi' | 'en') => `${formatInt(s, l)}/${formatInt(r, l)} → ${formatInt(s2, l)}/${formatInt(r, l)}`;
      return make({
        from: `${s}/${r}`,
        to: `${s2}/${r}`,
        effort: s2 - s,
        unit,
        pointsAfter: ind.brackets[target]!.points,
        next: { groups },
        vi: `thêm ${formatInt(s2 - s, 'vi')} ${unit.vi}: ${fr('vi')}`,
        en: `${formatInt(s2 - s, 'en')} more ${unit.en}: ${fr('en')}`,
      });
    }
  }
}

/** Shortest path first: steps that lift a criterion off 0, then the most points per unit of effort, then the most points. */
function byPriority(a: Candidate, b: Candidate): number {
  if (a.liftsCriterionFromZero !== b.liftsCriterionFromZero) return a.liftsCriterionFromZero ? -1 : 1;
  // gain/effort compared exactly by cross-multiplication.
  const ratio = b.gain * a.effort - a.gain * b.effort;
  if (ratio !== 0) return ratio;
  return b.gain - a.gain || a.effort - b.effort || a.order - b.order;
}

interface Standing {
  total: number;
  /** Criteria at 0 that block recognition: at 0 points although some indicator of theirs has data or an override. */
  blockingZero: Set<string>;
  candidates: Candidate[];
}

function standing(loaded: LoadedPack, values: Record<string, IndicatorValue>, input: ScoreInput): Standing {
  let total = 0;
  const blockingZero = new Set<string>();
  const candidates: Candidate[] = [];
  let order = 0;
  for (const c of loaded.pack.criteria) {
    let points = 0;
    let anyData = false;
    const evals = c.indicators.map((ind) => {
      const o = input.overrides[ind.id];
      const v = values[ind.id];
      const e = evaluateIndicator(ind, v);
      const p = o ? o.points : (e.computed ?? 0);
      if (o || e.status === 'scored') anyData = true;
      points += p;
      return { ind, o, v, e, p };
    });
    total += points;
    const atZero = points === 0 && loaded.pack.recognition.noCriterionAtZero;
    if (atZero && anyData) blockingZero.add(c.id);
    for (const { ind, o, v, e, p } of evals) {
      order++;
      // Overridden indicators are the assessor's decision; unscored ones need data first.
      if (o || v === undefined || e.status !== 'scored') continue;
      const step = nextStep(ind, c, v, p, atZero, order);
      if (step) candidates.push(step);
    }
  }
  return { total, blockingZero, candidates };
}

const strip = ({ next: _n, order: _o, ...step }: Candidate): WhatIfStep => step;

/** The what-if of a validated input. */
export function computeWhatIf(input: ScoreInput, loaded: LoadedPack): WhatIf {
  const { pack } = loaded;
  const threshold = pack.recognition.thresholds[input.unitClass];
  const requiresData: string[] = [];
  for (const c of pack.criteria) {
    for (const ind of c.indicators) {
      if (input.overrides[ind.id]) continue;
      const e = evaluateIndicator(ind, input.values[ind.id]);
      if (e.status !== 'scored') requiresData.push(ind.id);
    }
  }
  const first = standing(loaded, input.values, input);
  const meets = (s: Standing) => s.blockingZero.size === 0 && s.total >= threshold;
  if (meets(first) && requiresData.length === 0) {
    return {
      recognised: true,
      options: [],
      requiresData,
      plan: { reachable: true, steps: [], totalAfter: first.total, threshold, message: { vi: 'Đã đạt chuẩn; không cần thay đổi.', en: 'Already recognised; nothing needs to change.' } },
    };
  }
  const options = [...first.candidates].sort(byPriority).map(strip);

  // The plan is greedy, not an exact minimum: at each turn, if one step alone closes the remaining gap (and leaves no
  // criterion at 0), take the cheapest such step; otherwise take the highest-priority step (criteria at 0 first, then
  // points per unit of effort) and look again. Each step raises one indicator by one bracket, so the loop ends; and as
  // it can raise every indicator to its top bracket, "unreachable" is exact.
  const values: Record<string, IndicatorValue> = { ...input.values };
  const steps: WhatIfStep[] = [];
  let now = first;
  while (!meets(now)) {
    if (now.candidates.length === 0) break;
    const closing = now.candidates
      .filter((c) => now.total + c.gain >= threshold && (now.blockingZero.size === 0 || (now.blockingZero.size === 1 && now.blockingZero.has(c.criterionId) && c.liftsCriterionFromZero)))
      .sort((a, b) => a.effort - b.effort || b.gain - a.gain || a.order - b.order)[0];
    const pick = closing ?? [...now.candidates].sort(byPriority)[0]!;
    values[pick.indicatorId] = pick.next;
    steps.push(strip(pick));
    now = standing(loaded, values, input);
  }
  const reachable = meets(now);
  const dataNote: Bilingual =
    requiresData.length > 0
      ? {
          vi: ` Trước hết cần có số liệu chấm được cho ${requiresData.join(', ')}; kế hoạch tính các chỉ tiêu này là 0 điểm.`,
          en: ` First the data of ${requiresData.join(', ')} must be entered and scorable; the plan counts them as 0 points.`,
        }
      : { vi: '', en: '' };
  const zeroList = [...now.blockingZero].join(', ');
  const message: Bilingual = reachable && steps.length === 0
    ? {
        vi: `Số liệu đã có đủ mức ${formatInt(threshold, 'vi')} điểm (${formatInt(now.total, 'vi')}); còn thiếu số liệu để kết luận.${dataNote.vi} Các tiêu chí của những chỉ tiêu này cũng phải trên 0 điểm.`,
        en: `The data entered already reach the threshold of ${formatInt(threshold, 'en')} (${formatInt(now.total, 'en')}); data are still missing for a verdict.${dataNote.en} Their criteria must also score above 0.`,
      }
    : reachable
    ? {
        vi: `Có thể đạt chuẩn sau ${steps.length} bước; tổng điểm khi đó là ${formatInt(now.total, 'vi')}/${formatInt(pack.maxTotal, 'vi')} (mức ${formatInt(threshold, 'vi')}).${dataNote.vi}`,
        en: `Recognition can be reached in ${steps.length} step${steps.length === 1 ? '' : 's'}; the total would then be ${formatInt(now.total, 'en')}/${formatInt(pack.maxTotal, 'en')} (threshold ${formatInt(threshold, 'en')}).${dataNote.en}`,
      }
    : {
        vi: `Không thể đạt chuẩn chỉ bằng cách cải thiện các chỉ tiêu đã có số liệu: dù tất cả đạt mức cao nhất, tổng điểm là ${formatInt(now.total, 'vi')} (mức ${formatInt(threshold, 'vi')})${zeroList ? `, tiêu chí ${zeroList} vẫn 0 điểm` : ''}.${dataNote.vi}`,
        en: `Recognition cannot be reached by improving the indicators with data alone: even at their best the total is ${formatInt(now.total, 'en')} (threshold ${formatInt(threshold, 'en')})${zeroList ? `, and criterion ${zeroList} stays at 0` : ''}.${dataNote.en}`,
      };
  return { recognised: false, options, requiresData, plan: { reachable, steps, totalAfter: now.total, threshold, message } };
}

/** Validates a score input against the pack and computes its what-if. */
export function whatIf(input: unknown, loaded: LoadedPack): WhatIf {
  return computeWhatIf(parseScoreInput(input, loaded), loaded);
}

// ---- assess.ts
/** A result with its what-if (null when recognised). */
export type Assessment = ScoreResult & { whatIf: WhatIf | null };

/** Validates, scores and, if not recognised, adds the what-if. */
export function assess(raw: unknown, loaded: LoadedPack): Assessment {
  const input = parseScoreInput(raw, loaded);
  const result = computeScore(input, loaded);
  return { ...result, whatIf: result.recognised ? null : computeWhatIf(input, loaded) };
}
