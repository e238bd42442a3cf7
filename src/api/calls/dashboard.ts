import { z } from 'zod';
import { bilingual } from '../errors';
import { defineCall, withLocalOutput } from './define';
import { reportFile, reportFileLocal } from './reports';
import { unitCode, unitEdition } from './units';

/** The province dashboard and its exports (issue 6), and the plan's targets. */

const year = z.number().int().min(2000, 'A year between 2000 and 2100').max(2100, 'A year between 2000 and 2100');
/** A province or district code; null: the whole country. */
const scope = unitCode.nullable();
const pct = z.number().nullable();
const scopeView = z.object({
  code: z.string().nullable(),
  name: z.string(),
  level: z.enum(['country', 'province', 'district']),
  /** The catalogue edition of the year's communes (the denominator). */
  edition: z.string(),
  /** A new province seen in a year before the reform: the former provinces it took in, which are its groups. */
  formerProvinces: z.array(z.string()),
  /** How the groups were made: the edition's own units, or "theo tỉnh cũ / huyện cũ". */
  groupBy: z.enum(['unit', 'former_province', 'former_district']),
});
/**
 * The groups of an overview or commune table: `unit` (one level below the scope in the year's edition; a new province
 * before the reform: its former provinces), or its former provinces / districts ("theo tỉnh cũ / huyện cũ").
 */
const groupBy = z.enum(['unit', 'former_province', 'former_district']).optional();
const status = z.enum(['recognised', 'not_recognised', 'returned', 'self_recognised', 'self_not_recognised', 'self_incomplete', 'conflict', 'not_assessed']);
export type CommuneStatusView = z.infer<typeof status>;

const counts = z.object({
  communes: z.number().int(),
  assessed: z.number().int(),
  reviewed: z.number().int(),
  selfOnly: z.number().int(),
  recognised: z.number().int(),
  recognisedReviewed: z.number().int(),
  recognisedSelf: z.number().int(),
  returned: z.number().int(),
  resubmitted: z.number().int(),
  conflicts: z.number().int(),
  provisional: z.number().int(),
  ratePercent: pct,
});
const targetView = z.object({ year: z.number().int(), ratePercent: z.number(), source: z.string(), scopeCode: z.string().nullable(), unitEdition: z.string() });

export const overviewOutput = z.object({
  year: z.number().int(),
  scope: scopeView,
  total: counts.extend({ target: targetView.nullable(), gapPoints: pct }),
  rows: z.array(counts.extend({ code: z.string(), name: z.string(), level: z.enum(['province', 'district']), gapPoints: pct })),
  targets: z.array(targetView),
  countingRules: z.array(bilingual),
});
export type OverviewView = z.infer<typeof overviewOutput>;

export const criterionStat = z.object({
  id: z.string(),
  title: bilingual,
  max: z.number(),
  assessed: z.number().int(),
  zeros: z.number().int(),
  zeroPercent: pct,
  averageSharePercent: pct,
  averagePoints: pct,
  provisional: z.boolean(),
});
export type CriterionStatView = z.infer<typeof criterionStat>;

const failingOutput = z.object({
  year: z.number().int(),
  pack: z.object({ id: z.string(), version: z.string(), status: z.string(), provisionalNotice: bilingual.nullable() }).nullable(),
  items: z.array(criterionStat),
});

export const rateStat = z.object({
  id: z.string(),
  criterionId: z.string(),
  title: bilingual,
  better: z.enum(['higher', 'lower']),
  numeratorLabel: bilingual,
  denominatorLabel: bilingual,
  reporting: z.number().int(),
  numerator: z.number(),
  denominator: z.number(),
  ratePercent: pct,
  plan: z.object({ kind: z.enum(['max', 'min']), percent: z.number(), text: bilingual, met: z.boolean().nullable() }).nullable(),
  provisional: z.boolean(),
});
export type RateStatView = z.infer<typeof rateStat>;

export const trendPoint = counts.extend({
  year: z.number().int(),
  target: targetView.nullable(),
  /** The catalogue edition of the year's communes (the denominator). */
  edition: z.string(),
  /** The first year of a newer edition (the administrative reform): the groups and the denominator change here. */
  reform: z.boolean(),
});

