import { CfcError } from '../errors';
import { compareVersions, type PackRegistry } from '../criteria/registry';
import type { Indicator, LoadedPack } from '../criteria/schema';
import { parseScoreInput } from '../scoring/input';
import { assess, type Assessment } from '../scoring/assess';
import { appendAudit, loadRevision, requireDraft, scoreInputOf, type Actor, type Deps, type Revision } from './assessments';

/**
 * Moving a draft to a newer version of its pack (issue 12, item 5). Values are kept where the indicator id and kind
 * match and the value is valid for the new indicator; overrides where they fit the new maximum; every other entered
 * value is flagged for entry again (and cleared). Notes are kept. Submitted revisions keep the pack that scored them.
 */

export interface RepackPlan {
  from: { id: string; version: string; sha256: string };
  to: { id: string; version: string; sha256: string };
  kept: string[];
  /** Indicators whose value or override must be entered again, with why. */
  flagged: { indicatorId: string; reason: { vi: string; en: string } }[];
  /** Indicators the target has and the old pack had not: empty, to be entered. */
  added: string[];
  before: Assessment;
  after: Assessment;
}

function indexOf(p: LoadedPack): Map<string, Indicator> {
  return new Map(p.pack.criteria.flatMap((c) => c.indicators.map((i) => [i.id, i] as const)));
}

/** What moving a revision to `target` would keep and flag, and the score before and after (writes nothing). */
export function planRepack(rev: Revision, target: LoadedPack): RepackPlan {
  const input = scoreInputOf(rev);
  const oldIdx = indexOf(rev.pack);
  const newIdx = indexOf(target);
  const values: Record<string, unknown> = {};
  const overrides: Record<string, { points: number; reason: string }> = {};
  const kept: string[] = [];
  const flagged: RepackPlan['flagged'] = [];
  const ids = new Set([...Object.keys(input.values), ...Object.keys(input.overrides)]);
  for (const id of ids) {
    const was = oldIdx.get(id);
    const now = newIdx.get(id);
    if (!now) {
      flagged.push({ indicatorId: id, reason: { vi: `phiên bản ${target.pack.version} không còn chỉ tiêu ${id}`, en: `version ${target.pack.version} has no indicator ${id}` } });
      continue;
    }
    if (was && was.kind !== now.kind) {
      flagged.push({ indicatorId: id, reason: { vi: `chỉ tiêu ${id} đổi loại ${was.kind} → ${now.kind}: cần nhập lại`, en: `indicator ${id} changed kind ${was.kind} → ${now.kind}: enter it again` } });
      continue;
    }
    let ok = true;
    if (id in input.values) {
      try {
        parseScoreInput({ pack: target.pack.id, unitClass: input.unitClass, values: { [id]: input.values[id] } }, target);
        values[id] = input.values[id];
      } catch {
        ok = false;
        flagged.push({ indicatorId: id, reason: { vi: `số liệu của ${id} không hợp lệ với phiên bản mới: cần nhập lại`, en: `the value of ${id} is not valid for the new version: enter it again` } });
      }
    }
    const o = input.overrides[id];
    if (o) {
      if (o.points <= now.max) overrides[id] = o;
      else {
        ok = false;
        flagged.push({ indicatorId: id, reason: { vi: `điểm điều chỉnh ${o.points} vượt tối đa mới ${now.max} của ${id}`, en: `the override of ${o.points} is above the new maximum ${now.max} of ${id}` } });
      }
    }
    if (ok) kept.push(id);
  }
  const added = [...newIdx.keys()].filter((id) => !oldIdx.has(id));
  const before = assess(input, rev.pack);
  const after = assess({ pack: target.pack.id, packVersion: target.pack.version, unitClass: input.unitClass, values, overrides }, target);
  const ident = (p: LoadedPack) => ({ id: p.pack.id, version: p.pack.version, sha256: p.sha256 });
  return { from: ident(rev.pack), to: ident(target), kept, flagged, added, before, after };
}

/** The installed or built-in versions of a revision's pack newer than the one that scores it (none once submitted). */
export function newerVersions(packs: PackRegistry, rev: Revision): LoadedPack[] {
  if (rev.row.status !== 'draft') return [];
  return packs.list().filter((p) => p.pack.id === rev.row.pack_id && compareVersions(p.pack.version, rev.row.pack_version) > 0);
}

/** The version a draft may move to: a draft, and a version of its pack newer than its own (else a reason naming the field). */
function target(deps: Deps, rev: Revision, version: string): LoadedPack {
  requireDraft(rev.row);
  const t = deps.packs.require(rev.row.pack_id, version, 'version');
  if (compareVersions(version, rev.row.pack_version) <= 0) {
    throw new CfcError(
      'invalid_input',
      {
        vi: `Trường version: chỉ chuyển sang phiên bản mới hơn ${rev.row.pack_version} (nhận được ${version}).`,
        en: `Field version: a draft moves only to a version newer than ${rev.row.pack_version} (got ${version}).`,
      },
      { field: 'version' },
    );
  }
  return t;
}

/** What moving a draft to `version` would do, checked as the move itself is (writes nothing). */
export async function previewRepack(deps: Deps, id: string, version: string): Promise<RepackPlan> {
  const rev = await loadRevision(deps.db, deps.packs, id);
  return planRepack(rev, target(deps, rev, version));
}

/** Moves a draft to a newer version of its pack, in one transaction with an audit line; returns the plan applied. */
export async function repackDraft(deps: Deps, id: string, version: string, actor: Actor): Promise<RepackPlan> {
  const rev = await loadRevision(deps.db, deps.packs, id);
  const plan = planRepack(rev, target(deps, rev, version));
  const flaggedIds = new Set(plan.flagged.map((f) => f.indicatorId));
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('assessment').set({ pack_version: plan.to.version, pack_sha256: plan.to.sha256, updated_at: actor.now }).where('id', '=', id).execute();
    for (const indicatorId of flaggedIds) {
      await trx
        .updateTable('assessment_value')
        .set({ value_json: null, override_points: null, override_reason: null, copied: 0, updated_at: actor.now })
        .where('revision_id', '=', id)
        .where('indicator_id', '=', indicatorId)
        .execute();
    }
    await appendAudit(trx, rev.row, actor, 'repack', {
      old: plan.from,
      new: { ...plan.to, flagged: plan.flagged.map((f) => f.indicatorId), totalBefore: plan.before.total, totalAfter: plan.after.total },
    });
  });
  return plan;
}
