import path from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { CfcError } from '../../src/core/errors';
import { trustLookup } from '../../src/core/packages/trust';
import {
  decide,
  exportReview,
  inbox,
  loadReview,
  openReview,
  reopen,
  setFinding,
  setTeam,
  setTeamValue,
  teamResult,
  type InboxItem,
  type InboxState,
  type ReviewDeps,
} from '../../src/core/reviews/reviews';
import type { Database, PackageTable } from '../../src/core/store/schema';
import type { Store } from '../../src/core/store/db';
import { tempDir, testService } from '../helpers';
import { APP, editions, makeKey, makePackage, packs, publicKeyText, units } from '../unit/packages/helpers';

/**
 * Issue 9 (reviews): every write path checks its state inside its transaction (two calls racing in one process), the
 * triggers behind a decided review, the export that marks clean only what it exported; issue 11: the inbox without
 * N+1 queries returns what the per-review loading returned.
 */

const who = { name: 'Trần Văn Bình', now: '2026-03-20T08:00:00.000Z' };
const TEAM = [{ name: 'Trần Văn Bình', title: 'Trưởng đoàn' }];
/** Three communes of old Huyện Càng Long (edition 2025-03-01): 2024 dossiers, from before the reform. */
const COMMUNES = ['29269', '29272', '29275'];

let dir: string;
let cleanup: () => void;
let assessor: Service;
let store: Store;
let deps: ReviewDeps;
const sha: Record<string, string> = {};

beforeEach(async () => {
  ({ dir, cleanup } = tempDir('cfc-reviews-integrity-'));
  assessor = testService(path.join(dir, 'assessor'));
  await assessor.call('profile.set', { role: 'assessor', unitCode: '86', organisation: 'UBND Tỉnh Vĩnh Long', userName: who.name, userTitle: 'Trưởng phòng' });
  const files: string[] = [];
  for (const code of COMMUNES) {
    const key = makeKey('commune', code, `Chủ tịch ${code}`, '2025-03-01');
    await assessor.call('trust.add', { publicKey: publicKeyText(key) });
    const p = await makePackage(path.join(dir, 'in', code), key);
    sha[code] = p.manifestSha256;
    files.push(p.file);
  }
  await assessor.call('packages.import', { paths: files });
  store = await assessor.open();
  deps = { db: store.db, packs, units, editions, dataDir: path.join(dir, 'assessor') };
});
afterEach(async () => {
  await assessor.close();
  cleanup();
});

async function settled<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: CfcError }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    if (e instanceof CfcError) return { ok: false, error: e };
    throw e;
  }
}
const count = (q: string, ...args: unknown[]) => (store.sqlite.prepare(q).get(...args) as { n: number }).n;

/** A review of the first commune, with a team, ready to decide. */
async function ready(): Promise<string> {
  const { id } = await openReview(deps, sha['29269']!, who);
  await setTeam(deps, id, TEAM, who);
  return id;
}

