/**
 * The province dashboard: figures per commune, group and scope against the plan's targets. Where to look:
 *
 *   rules.ts      THE counting rules (shown in the UI and the exports), a commune's status
 *   counted.ts    the `counted` tables: the counted package of every commune and year, kept in each import's transaction
 *   read.ts       how every query reads them for a scope (the deps, the scope filter)
 *   counts.ts     the figures folded from counted rows (rate, gap to the target)
 *   overview.ts   overview by district or province, trend over the years, the years on offer
 *   criteria.ts   the criteria that fail most
 *   rates.ts      rate indicators against the plan's indicator targets (plan.ts)
 *   communes.ts   every commune of the scope; points per criterion for the exports
 *   custody.ts    one commune's packages and chain of custody (and its predecessors' across the merger)
 *   history.ts    a year before the reform in today's communes (rule 11)
 *   scope.ts      a scope (country, province, district) and its groups; targets.ts the plan's targets
 */
export { COUNTING_RULES, isRecognised, statusOf, type CommuneStatus } from './rules';
export { refreshCounted, rebuildCounted } from './counted';
export { editionForYear, type DashboardDeps } from './read';
export type { Counts, TargetView } from './counts';
export { overview, trend, trendAcross, years, type EditionTrendPoint, type Overview, type OverviewRow, type TrendPoint } from './overview';
export { criterionProvisional, failingCriteria, type CriterionStat, type FailingCriteria } from './criteria';
export { rateIndicators, type RateIndicatorStat, type RateIndicators } from './rates';
export { communePoints, communes, type CommuneRow } from './communes';
export { commune, type CommuneDetail, type CustodyPackage } from './custody';
export { attributedStatus, history, type AttributedRow, type AttributedStatus, type History, type HistoryDeps } from './history';
