import { zodFieldIssues } from '../zodIssues';
import { CfcError } from '../errors';
import type { Bilingual, FieldIssue } from '../errors';
import { packSchema, UNIT_CLASSES, type Bracket, type Indicator, type Pack } from './schema';

/** One thing wrong with a pack: where (a path into the JSON) and what, in both languages. */
export type PackProblem = FieldIssue;

export type PackValidation = { ok: true; pack: Pack } | { ok: false; problems: PackProblem[] };

/** Rate thresholds may have up to this many decimals; the engine scales them to integers by 10^4. */
export const THRESHOLD_DECIMALS = 4;
export const THRESHOLD_SCALE = 10 ** THRESHOLD_DECIMALS;

/** A threshold as an integer number of 1/10^4 percent, or null if it has more decimals than allowed. */
export function scaledThreshold(t: number): number | null {
  const scaled = Math.round(t * THRESHOLD_SCALE);
  return Math.abs(scaled - t * THRESHOLD_SCALE) < 1e-6 && Number.isSafeInteger(scaled) ? scaled : null;
}


/**
 * Validates a pack: its schema, then what a schema cannot say. Unique ids; each criterion's maximum is the sum of its
 * indicators' maxima and the criteria add up to `maxTotal`; brackets are ordered, within the maximum, and the top one
 * reaches it; thresholds are at most `maxTotal`; an official pack has no unconfirmed rule. Collects every problem.
 */
export function validatePack(raw: unknown): PackValidation {
  const parsed = packSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: zodFieldIssues(parsed.error) };
  const pack = parsed.data;
  const problems: PackProblem[] = [];
  const add = (field: string, vi: string, en: string) => problems.push({ field, message: { vi: `${field}: ${vi}`, en: `${field}: ${en}` } });

  const criterionIds = new Set<string>();
  const indicatorIds = new Set<string>();
  let sumOfCriteria = 0;
  let unconfirmed = 0;
  if (!pack.recognition.confirmed) unconfirmed++;

  pack.criteria.forEach((c, ci) => {
    const cPath = `criteria.${ci}`;
    if (criterionIds.has(c.id)) add(`${cPath}.id`, `mã tiêu chí "${c.id}" bị trùng`, `criterion id "${c.id}" is used twice`);
    criterionIds.add(c.id);
    if (!c.confirmed) unconfirmed++;
    let sumOfIndicators = 0;
    c.indicators.forEach((ind, ii) => {
      const iPath = `${cPath}.indicators.${ii}`;
      if (indicatorIds.has(ind.id)) {
        add(`${iPath}.id`, `mã chỉ tiêu "${ind.id}" bị trùng`, `indicator id "${ind.id}" is used twice`);
      }
      indicatorIds.add(ind.id);
      sumOfIndicators += ind.max;
      unconfirmed += checkIndicator(ind, iPath, add);
    });
    if (sumOfIndicators !== c.max) {
      add(
        `${cPath}.max`,
        `tiêu chí ${c.id} có điểm tối đa ${c.max} nhưng tổng điểm tối đa các chỉ tiêu là ${sumOfIndicators}`,
        `criterion ${c.id} has a maximum of ${c.max} but its indicators' maxima add up to ${sumOfIndicators}`,
      );
    }
    sumOfCriteria += c.max;
  });
  if (sumOfCriteria !== pack.maxTotal) {
    add(
      'maxTotal',
      `tổng điểm tối đa là ${pack.maxTotal} nhưng điểm tối đa các tiêu chí cộng lại là ${sumOfCriteria}`,
      `maxTotal is ${pack.maxTotal} but the criteria maxima add up to ${sumOfCriteria}`,
    );
  }
  for (const cls of UNIT_CLASSES) {
    const t = pack.recognition.thresholds[cls];
    if (t > pack.maxTotal) {
      add(
        `recognition.thresholds.${cls}`,
        `ngưỡng công nhận ${t} lớn hơn tổng điểm tối đa ${pack.maxTotal}`,
        `the recognition threshold ${t} is above maxTotal ${pack.maxTotal}`,
      );
    }
  }
  if (pack.status === 'official' && unconfirmed > 0) {
    add(
      'status',
      `gói chính thức nhưng còn ${unconfirmed} quy tắc chưa được xác nhận (confirmed: false)`,
      `the pack is official but ${unconfirmed} rule(s) are not confirmed (confirmed: false)`,
    );
  }
  return problems.length ? { ok: false, problems } : { ok: true, pack };
}

