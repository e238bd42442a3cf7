/** The scoring engine's public surface. */
export { score, computeScore, evaluateIndicator, indicatorResult, UNIT_CLASS_TITLES } from './engine';
export { scoreFast, computeFacts } from './facts';
export { explainScore } from './explain';
export type { ScoreFacts, CriterionFacts, IndicatorFacts, ReasonFacts } from './facts';
export { whatIf, computeWhatIf } from './whatif';
export { parseScoreInput, scoreInputSchema, MAX_COUNT } from './input';
export type { ScoreInput, ScoreInputShape, IndicatorValue, RateValue, SurveyValue, SurveyTally, Override } from './input';
export type { ScoreResult, CriterionResult, IndicatorResult, Reason, WhatIf, WhatIfStep } from './result';
