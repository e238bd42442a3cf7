import type { Bilingual } from '../errors';
import type { UnitClass } from '../criteria/schema';
import type { CriterionFacts, IndicatorFacts, ReasonFacts, ScoreFacts } from './facts';
import { formatDecimal, formatInt, formatThreshold, percentPlain, type Lang } from './format';
import type { RateValue, SurveyValue } from './input';
import { planOf, type PlanIndicator } from './plan';
import type { CriterionResult, IndicatorResult, Reason, ScoreResult } from './result';

/**
 * Explanations on demand: the texts of a result (each indicator's "118/120 = 98,33% ≥ 98% → 40/50", the verdict
 * reasons' messages, the summary) written from its facts, when a result is shown, reported or exported. The texts are
 * those the engine has always written; `explainScore(scoreFast(x))` is the `ScoreResult` of `score(x)`.
 */

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

type Op = '≥' | '<' | '≤' | '>';

function holds(op: Op, x: number | bigint, t: number | bigint): boolean {
  return op === '≥' ? x >= t : op === '<' ? x < t : op === '≤' ? x <= t : x > t;
}

/**
 * The percentage to show beside a comparison, rounded to 2 decimals unless rounding would contradict the exact
 * comparison (97.996% is shown as "97.996" before "< 98%", never as "98").
 */
function percentFor(numerator: number, denominator: number, scaledT: number, op: Op): string {
  // 2 decimals, compared in 1/10^4 percent as safe integers.
  const plain2 = percentPlain(numerator, denominator, 2);
  if (holds(op, Number(plain2.replace('.', '')) * 100, scaledT)) return plain2;
  for (let dec = 3; dec <= 12; dec++) {
    const plain = percentPlain(numerator, denominator, dec);
    const q = BigInt(plain.replace('.', ''));
    const s = Math.max(dec, 4);
    if (holds(op, q * 10n ** BigInt(s - dec), BigInt(scaledT) * 10n ** BigInt(s - 4))) return plain;
  }
  return percentPlain(numerator, denominator, 12);
}

const pointsOf = (p: number, max: number, lang: Lang) => `${formatInt(p, lang)}/${formatInt(max, lang)}`;

/**
 * "lead = value% op threshold% → points/max" for the bracket an indicator's value met (or the last one it missed); the
 * value shown is `sn / sd` as a percentage (none for counts: `sd` 0).
 */
function bracketText(p: PlanIndicator, f: IndicatorFacts, lead: Bilingual, sn: number, sd: number): Bilingual {
  const ind = p.ind as PlanIndicator['ind'] & { brackets: { threshold: number; points: number }[] };
  const idx = f.bracket!;
  const matched = idx >= 0;
  const at = matched ? idx : p.scaled.length - 1;
  const b = ind.brackets[at]!;
  const op: Op = matched ? (p.higher ? '≥' : '≤') : p.higher ? '<' : '>';
  const points = matched ? b.points : 0;
  const shown = sd === 0 ? null : percentFor(sn, sd, p.scaled[at]!, op);
  return { vi: bracketLine(p, lead.vi, shown, op, b.threshold, points, 'vi'), en: bracketLine(p, lead.en, shown, op, b.threshold, points, 'en') };
}

function bracketLine(p: PlanIndicator, lead: string, shown: string | null, op: Op, threshold: number, points: number, lang: Lang): string {
  const unit = p.kind === 'count' ? '' : p.kind === 'rate_per_n' ? `/${formatInt((p.ind as { per: number }).per, lang)}` : '%';
  const value = shown === null ? '' : ` = ${formatDecimal(shown, lang)}${unit}`;
  return `${lead}${value} ${op} ${formatThreshold(threshold, lang)}${unit} → ${pointsOf(points, p.max, lang)}`;
}

const ZERO_DENOMINATOR = (points: number, max: number): Bilingual => ({
  vi: `0/0: không có trường hợp nào thuộc diện → ${pointsOf(points, max, 'vi')}`,
  en: `0/0: nobody in scope → ${pointsOf(points, max, 'en')}`,
});

/** Why an indicator has its computed points (before any override). */
function ruleText(p: PlanIndicator, f: IndicatorFacts): Bilingual {
  const { ind } = p;
  const v = f.value;
  if (v === undefined) return { vi: `Chưa nhập số liệu → ${pointsOf(0, ind.max, 'vi')}`, en: `No value entered → ${pointsOf(0, ind.max, 'en')}` };
  const computed = f.computed ?? 0;
  switch (p.kind) {
    case 'boolean': {
      const yes = v === true;
      return { vi: `${yes ? 'Có' : 'Không'} → ${pointsOf(computed, ind.max, 'vi')}`, en: `${yes ? 'Yes' : 'No'} → ${pointsOf(computed, ind.max, 'en')}` };
    }
    case 'choice': {
      const opt = ind.kind === 'choice' ? ind.options.find((o) => o.id === v) : undefined;
      return { vi: `"${opt?.title.vi ?? String(v)}" → ${pointsOf(computed, ind.max, 'vi')}`, en: `"${opt?.title.en ?? String(v)}" → ${pointsOf(computed, ind.max, 'en')}` };
    }
    case 'count':
      return bracketText(p, f, { vi: formatInt(v as number, 'vi'), en: formatInt(v as number, 'en') }, 0, 0);
    case 'rate':
    case 'rate_per_n': {
      const { numerator: n, denominator: d } = v as RateValue;
      if (d === 0) return ZERO_DENOMINATOR(computed, ind.max);
      const lead = { vi: `${formatInt(n, 'vi')}/${formatInt(d, 'vi')}`, en: `${formatInt(n, 'en')}/${formatInt(d, 'en')}` };
      // A rate per N is shown as n × N / d: the percentage helpers on (n × N) / (d × 100).
      return p.kind === 'rate' ? bracketText(p, f, lead, n, d) : bracketText(p, f, lead, n * (ind as { per: number }).per, d * 100);
    }
    default:
      return surveyText(p, f, v as SurveyValue);
  }
}

