import type { UiCallOutput as CallOutput } from '../../../api/contract';

/** The shapes of the workspace, read from the contract's output schemas (the renderer never imports the core). */
export type Detail = CallOutput<'assessments.get'>;
export type Summary = CallOutput<'assessments.list'>['items'][number];
export type Result = Detail['result'];
export type CriterionResult = Result['criteria'][number];
export type IndicatorResult = CriterionResult['indicators'][number];
export type WhatIfStep = NonNullable<Result['whatIf']>['options'][number];
export type Entry = Detail['entries'][string];
export type EvidenceItem = Detail['evidence'][number];
export type Saved = CallOutput<'assessments.setValue'>;
export type AuditItem = CallOutput<'audit.list'>['items'][number];
export type Pack = CallOutput<'packs.get'>['pack'];
export type PackCriterion = Pack['criteria'][number];
export type PackIndicator = PackCriterion['indicators'][number];
export type UnitClass = Detail['unitClass'];
export type Bilingual = { vi: string; en: string };

export const UNIT_CLASSES: UnitClass[] = ['other', 'urban_ward', 'mountain_island_disadvantaged'];
