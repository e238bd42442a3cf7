import { sql } from 'kysely';
import { packOf } from './criteria';
import { meetsPlan, PLAN_INDICATOR_TARGETS, PLAN_SOURCE } from './plan';
import { scoped, type DashboardDeps } from './read';
import { resolveScope } from './scope';

/** The rate indicators over the scope: Σ numerators / Σ denominators of the counted packages, against the plan. */

export interface RateIndicatorStat {
  id: string;
  criterionId: string;
  title: { vi: string; en: string };
  better: 'higher' | 'lower';
  numeratorLabel: { vi: string; en: string };
  denominatorLabel: { vi: string; en: string };
  /** Counted packages with a value for it. */
  reporting: number;
  numerator: number;
  denominator: number;
  /** Σ numerators / Σ denominators × 100 (null when Σ denominators is 0). */
  ratePercent: number | null;
  plan: { kind: 'max' | 'min'; percent: number; text: { vi: string; en: string }; met: boolean | null } | null;
  provisional: boolean;
}

export interface RateIndicators {
  year: number;
  planSource: string;
  items: RateIndicatorStat[];
}

export async function rateIndicators(deps: DashboardDeps, year: number, scopeCode: string | null): Promise<RateIndicators> {
  const scope = resolveScope(deps.units, scopeCode, 'scope', deps.current);
  const pack = await packOf(deps, scope, year);
  const rates = (pack?.pack.criteria ?? []).flatMap((c) => c.indicators.flatMap((i) => (i.kind === 'rate' ? [{ c, i }] : [])));
  const ids = rates.map((r) => r.i.id);
  const r = scoped(deps, scope, 'counted_rate', year);
  const sums = ids.length
    ? (
        await sql<{ id: string; n: number; num: number; den: number }>`
          ${r.with} select c.indicator_id as id, count(*) as n, coalesce(sum(c.numerator), 0) as num, coalesce(sum(c.denominator), 0) as den ${r.from}
          and c.indicator_id in (${sql.join(ids)}) group by c.indicator_id`.execute(deps.db)
      ).rows
    : [];
  const byId = new Map(sums.map((x) => [x.id, x]));
  return {
    year,
    planSource: PLAN_SOURCE,
    items: rates.map(({ c, i }) => {
      const s = byId.get(i.id);
      const num = s?.num ?? 0;
      const den = s?.den ?? 0;
      const plan = PLAN_INDICATOR_TARGETS.find((p) => p.indicatorId === i.id);
      return {
        id: i.id,
        criterionId: c.id,
        title: i.title,
        better: i.better,
        numeratorLabel: i.numeratorLabel,
        denominatorLabel: i.denominatorLabel,
        reporting: s?.n ?? 0,
        numerator: num,
        denominator: den,
        ratePercent: den ? (num * 100) / den : null,
        plan: plan ? { kind: plan.kind, percent: plan.percent, text: plan.text, met: meetsPlan(plan, num, den) } : null,
        provisional: !i.confirmed || i.brackets.some((b) => !b.confirmed) || !i.otherwise.confirmed || !i.denominatorZero.confirmed,
      };
    }),
  };
}
