/**
 * The indicator targets of the seed plan (Trà Vinh, Kế hoạch ngày 23/8/2024, II.2 "Mục tiêu cụ thể"), matched to the
 * qd06-2019 pack's rate indicators. Only targets the plan states as a figure are here; full immunisation (7.1), birth
 * registration (2.1) and health checks (9.1) have none in the plan, so the dashboard shows their values without one.
 */
export interface PlanTarget {
  indicatorId: string;
  /** `max`: the rate must stay under the figure; `min`: reach at least the figure. */
  kind: 'max' | 'min';
  percent: number;
  text: { vi: string; en: string };
}

export const PLAN_SOURCE = 'Kế hoạch của UBND tỉnh Trà Vinh ngày 23/8/2024, mục II.2';

export const PLAN_INDICATOR_TARGETS: readonly PlanTarget[] = [
  {
    indicatorId: '8.1',
    kind: 'max',
    percent: 5,
    text: { vi: 'Giảm tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân xuống dưới 5%', en: 'Underweight under 5 below 5%' },
  },
  {
    indicatorId: '8.2',
    kind: 'max',
    percent: 5,
    text: { vi: 'Giảm tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi xuống dưới 5%', en: 'Stunting under 5 below 5%' },
  },
  {
    indicatorId: '10.1',
    kind: 'min',
    percent: 86,
    text: { vi: '86% trẻ em từ 3 đến 5 tuổi được chăm sóc, giáo dục tại cơ sở giáo dục mầm non', en: '86% of children aged 3–5 in preschool' },
  },
  {
    indicatorId: '6.1',
    kind: 'min',
    percent: 100,
    text: { vi: '100% trẻ em có hoàn cảnh khó khăn đủ điều kiện được hưởng chính sách phúc lợi xã hội', en: '100% of children in difficult circumstances receive their welfare entitlements' },
  },
  {
    indicatorId: '6.2',
    kind: 'min',
    percent: 100,
    text: { vi: '100% trẻ em bị ngược đãi, bạo lực, xâm hại được hỗ trợ, can thiệp kịp thời', en: '100% of abused children helped in time' },
  },
];

/** Whether a province-wide rate meets the plan (`max` targets are strict: "dưới 5%"). Exact on integers. */
export function meetsPlan(t: PlanTarget, numerator: number, denominator: number): boolean | null {
  if (denominator === 0) return null;
  return t.kind === 'max' ? numerator * 100 < t.percent * denominator : numerator * 100 >= t.percent * denominator;
}
