import type { Bilingual } from '../errors';
import type { Bracket, Indicator, LoadedPack, Pack, UnitClass } from '../criteria/schema';
import { THRESHOLD_SCALE, scaledThreshold } from '../criteria/validate';
import { both, formatDecimal, formatInt, formatThreshold, percentPlain, type Lang } from './format';
import { parseScoreInput, type IndicatorValue, type Override, type RateValue, type ScoreInput, type SurveyValue } from './input';
import type { CriterionResult, IndicatorResult, Reason, ScoreResult } from './result';

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

