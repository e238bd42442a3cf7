import type { Bilingual } from '../errors';
import type { Criterion, Indicator, LoadedPack } from '../criteria/schema';
import { THRESHOLD_SCALE } from '../criteria/validate';
import { countBracketIndex, perNBracketIndex, perNMeets, rateBracketIndex, rateMeets, scaledThresholds } from './engine';
import { evaluateRule } from './facts';
import { formatInt } from './format';
import { parseScoreInput, type IndicatorValue, type RateValue, type ScoreInput, type SurveyValue } from './input';
import type { WhatIf, WhatIfStep } from './result';

/**
 * What-if: for a result that is not recognised, the cheapest changes that would reach recognition. Per indicator, the
 * next bracket up and what it takes in the indicator's own units; then a plan, the smallest set of such steps found
 * greedily (see `plan`), or the statement that recognition cannot be reached by improving the data entered.
 */

const PERCENT_SCALE = 100 * THRESHOLD_SCALE;

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
      const n2 = ind.better === 'higher' ? ceilDiv(t * d, PERCENT_SCALE) : Math.floor((t * d) / PERCENT_SCALE);
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
      const s2 = ceilDiv(ts[target]! * r, PERCENT_SCALE);
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
      const e = evaluateRule(ind, v);
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
      const e = evaluateRule(ind, input.values[ind.id]);
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