/**
 * A commune of the table, compact: the UI gets every commune of the scope at once (10,047 rows for the whole country,
 * about 1.5 MB) and sorts, filters and windows them locally, so scrolling never waits for the core.
 */
export const communeRow = z.object({
  code: z.string(),
  name: z.string(),
  groupCode: z.string(),
  groupName: z.string(),
  unitClass: z.string().nullable(),
  status,
  reviewed: z.boolean(),
  selfTotal: z.number().int().nullable(),
  teamTotal: z.number().int().nullable(),
  provisional: z.boolean(),
  alternatives: z.number().int(),
  resubmitted: z.boolean(),
  manifestSha256: z.string().nullable(),
});
export type CommuneRowView = z.infer<typeof communeRow>;

export const custodyPackage = z.object({
  manifestSha256: z.string(),
  kind: z.enum(['self-assessment', 'review']),
  packageId: z.string(),
  assessmentId: z.string(),
  revision: z.number().int(),
  year: z.number().int(),
  state: z.enum(['current', 'superseded', 'conflict']),
  conflict: z.boolean(),
  total: z.number().int(),
  verdict: z.string(),
  decision: z.string().nullable(),
  decisionReasons: z.array(z.string()),
  provisional: z.boolean(),
  unitClass: z.string(),
  pack: z.string(),
  createdAt: z.string(),
  signer: z.object({
    name: z.string(),
    title: z.string(),
    organisation: z.string(),
    role: z.string(),
    keyId: z.string(),
    fingerprint: z.string(),
    trust: z.enum(['trusted', 'revoked', 'unknown']),
    trustHolder: z.string().nullable(),
  }),
  outcome: z.enum(['valid', 'untrusted']),
  trustDecision: z.enum(['verified', 'accepted_untrusted']),
  decisionReason: z.string().nullable(),
  decidedBy: z.string(),
  decidedAt: z.string(),
  importedAt: z.string(),
  importedBy: z.string(),
  innerManifestSha256: z.string().nullable(),
  reviewedBy: z.array(z.string()),
  counted: z.boolean(),
  fileSize: z.number().int(),
  criteria: z.array(z.object({ id: z.string(), points: z.number() })),
});
export type CustodyPackageView = z.infer<typeof custodyPackage>;

