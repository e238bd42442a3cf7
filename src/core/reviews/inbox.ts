import { scoreFast } from '../scoring/facts';
import type { PackageTable, ReviewValueTable } from '../store/schema';
import { packOf, scoreInput, type InboxState, type ReviewDeps } from './model';

/**
 * The reviewer's inbox: the imported self-assessment packages, one item per commune assessment (its revisions newest
 * first), with the review's state and the team's current result. Three queries whatever the number of packages (the
 * packages, their reviews, the reviews' team values), grouped in memory.
 */

export interface InboxItem {
  assessmentId: string;
  unit: { code: string; name: string; edition: string };
  year: number;
  state: InboxState;
  reviewId: string | null;
  latest: PackageTable;
  /** The revision the review follows (null before it starts); lower than the latest when a correction arrived. */
  reviewedRevision: number | null;
  newerRevision: boolean;
  history: PackageTable[];
  team: { total: number; verdict: string } | null;
  decidedAt: string | null;
}

/** Imported self-assessment packages, one item per commune assessment, with the review's state. */
export async function inbox(deps: ReviewDeps, filter: { year?: number | undefined; state?: InboxState | undefined }): Promise<InboxItem[]> {
  let q = deps.db.selectFrom('package').selectAll().where('kind', '=', 'self-assessment');
  if (filter.year !== undefined) q = q.where('year', '=', filter.year);
  const packages = await q.orderBy('year', 'desc').orderBy('unit_code').orderBy('revision', 'desc').orderBy('imported_at', 'desc').execute();

  // The reviews of these assessments, and their team values, in one query each.
  let inScope = deps.db.selectFrom('package').select('assessment_id').where('kind', '=', 'self-assessment');
  if (filter.year !== undefined) inScope = inScope.where('year', '=', filter.year);
  const reviewRows = await deps.db.selectFrom('review').selectAll().where('assessment_id', 'in', inScope).execute();
  const reviews = new Map(reviewRows.map((r) => [r.assessment_id, r]));
  const teamRows = await deps.db
    .selectFrom('review_value')
    .selectAll('review_value')
    .innerJoin('review', 'review.id', 'review_value.review_id')
    .where('review.assessment_id', 'in', inScope)
    .execute();
  const teams = new Map<string, ReviewValueTable[]>();
  for (const v of teamRows) {
    const t = teams.get(v.review_id);
    if (t) t.push(v);
    else teams.set(v.review_id, [v]);
  }
  const bySha = new Map(packages.map((p) => [p.manifest_sha256, p]));

  const groups = new Map<string, PackageTable[]>();
  for (const p of packages) {
    const g = groups.get(p.assessment_id);
    if (g) g.push(p);
    else groups.set(p.assessment_id, [p]);
  }
  const out: InboxItem[] = [];
  for (const [assessmentId, history] of groups) {
    const latest = history[0]!;
    const review = reviews.get(assessmentId);
    const state: InboxState = review?.state ?? 'received';
    if (filter.state !== undefined && filter.state !== state) continue;
    let team: InboxItem['team'] = null;
    if (review) {
      // The subject is one of this assessment's packages (the review follows one of its revisions).
      const subject = bySha.get(review.subject_sha256) ?? (await deps.db.selectFrom('package').selectAll().where('manifest_sha256', '=', review.subject_sha256).executeTakeFirstOrThrow());
      const pack = packOf(deps.packs, subject);
      // Only the total and verdict are listed: the fast path, no explanation texts.
      const res = scoreFast(scoreInput(pack, subject.unit_class, teams.get(review.id) ?? []), pack);
      team = { total: res.total, verdict: res.verdict };
    }
    out.push({
      assessmentId,
      unit: { code: latest.unit_code, name: latest.unit_name, edition: latest.unit_edition },
      year: latest.year,
      state,
      reviewId: review?.id ?? null,
      latest,
      reviewedRevision: review?.subject_revision ?? null,
      newerRevision: review ? latest.revision > review.subject_revision : false,
      history,
      team,
      decidedAt: review?.decided_at ?? null,
    });
  }
  return out;
}
