import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { ApiCallError } from '../../src/api/errors';
import { newRevision, setValue, submitAssessment, type Deps } from '../../src/core/assessments/assessments';
import { CfcError } from '../../src/core/errors';
import type { Store } from '../../src/core/store/db';
import { writeTransaction } from '../../src/core/store/write';
import { repoRoot, tempDir, testService } from '../helpers';
import { editions, packs, units } from '../unit/packages/helpers';

/**
 * Issue 9, guards inside the transaction (assessments): two calls racing in one process, the SQL triggers behind the
 * guards (a raw write to a submitted revision refused), and one first revision per commune and year.
 */

const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json'), 'utf8')) as { values: Record<string, unknown> };
const who = { name: 'Nguyễn Thị Hồng', now: '2026-03-15T08:00:00.000Z' };

let s: Service;
let store: Store;
let deps: Deps;
let cleanup: () => void;
beforeEach(async () => {
  let dir: string;
  ({ dir, cleanup } = tempDir());
  s = testService(dir);
  await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: who.name, userTitle: 'Chủ tịch' });
  store = await s.open();
  deps = { db: store.db, packs, units, editions };
});
afterEach(async () => {
  await s.close();
  cleanup();
});

async function settled<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: CfcError }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    if (e instanceof CfcError) return { ok: false, error: e };
    if (e instanceof ApiCallError) return { ok: false, error: new CfcError(e.error.code, e.error.message ?? { vi: '', en: '' }) };
    throw e;
  }
}

async function filled(): Promise<string> {
  const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
  for (const [indicatorId, value] of Object.entries(fixture.values)) await s.call('assessments.setValue', { id: a.id, indicatorId, value });
  return a.id;
}

const count = (q: string) => (store.sqlite.prepare(q).get() as { n: number }).n;

describe('assessments: guards inside the transaction', () => {
  it('two quick creates of one commune and year make one assessment; the second is refused, naming the problem', async () => {
    const [a, b] = await Promise.all([
      settled(s.call('assessments.create', { unitCode: '29266', year: 2026 })),
      settled(s.call('assessments.create', { unitCode: '29266', year: 2026 })),
    ]);
    expect(a.ok).toBe(true);
    expect(b.ok).toBe(false);
    if (b.ok) return;
    expect(b.error.code).toBe('already_exists');
    expect(b.error.messages.en).toContain('Xã Càng Long already has a 2026 assessment');
    expect(b.error.messages.vi).toContain('đã có bản đánh giá năm 2026');
    expect(count('select count(*) as n from assessment')).toBe(1);
    expect(count("select count(*) as n from audit where action = 'create'")).toBe(1);
  });

  it('the unique index refuses a second first revision written past the guard (raw SQL)', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    const copy = () =>
      store.sqlite
        .prepare(
          "insert into assessment (id, assessment_id, revision, unit_code, unit_edition, year, unit_class, pack_id, pack_version, pack_sha256, status, created_by, created_at, updated_at) select 'other-id', 'other-assessment', 1, unit_code, unit_edition, year, unit_class, pack_id, pack_version, pack_sha256, 'draft', 'x', created_at, updated_at from assessment where id = ?",
        )
        .run(a.id);
    expect(copy).toThrow(/UNIQUE constraint failed: assessment\.unit_edition, assessment\.unit_code, assessment\.year/);
    expect(count('select count(*) as n from assessment')).toBe(1);
    // Another year is another assessment.
    await s.call('assessments.create', { unitCode: '29266', year: 2027 });
    expect(count('select count(*) as n from assessment')).toBe(2);
  });

  it('submit racing a late edit: either the edit is in the submitted revision (and its score), or it is refused as read-only', async () => {
    const id = await filled();
    const [submitted, edited] = await Promise.all([
      settled(submitAssessment(deps, id, who)),
      settled(setValue(deps, id, '3.2', 4, who)),
    ]);
    expect(submitted.ok).toBe(true);
    const stored = (store.sqlite.prepare("select value_json from assessment_value where revision_id = ? and indicator_id = '3.2'").get(id) as { value_json: string }).value_json;
    const trail = store.sqlite.prepare('select seq, action, new_json from audit where revision_id = ? order by seq').all(id) as { seq: number; action: string; new_json: string }[];
    const submit = trail.find((t) => t.action === 'submit')!;
    // Nothing is recorded after the submit: the submitted revision is what was scored.
    expect(trail.at(-1)).toBe(submit);
    if (edited.ok) {
      expect(stored).toBe('4');
    } else {
      expect(edited.error.code).toBe('read_only');
      // The guard's own message (not a trigger's): it was checked inside the transaction.
      expect(edited.error.messages.en).toContain('was submitted and is read-only. Open a new revision');
      expect(stored).toBe(JSON.stringify(fixture.values['3.2']));
    }
    const rev = await s.call('assessments.get', { id });
    expect(JSON.parse(submit.new_json)).toMatchObject({ status: 'submitted', total: rev.result.total });
  });

  it('an edit after the submit is refused by the guard, naming the revision, and writes nothing', async () => {
    const id = await filled();
    await submitAssessment(deps, id, who);
    const before = count('select count(*) as n from audit');
    const r = await settled(setValue(deps, id, '3.2', 4, who));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('read_only');
    expect(r.error.messages.vi).toContain('đã nộp nên chỉ được xem');
    expect(count('select count(*) as n from audit')).toBe(before);
  });

  it('two new revisions started at once from one submitted revision: one is made, the other refused', async () => {
    const id = await filled();
    await submitAssessment(deps, id, who);
    const [a, b] = await Promise.all([settled(newRevision(deps, id, who)), settled(newRevision(deps, id, who))]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const refused = (a.ok ? b : a) as { ok: false; error: CfcError };
    expect(refused.error.code).toBe('invalid_state');
    expect(refused.error.messages.en).toContain('A newer revision than 1 exists');
    expect(count('select count(*) as n from assessment')).toBe(2);
  });

  it('evidence attached racing the submit: either linked before the submit, or refused as read-only; never linked after', async () => {
    const id = await filled();
    const staged = await s.files.stage(Readable.from([Buffer.from('%PDF-1.4 biên bản')]), 'Biên bản.pdf');
    if (!staged.ok) throw new Error(staged.error.message.en);
    const [attach, submit] = await Promise.all([
      settled(s.call('evidence.attach', { id, indicatorId: '1.1', files: [{ stagedId: staged.value.stagedId, name: 'Biên bản.pdf' }] })),
      settled(s.call('assessments.submit', { id })),
    ]);
    expect(submit.ok).toBe(true);
    const linked = count("select count(*) as n from evidence where removed_at is null");
    if (attach.ok) expect(linked).toBe(1);
    else {
      expect(attach.error.code).toBe('read_only');
      expect(linked).toBe(0);
    }
    // The submit's audit entry is the last one: nothing was written to the revision after it.
    const last = store.sqlite.prepare('select action from audit order by rowid desc limit 1').get() as { action: string };
    expect(last.action).toBe('submit');
  });

  it('two removals of one evidence link at once: one removes it, the other is told it is gone; one audit entry', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    const staged = await s.files.stage(Readable.from([Buffer.from('%PDF-1.4 ảnh')]), 'Ảnh.pdf');
    if (!staged.ok) throw new Error(staged.error.message.en);
    const { items } = await s.call('evidence.attach', { id: a.id, indicatorId: '1.1', files: [{ stagedId: staged.value.stagedId, name: 'Ảnh.pdf' }] });
    const evidenceId = items[0]!.id;
    const [x, y] = await Promise.all([settled(s.call('evidence.remove', { evidenceId })), settled(s.call('evidence.remove', { evidenceId }))]);
    expect([x.ok, y.ok].sort()).toEqual([false, true]);
    const refused = (x.ok ? y : x) as { ok: false; error: CfcError };
    expect(refused.error.code).toBe('not_found');
    expect(count("select count(*) as n from audit where action = 'evidence_remove'")).toBe(1);
  });
});