interface GroupTally {
  title: Bilingual;
  respondents: number;
  satisfied: number;
  min: number;
}

function surveyTallies(p: PlanIndicator, v: SurveyValue): GroupTally[] {
  const ind = p.ind as Extract<PlanIndicator['ind'], { kind: 'survey' }>;
  return ind.groups.map((g) => {
    const t = v.groups[g.id] ?? { respondents: 0, satisfied: 0 };
    return { title: g.title, respondents: t.respondents, satisfied: t.satisfied, min: g.minRespondents };
  });
}

function surveyText(p: PlanIndicator, f: IndicatorFacts, v: SurveyValue): Bilingual {
  const max = p.ind.max;
  const tallies = surveyTallies(p, v);
  let respondents = 0;
  let satisfied = 0;
  for (const g of tallies) {
    respondents += g.respondents;
    satisfied += g.satisfied;
  }
  if (f.computed === null) {
    const short = tallies.filter((g) => g.respondents < g.min);
    const vi = short.map((s) => `nhóm ${s.title.vi} có ${formatInt(s.respondents, 'vi')} người trả lời, cần ít nhất ${formatInt(s.min, 'vi')}`).join('; ');
    const en = short.map((s) => `the ${s.title.en} group has ${formatInt(s.respondents, 'en')} respondents, at least ${formatInt(s.min, 'en')} are needed`).join('; ');
    return { vi: `Chưa chấm được: ${vi} → ${pointsOf(0, max, 'vi')}`, en: `Cannot be scored: ${en} → ${pointsOf(0, max, 'en')}` };
  }
  const lead = { vi: surveyLead(tallies, satisfied, respondents, 'vi'), en: surveyLead(tallies, satisfied, respondents, 'en') };
  return bracketText(p, f, lead, satisfied, respondents);
}

function surveyLead(tallies: GroupTally[], satisfied: number, respondents: number, l: Lang): string {
  const groups = tallies.map((g) => `${g.title[l]} ${formatInt(g.satisfied, l)}/${formatInt(g.respondents, l)}`).join(', ');
  return `${groups}; ${l === 'vi' ? 'tổng' : 'total'} ${formatInt(satisfied, l)}/${formatInt(respondents, l)}`;
}

/** The rate's percentage (rates, surveys) and the survey's groups, as the result shows them. */
function shownFigures(p: PlanIndicator, f: IndicatorFacts): Pick<IndicatorResult, 'percentage' | 'groups'> {
  const v = f.value;
  if (v === undefined) return { percentage: null, groups: null };
  if (p.kind === 'rate') {
    const { numerator: n, denominator: d } = v as RateValue;
    return { percentage: d === 0 ? null : percentPlain(n, d, 2), groups: null };
  }
  if (p.ind.kind !== 'survey') return { percentage: null, groups: null };
  const ind = p.ind;
  let respondents = 0;
  let satisfied = 0;
  const groups = ind.groups.map((g) => {
    const t = (v as SurveyValue).groups[g.id] ?? { respondents: 0, satisfied: 0 };
    respondents += t.respondents;
    satisfied += t.satisfied;
    return {
      id: g.id,
      title: g.title,
      respondents: t.respondents,
      satisfied: t.satisfied,
      minRespondents: g.minRespondents,
      percentage: t.respondents > 0 ? percentPlain(t.satisfied, t.respondents, 2) : null,
    };
  });
  return { percentage: respondents > 0 ? percentPlain(satisfied, respondents, 2) : null, groups };
}

/** One indicator's result from its facts: the figures shown and the explanation (with the override, if any). */
export function explainIndicator(f: IndicatorFacts, p: PlanIndicator): IndicatorResult {
  const { ind } = p;
  const why = ruleText(p, f);
  const o = f.override;
  const explanation = o
    ? {
        vi: `${why.vi}; điều chỉnh thành ${pointsOf(o.points, ind.max, 'vi')} (lý do: ${o.reason})`,
        en: `${why.en}; overridden to ${pointsOf(o.points, ind.max, 'en')} (reason: ${o.reason})`,
      }
    : why;
  const { percentage, groups } = shownFigures(p, f);
  return {
    id: ind.id,
    kind: ind.kind,
    title: ind.title,
    max: ind.max,
    status: f.status,
    computed: f.computed,
    override: o ? { points: o.points, reason: o.reason } : null,
    points: f.points,
    provisional: f.provisional,
    percentage,
    groups,
    explanation,
  };
}