/** The inbox as it was computed before issue 11: one `loadReview` (five queries) per review. */
async function inboxBefore(filter: { year?: number; state?: InboxState }): Promise<InboxItem[]> {
  let q = deps.db.selectFrom('package').selectAll().where('kind', '=', 'self-assessment');
  if (filter.year !== undefined) q = q.where('year', '=', filter.year);
  const packages = await q.orderBy('year', 'desc').orderBy('unit_code').orderBy('revision', 'desc').orderBy('imported_at', 'desc').execute();
  const reviews = new Map((await deps.db.selectFrom('review').selectAll().execute()).map((r) => [r.assessment_id, r]));
  const groups = new Map<string, PackageTable[]>();
  for (const p of packages) groups.set(p.assessment_id, [...(groups.get(p.assessment_id) ?? []), p]);
  const out: InboxItem[] = [];
  for (const [assessmentId, history] of groups) {
    const latest = history[0]!;
    const review = reviews.get(assessmentId);
    const state: InboxState = review?.state ?? 'received';
    if (filter.state !== undefined && filter.state !== state) continue;
    let team: InboxItem['team'] = null;
    if (review) {
      const res = teamResult(await loadReview(deps.db, deps.packs, review.id));
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

describe('reviews: the inbox', () => {
  it('returns what the per-review loading returned, in three queries whatever the number of packages', async () => {
    const a = await ready();
    await setTeamValue(deps, a, '3.2', 3, 'Công an xã ghi nhận 3 vụ', who);
    await decide(deps, a, 'not_recognised', ['Tiêu chí 3 chưa đạt'], who);
    await openReview(deps, sha['29272']!, who);
    let queries = 0;
    const counted: ReviewDeps = { ...deps, db: new Kysely<Database>({ dialect: new SqliteDialect({ database: store.sqlite }), log: () => void queries++ }) };
    for (const filter of [{}, { year: 2026 }, { year: 2025 }, { state: 'received' as const }, { state: 'in_review' as const }, { state: 'not_recognised' as const }]) {
      const expected = await inboxBefore(filter);
      queries = 0;
      const got = await inbox(counted, filter);
      expect(got).toEqual(expected);
      expect(queries, JSON.stringify(filter)).toBe(3);
    }
    const all = await inbox(deps, {});
    expect(all.map((i) => [i.unit.code, i.state, i.team?.total ?? null])).toEqual([
      ['29269', 'not_recognised', 850],
      ['29272', 'in_review', 875],
      ['29275', 'received', null],
    ]);
  });
});

describe('reviews: guards inside the transaction', () => {
  it('two opens at once start one review (one open in the trail)', async () => {
    const [a, b] = await Promise.all([openReview(deps, sha['29269']!, who), openReview(deps, sha['29269']!, who)]);
    expect(a.id).toBe(b.id);
    expect([a.started, b.started].sort()).toEqual([false, true]);
    expect(count('select count(*) as n from review')).toBe(1);
    expect(count("select count(*) as n from review_audit where action = 'open'")).toBe(1);
  });

  it('decide racing a team edit: the decision is taken on what is stored; a late edit is refused, never written after it', async () => {
    const id = await ready();
    const [decided, edited] = await Promise.all([
      settled(decide(deps, id, 'returned', ['Bổ sung hồ sơ'], who)),
      settled(setTeamValue(deps, id, '3.2', 3, 'Công an xã ghi nhận 3 vụ', who)),
    ]);
    expect(decided.ok).toBe(true);
    const trail = store.sqlite.prepare('select action, new_json from review_audit where review_id = ? order by seq').all(id) as { action: string; new_json: string }[];
    expect(trail.at(-1)!.action).toBe('decide');
    const total = (JSON.parse(trail.at(-1)!.new_json) as { total: number }).total;
    expect(total).toBe(teamResult(await loadReview(deps.db, packs, id)).total);
    if (!edited.ok) {
      expect(edited.error.code).toBe('review_decided');
      expect(edited.error.messages.en).toContain('reopen it (with a reason)');
      expect(total).toBe(875);
    } else {
      expect(total).toBe(850);
    }
  });

  it('two reopens at once reopen once', async () => {
    const id = await ready();
    await decide(deps, id, 'returned', ['Bổ sung hồ sơ'], who);
    await Promise.all([reopen(deps, id, 'Xem lại', who), reopen(deps, id, 'Xem lại', who)]);
    expect(count("select count(*) as n from review_audit where action = 'reopen'")).toBe(1);
  });

  it('a finding and a decision at once: the finding is either before the decision or refused', async () => {
    const id = await ready();
    const [d, f] = await Promise.all([settled(decide(deps, id, 'returned', ['Bổ sung'], who)), settled(setFinding(deps, id, '2', 'Thiếu sổ', who))]);
    expect(d.ok).toBe(true);
    const actions = (store.sqlite.prepare('select action from review_audit where review_id = ? order by seq').all(id) as { action: string }[]).map((r) => r.action);
    expect(actions.at(-1)).toBe('decide');
    expect(actions.includes('finding')).toBe(f.ok);
  });
});

describe('reviews: SQL triggers (migration 0007)', () => {
  it("refuse writes to a decided review's team values, findings, evidence links, team and decision; exports still record", async () => {
    const id = await ready();
    await setFinding(deps, id, '2', 'Thiếu sổ', who);
    store.sqlite
      .prepare("insert into review_evidence (id, review_id, indicator_id, sha256, name, media_type, size, added_by, added_at) values ('re1', ?, '2.1', ?, 'a.pdf', 'application/pdf', 1, 'x', 't')")
      .run(id, 'a'.repeat(64));
    await decide(deps, id, 'not_recognised', ['Chưa đạt'], who);
    const refused = [
      "update review_value set value_json = '3' where review_id = ? and indicator_id = '3.2'",
      "update review_value set note = 'sửa' where review_id = ?",
      "update review_value set override_points = 0, override_reason = 'x' where review_id = ? and indicator_id = '2.1'",
      'delete from review_value where review_id = ?',
      "insert into review_value (review_id, indicator_id, criterion_id, updated_at) values (?, '99.9', '99', 't')",
      "update review_finding set text = 'khác' where review_id = ?",
      'delete from review_finding where review_id = ?',
      "insert into review_finding (review_id, criterion_id, text, updated_at) values (?, '3', 'x', 't')",
      "update review_evidence set removed_at = 't', removed_by = 'x' where review_id = ?",
      'delete from review_evidence where review_id = ?',
      `insert into review_evidence (id, review_id, indicator_id, sha256, name, media_type, size, added_by, added_at) values ('re2', ?, '2.1', '${'b'.repeat(64)}', 'b.pdf', 'application/pdf', 1, 'x', 't')`,
      "update review set team_json = '[]' where id = ?",
      "update review set state = 'recognised' where id = ?",
      `update review set reasons_json = '["khác"]' where id = ?`,
    ];
    const snapshot = () =>
      JSON.stringify(['review_value', 'review_finding', 'review_evidence', 'review'].map((t) => store.sqlite.prepare(`select * from ${t} order by rowid`).all()));
    const before = snapshot();
    for (const q of refused) expect(() => store.sqlite.prepare(q).run(id), q).toThrow(/cfc_read_only: .*decided/);
    expect(snapshot()).toEqual(before);
    store.sqlite.prepare("update review set export_revision = 1, export_sha256 = 'x', dirty = 0 where id = ?").run(id);
    // Reopening (back to in review) is allowed, and then the team's side is writable again.
    await reopen(deps, id, 'Xem lại', who);
    store.sqlite.prepare("update review_value set note = 'sửa' where review_id = ? and indicator_id = '2.1'").run(id);
  });
});

describe('reviews: export with optimistic concurrency', () => {
  async function exportDeps() {
    return { ...deps, app: APP, trust: await trustLookup(store.db) };
  }
  const signing = makeKey('assessor', '844', who.name);

  it('marks the review clean only when nothing changed while it was being signed', async () => {
    const id = await ready();
    await decide(deps, id, 'not_recognised', ['Chưa đạt'], who);
    const out = path.join(dir, 'exports');
    const plain = await exportReview(await exportDeps(), id, signing, out, who);
    expect(plain).toMatchObject({ revision: 1, reused: false, changedDuring: false });
    expect(store.sqlite.prepare('select dirty, export_revision from review where id = ?').get(id)).toEqual({ dirty: 0, export_revision: 1 });

    // A reopen and an edit land between the export's read and its commit (while the package is being written).
    await reopen(deps, id, 'Xem lại số liệu', who);
    await decide(deps, id, 'not_recognised', ['Chưa đạt'], who);
    const raced = await exportReview(await exportDeps(), id, signing, out, who, async () => {
      await reopen(deps, id, 'Sửa tiêu chí 3', who);
      await setTeamValue(deps, id, '3.2', 3, 'Công an xã ghi nhận 3 vụ', who);
      return [];
    });
    expect(raced).toMatchObject({ revision: 2, reused: false, changedDuring: true });
    // The reopen and the edit are kept; the review is still changed since its last export.
    expect(store.sqlite.prepare('select state, dirty, export_revision from review where id = ?').get(id)).toEqual({ state: 'in_review', dirty: 1, export_revision: 2 });
    expect(store.sqlite.prepare("select value_json from review_value where review_id = ? and indicator_id = '3.2'").get(id)).toEqual({ value_json: '3' });

    // Decided again, the next export is a new revision (never the stale file reused), and clean.
    await decide(deps, id, 'not_recognised', ['Tiêu chí 3 chưa đạt'], who);
    const next = await exportReview(await exportDeps(), id, signing, out, who);
    expect(next).toMatchObject({ revision: 3, reused: false, changedDuring: false });
    expect(store.sqlite.prepare('select dirty from review where id = ?').get(id)).toEqual({ dirty: 0 });
    expect(await exportReview(await exportDeps(), id, signing, out, who)).toMatchObject({ revision: 3, reused: true });
  });
});