type Add = (field: string, vi: string, en: string) => void;

/** Checks one indicator; returns how many of its rules are unconfirmed. */
function checkIndicator(ind: Indicator, path: string, add: Add): number {
  let unconfirmed = ind.confirmed ? 0 : 1;
  switch (ind.kind) {
    case 'boolean':
      return unconfirmed;
    case 'choice': {
      const ids = new Set<string>();
      let best = 0;
      ind.options.forEach((o, oi) => {
        if (ids.has(o.id)) add(`${path}.options.${oi}.id`, `phương án "${o.id}" bị trùng`, `option id "${o.id}" is used twice`);
        ids.add(o.id);
        if (o.points > ind.max) {
          add(`${path}.options.${oi}.points`, `phương án "${o.id}" có ${o.points} điểm, vượt tối đa ${ind.max}`, `option "${o.id}" gives ${o.points} points, above the maximum ${ind.max}`);
        }
        best = Math.max(best, o.points);
        if (!o.confirmed) unconfirmed++;
      });
      if (best !== ind.max) {
        add(`${path}.max`, `chỉ tiêu ${ind.id}: điểm tối đa ${ind.max} nhưng phương án cao nhất được ${best}`, `indicator ${ind.id}: maximum ${ind.max} but the best option gives ${best}`);
      }
      return unconfirmed;
    }
    case 'survey': {
      const ids = new Set<string>();
      ind.groups.forEach((g, gi) => {
        if (ids.has(g.id)) add(`${path}.groups.${gi}.id`, `nhóm "${g.id}" bị trùng`, `group id "${g.id}" is used twice`);
        ids.add(g.id);
        if (!g.confirmed) unconfirmed++;
      });
      return unconfirmed + checkBrackets(ind.id, ind.brackets, 'higher', 100, ind.max, `${path}.brackets`, add) + (ind.otherwise.confirmed ? 0 : 1);
    }
    case 'rate_per_n':
    case 'rate': {
      if (ind.denominatorZero.points > ind.max) {
        add(`${path}.denominatorZero.points`, `chỉ tiêu ${ind.id}: ${ind.denominatorZero.points} điểm khi mẫu số bằng 0, vượt tối đa ${ind.max}`, `indicator ${ind.id}: ${ind.denominatorZero.points} points for a zero denominator, above the maximum ${ind.max}`);
      }
      if (!ind.denominatorZero.confirmed) unconfirmed++;
      const ceiling = ind.kind === 'rate' ? 100 : ind.per;
      return unconfirmed + checkBrackets(ind.id, ind.brackets, ind.better, ceiling, ind.max, `${path}.brackets`, add) + (ind.otherwise.confirmed ? 0 : 1);
    }
    case 'count':
      return unconfirmed + checkBrackets(ind.id, ind.brackets, ind.better, 'count', ind.max, `${path}.brackets`, add) + (ind.otherwise.confirmed ? 0 : 1);
  }
}