const list = (ids: string[]) => ids.join(', ');

/** A verdict reason with its message; `titles` holds the criteria's titles. */
export function reasonMessage(r: ReasonFacts, unitClass: UnitClass, titles: readonly { id: string; title: Bilingual }[]): Reason {
  switch (r.code) {
    case 'incomplete': {
      const { missing, unscorable, criteria } = r;
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
      return {
        code: 'incomplete',
        missing,
        unscorable,
        criteria,
        message: {
          vi: `Chưa đánh giá đủ các tiêu chí: ${vi.join('; ')}; tiêu chí chưa nhập đủ: ${list(criteria)}.`,
          en: `Not every criterion is assessed: ${en.join('; ')}; not fully entered: criteri${criteria.length > 1 ? 'a' : 'on'} ${list(criteria)}.`,
        },
      };
    }
    case 'criterion_zero': {
      const titled = r.criteria.map((id) => ({ id, title: titles.find((c) => c.id === id)!.title }));
      return {
        code: 'criterion_zero',
        criteria: r.criteria,
        message: {
          vi: `Có tiêu chí đạt 0 điểm: ${titled.map((c) => `${c.id} (${c.title.vi})`).join('; ')}.`,
          en: `${titled.length === 1 ? 'A criterion scores' : 'Criteria score'} 0 points: ${titled.map((c) => `${c.id} (${c.title.en})`).join('; ')}.`,
        },
      };
    }
    case 'below_threshold': {
      const { total, threshold, gap } = r;
      const cls = UNIT_CLASS_TITLES[unitClass];
      return {
        code: 'below_threshold',
        total,
        threshold,
        gap,
        message: {
          vi: `Tổng điểm ${formatInt(total, 'vi')} thấp hơn mức ${formatInt(threshold, 'vi')} của loại đơn vị "${cls.vi}": còn thiếu ${formatInt(gap, 'vi')} điểm.`,
          en: `The total of ${formatInt(total, 'en')} is below the ${formatInt(threshold, 'en')} required for "${cls.en}": ${formatInt(gap, 'en')} point${gap === 1 ? '' : 's'} short.`,
        },
      };
    }
  }
}

function summaryHead(f: ScoreFacts, l: Lang): string {
  return `${formatInt(f.total, l)}/${formatInt(f.maxTotal, l)} ${l === 'vi' ? 'điểm, mức công nhận' : 'points, threshold'} ${formatInt(f.threshold, l)}`;
}

/** The verdict in one sentence. */
function summaryOf(f: ScoreFacts, reasons: Reason[]): Bilingual {
  const { verdict } = f;
  let vi = `${verdict === 'recognised' ? 'Đạt chuẩn xã, phường, thị trấn phù hợp với trẻ em' : verdict === 'incomplete' ? 'Chưa đủ số liệu để kết luận' : 'Chưa đạt chuẩn'}: ${summaryHead(f, 'vi')}.`;
  let en = `${verdict === 'recognised' ? 'Recognised as child-friendly' : verdict === 'incomplete' ? 'Incomplete: no verdict yet' : 'Not recognised'}: ${summaryHead(f, 'en')}.`;
  for (const r of reasons) {
    vi += ' ' + r.message.vi;
    en += ' ' + r.message.en;
  }
  return { vi, en };
}

function explainCriterion(c: CriterionFacts, title: Bilingual, plans: readonly PlanIndicator[], first: number): CriterionResult {
  return {
    id: c.id,
    title,
    points: c.points,
    max: c.max,
    provisional: c.provisional,
    indicators: c.indicators.map((f, k) => explainIndicator(f, plans[first + k]!)),
  };
}

/** The full result of a score, every text written: what `score` returns and what screens, reports and packages show. */
export function explainScore(f: ScoreFacts): ScoreResult {
  const { loaded } = f;
  const { pack } = loaded;
  const plan = planOf(loaded);
  const reasons = f.reasons.map((r) => reasonMessage(r, f.unitClass, pack.criteria));
  return {
    pack: { id: pack.id, version: pack.version, sha256: loaded.sha256, status: pack.status, title: pack.title },
    unitClass: f.unitClass,
    unitClassTitle: UNIT_CLASS_TITLES[f.unitClass],
    total: f.total,
    maxTotal: f.maxTotal,
    threshold: f.threshold,
    recognised: f.recognised,
    verdict: f.verdict,
    provisional: f.provisional,
    provisionalNotice: f.provisional ? pack.provisionalNotice : null,
    criteria: f.criteria.map((c, ci) => explainCriterion(c, plan.criteria[ci]!.criterion.title, plan.indicators, plan.criteria[ci]!.first)),
    reasons,
    summary: summaryOf(f, reasons),
  };
}