export const target = z.object({
  id: z.number().int(),
  scopeCode: z.string().nullable(),
  /** The edition of scopeCode (a province of one edition: 84 of 2025-03-01 is the former Trà Vinh). */
  unitEdition: z.string(),
  year: z.number().int(),
  ratePercent: z.number(),
  source: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type TargetRow = z.infer<typeof target>;
const targetBody = z.object({ scopeCode: z.string().nullable(), unitEdition: z.string().optional(), year: z.number().int(), ratePercent: z.number(), source: z.string() });

const detailYears = z.array(z.object({ year: z.number().int(), status, countedSha256: z.string().nullable(), packages: z.array(custodyPackage) }));
const detailUnit = z.object({ code: z.string(), name: z.string(), edition: z.string(), ancestors: z.array(z.object({ code: z.string(), name: z.string() })) });

const predecessorResult = z.object({
  edition: z.string(),
  code: z.string(),
  name: z.string(),
  place: z.string(),
  whole: z.boolean(),
  status,
  reviewed: z.boolean(),
  selfTotal: z.number().int().nullable(),
  teamTotal: z.number().int().nullable(),
  provisional: z.boolean(),
  manifestSha256: z.string().nullable(),
});
export const attributedRow = z.object({
  code: z.string(),
  name: z.string(),
  edition: z.string(),
  status: z.enum(['recognised', 'not_recognised', 'not_assessed', 'only_parts']),
  predecessors: z.array(predecessorResult),
});
export type AttributedRowView = z.infer<typeof attributedRow>;

export const dashboardCalls = {
  'dashboard.years': defineCall({
    summary: 'The years with imported packages, and the years of the targets',
    input: z.object({}).strict(),
    output: z.object({ withPackages: z.array(z.number().int()), withTargets: z.array(z.number().int()) }),
  }),
  'dashboard.overview': defineCall({
    summary: 'Communes in the catalogue, assessed, recognised, rate and gap to the target, for a scope and year, by district (or province)',
    input: z.object({ year, scope, groupBy }).strict(),
    output: overviewOutput,
  }),
  'dashboard.failingCriteria': defineCall({
    summary: 'Per criterion: how often it scores 0, its average share of the maximum, whether its rules are provisional',
    input: z.object({ year, scope }).strict(),
    output: failingOutput,
  }),
  'dashboard.rateIndicators': defineCall({
    summary: 'Rate indicators over the scope (Σ numerators / Σ denominators), with the plan targets',
    input: z.object({ year, scope }).strict(),
    output: z.object({ year: z.number().int(), planSource: z.string(), items: z.array(rateStat) }),
  }),
  'dashboard.trend': defineCall({
    summary: 'The scope totals per year, each year in the catalogue edition in force for it, with the target milestone of each year and the reform marked',
    input: z.object({ scope }).strict(),
    output: z.object({ scope: scopeView, points: z.array(trendPoint), targets: z.array(targetView), reforms: z.array(z.object({ year: z.number().int(), edition: z.string() })) }),
  }),
  'dashboard.communes': defineCall({
    summary: 'Every commune of the scope with its counted figure for the year (compact rows, for a windowed table)',
    input: z.object({ year, scope, groupBy }).strict(),
    output: z.object({ year: z.number().int(), rows: z.array(communeRow) }),
  }),
  'dashboard.history': defineCall({
    summary:
      "A year before the reform in today's communes (rule 11): each new commune once, with the old communes that went into it and their results; partial splits marked",
    input: z.object({ year, scope }).strict(),
    output: z.object({
      year: z.number().int(),
      edition: z.string(),
      shownIn: z.string(),
      scope: z.object({ code: z.string().nullable(), name: z.string() }),
      totals: z.object({
        communes: z.number().int(),
        recognised: z.number().int(),
        notRecognised: z.number().int(),
        notAssessed: z.number().int(),
        onlyParts: z.number().int(),
        formerCommunes: z.number().int(),
        formerAssessed: z.number().int(),
        formerRecognised: z.number().int(),
        formerSplit: z.number().int(),
      }),
      rows: z.array(attributedRow),
    }),
  }),
  'dashboard.commune': defineCall({
    summary:
      "A commune's packages per year (self and review, every revision and state) with the chain of custody; for a commune of a newer edition, its predecessors with theirs, each in its edition",
    input: z.object({ unitCode, edition: unitEdition.optional() }).strict(),
    output: z.object({
      unit: detailUnit,
      years: detailYears,
      predecessors: z.array(z.object({ unit: detailUnit, years: detailYears, whole: z.boolean() })),
    }),
  }),
  'dashboard.export': defineCall({
    summary: 'The province summary as XLSX, CSV or JSON, written into the reports folder',
    input: z.object({ year, scope, format: z.enum(['xlsx', 'csv', 'json']) }).strict(),
    output: reportFile,
  }),
  'targets.list': defineCall({
    summary: "The plan's targets (share of communes recognised by a year), with the history of changes",
    input: z.object({}).strict(),
    output: z.object({
      items: z.array(target),
      history: z.array(
        z.object({
          seq: z.number().int(),
          targetId: z.number().int(),
          action: z.enum(['created', 'updated', 'deleted']),
          old: targetBody.nullable(),
          new: targetBody.nullable(),
          at: z.string(),
          by: z.string(),
        }),
      ),
    }),
  }),
  'targets.save': defineCall({
    summary: 'Create or change a target (one per scope and year); recorded with who and when',
    input: z
      .object({
        id: z.number().int().positive().optional(),
        scopeCode: unitCode.nullable(),
        /** The edition of scopeCode (default: the current edition). */
        unitEdition: unitEdition.optional(),
        year,
        ratePercent: z.number().min(0, 'A percentage from 0 to 100').max(100, 'A percentage from 0 to 100'),
        source: z.string().trim().min(1, 'Say where the target comes from').max(2000),
      })
      .strict(),
    output: target,
  }),
  'targets.delete': defineCall({
    summary: 'Remove a target; recorded with who and when',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: z.object({ deleted: z.literal(true) }),
  }),
};

/** The local contract's (CLI, tests): the export also says where it was written. */
export const dashboardLocalCalls = {
  'dashboard.export': withLocalOutput(dashboardCalls['dashboard.export'], reportFileLocal),
};