describe('assessments: SQL triggers (migration 0007)', () => {
  it('refuse INSERT, UPDATE and DELETE of values, notes, overrides and evidence links of a submitted revision', async () => {
    const id = await filled();
    const now = who.now;
    // A draft accepts raw writes (the control).
    store.sqlite.prepare("update assessment_value set note = 'nháp' where revision_id = ? and indicator_id = '2.1'").run(id);
    store.sqlite
      .prepare("insert into evidence (id, revision_id, indicator_id, sha256, name, media_type, size, added_by, added_at) values ('e1', ?, '2.1', ?, 'a.pdf', 'application/pdf', 1, 'x', ?)")
      .run(id, 'a'.repeat(64), now);
    await submitAssessment(deps, id, who);
    const refused = [
      "update assessment_value set value_json = '1' where revision_id = ? and indicator_id = '3.2'",
      "update assessment_value set note = 'sửa' where revision_id = ? and indicator_id = '2.1'",
      "update assessment_value set override_points = 0, override_reason = 'x' where revision_id = ? and indicator_id = '2.1'",
      'delete from assessment_value where revision_id = ?',
      "insert into assessment_value (revision_id, indicator_id, note, updated_at) values (?, '99.9', '', 't')",
      "update evidence set removed_at = 't', removed_by = 'x' where revision_id = ?",
      'delete from evidence where revision_id = ?',
      `insert into evidence (id, revision_id, indicator_id, sha256, name, media_type, size, added_by, added_at) values ('e2', ?, '2.1', '${'b'.repeat(64)}', 'b.pdf', 'application/pdf', 1, 'x', 't')`,
      "update assessment set status = 'draft' where id = ?",
      'delete from assessment where id = ?',
    ];
    const snapshot = () => JSON.stringify([store.sqlite.prepare('select * from assessment_value order by indicator_id').all(), store.sqlite.prepare('select * from evidence').all(), store.sqlite.prepare('select * from assessment').all()]);
    const before = snapshot();
    for (const q of refused) expect(() => store.sqlite.prepare(q).run(id), q).toThrow(/cfc_read_only: .*submitted/);
    expect(snapshot()).toEqual(before);
  });

  it('a write past the guards inside writeTransaction becomes a read_only error in both languages, rolled back', async () => {
    const id = await filled();
    await submitAssessment(deps, id, who);
    const e = await writeTransaction(store.db, async (trx) => {
      await trx.insertInto('audit').values({ assessment_id: 'x', revision_id: id, at: 't', actor: 'x', action: 'note' }).execute();
      await sql`update assessment_value set note = 'sửa' where revision_id = ${id}`.execute(trx);
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CfcError);
    expect((e as CfcError).code).toBe('read_only');
    expect((e as CfcError).messages.vi).toContain('đã nộp');
    expect((e as CfcError).messages.en).toContain('nothing was written');
    expect(count("select count(*) as n from audit where assessment_id = 'x'")).toBe(0);
  });
});