/** Brackets are read top-down: strictly better thresholds first, strictly decreasing points, the first one at the maximum. */
function checkBrackets(
  indicatorId: string,
  brackets: Bracket[],
  better: 'higher' | 'lower',
  /** The largest threshold of a rate (100 for a percentage, N for a rate per N), or `count` for whole numbers. */
  scale: number | 'count',
  max: number,
  path: string,
  add: Add,
): number {
  let unconfirmed = 0;
  brackets.forEach((b, bi) => {
    const p = `${path}.${bi}`;
    if (!b.confirmed) unconfirmed++;
    if (scale !== 'count') {
      if (b.threshold > scale) {
        if (scale === 100) add(`${p}.threshold`, `chỉ tiêu ${indicatorId}: ngưỡng ${b.threshold}% vượt 100%`, `indicator ${indicatorId}: threshold ${b.threshold}% is above 100%`);
        else add(`${p}.threshold`, `chỉ tiêu ${indicatorId}: ngưỡng ${b.threshold} trường hợp/${scale} vượt ${scale}`, `indicator ${indicatorId}: threshold ${b.threshold} cases per ${scale} is above ${scale}`);
      }
      if (scaledThreshold(b.threshold) === null) {
        add(`${p}.threshold`, `chỉ tiêu ${indicatorId}: ngưỡng ${b.threshold} có quá 4 chữ số thập phân`, `indicator ${indicatorId}: threshold ${b.threshold} has more than 4 decimals`);
      }
    } else if (!Number.isInteger(b.threshold)) {
      add(`${p}.threshold`, `chỉ tiêu ${indicatorId}: ngưỡng đếm ${b.threshold} phải là số nguyên`, `indicator ${indicatorId}: count threshold ${b.threshold} must be a whole number`);
    }
    if (b.points > max) {
      add(`${p}.points`, `chỉ tiêu ${indicatorId}: mức ${bi + 1} cho ${b.points} điểm, vượt tối đa ${max}`, `indicator ${indicatorId}: bracket ${bi + 1} gives ${b.points} points, above the maximum ${max}`);
    }
    const prev = brackets[bi - 1];
    if (prev) {
      const ordered = better === 'higher' ? b.threshold < prev.threshold : b.threshold > prev.threshold;
      if (!ordered) {
        add(
          `${p}.threshold`,
          `chỉ tiêu ${indicatorId}: các mức phải xếp từ tốt nhất xuống (${better === 'higher' ? 'ngưỡng giảm dần' : 'ngưỡng tăng dần'}), mức ${bi + 1} (${b.threshold}) sai thứ tự sau ${prev.threshold}`,
          `indicator ${indicatorId}: brackets must go from best to worst (${better === 'higher' ? 'decreasing' : 'increasing'} thresholds); bracket ${bi + 1} (${b.threshold}) is out of order after ${prev.threshold}`,
        );
      }
      if (b.points >= prev.points) {
        add(
          `${p}.points`,
          `chỉ tiêu ${indicatorId}: điểm các mức phải giảm dần, mức ${bi + 1} (${b.points}) không nhỏ hơn mức trước (${prev.points})`,
          `indicator ${indicatorId}: bracket points must decrease; bracket ${bi + 1} (${b.points}) is not below the one before (${prev.points})`,
        );
      }
    }
  });
  const top = brackets[0];
  if (top && top.points !== max) {
    add(`${path}.0.points`, `chỉ tiêu ${indicatorId}: mức cao nhất cho ${top.points} điểm, khác điểm tối đa ${max}`, `indicator ${indicatorId}: the top bracket gives ${top.points} points, not the maximum ${max}`);
  }
  return unconfirmed;
}

/** How many rules of a (schema-valid) pack are not confirmed against the legal text: 0 for a fully confirmed pack. */
export function unconfirmedRules(pack: Pack): number {
  let n = pack.recognition.confirmed ? 0 : 1;
  const quiet: Add = () => {};
  for (const c of pack.criteria) {
    if (!c.confirmed) n++;
    c.indicators.forEach((ind) => (n += checkIndicator(ind, '', quiet)));
  }
  return n;
}

/** Validates a pack or throws `invalid_pack` listing every problem (the first in the message). */
export function parsePack(raw: unknown, origin: string): Pack {
  const v = validatePack(raw);
  if (v.ok) return v.pack;
  throw invalidPack(v.problems, origin);
}

export function invalidPack(problems: PackProblem[], origin: string): CfcError {
  const first: Bilingual = problems[0]?.message ?? { vi: '', en: '' };
  return new CfcError(
    'invalid_pack',
    {
      vi: `Gói tiêu chí ${origin} không hợp lệ (${problems.length} lỗi). ${first.vi}`,
      en: `The criteria pack ${origin} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}). ${first.en}`,
    },
    { ...(problems[0] ? { field: problems[0].field } : {}), issues: problems },
  );
}
