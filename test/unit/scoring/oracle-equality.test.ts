import { describe, expect, it } from 'vitest';
import type { LoadedPack } from '../../../src/core/criteria/schema';
import { isCfcError } from '../../../src/core/errors';
import { assess } from '../../../src/core/scoring/assess';
import { explainScore, score, scoreFast } from '../../../src/core/scoring/engine';
import type { ScoreFacts } from '../../../src/core/scoring/facts';
import { parseScoreInput } from '../../../src/core/scoring/input';
import type { ScoreResult } from '../../../src/core/scoring/result';
import * as legacy from '../../oracle/scoring-legacy';
import { badInputs, everyKindPack, generator } from './generate';
import { builtin } from './helpers';

/**
 * The fast path against today's engine (test/oracle/scoring-legacy.ts) on 100,000 generated inputs: 50,000 for the
 * built-in pack, 30,000 for a pack of every kind (rates per N included), 20,000 bad inputs over both. For each:
 * `score` and `explainScore(scoreFast(x))` give the oracle's result byte for byte (JSON, key order included: packages
 * store it), `scoreFast` gives its facts (every number, status, flag and reason), and a rejected input is rejected
 * alike (code, both messages, field, every issue). Every 10th input is also compared through `parseScoreInput` and
 * `score`, every 250th through `assess` (with its what-if, which costs the oracle milliseconds an input). Chunks of
 * 2,000 keep each test to a few seconds; the oracle's own time (≈ 100 µs an input) is most of the file's.
 */

const CHUNK = 2000;
const ASSESS_EVERY = 250;

type Outcome = { ok: true; json: string; value: unknown } | { ok: false; json: string };

function outcome(f: () => unknown): Outcome {
  try {
    const value = f();
    return { ok: true, json: JSON.stringify(value), value };
  } catch (e) {
    if (!isCfcError(e)) throw e;
    return { ok: false, json: JSON.stringify({ code: e.code, messages: e.messages, field: e.field, issues: e.issues }) };
  }
}

/** The facts agree with the oracle's result: every number, status and flag (the texts are compared after `explainScore`). */
function sameFacts(f: ScoreFacts, r: ScoreResult): boolean {
  if (f.total !== r.total || f.maxTotal !== r.maxTotal || f.threshold !== r.threshold || f.recognised !== r.recognised) return false;
  if (f.verdict !== r.verdict || f.provisional !== r.provisional || f.unitClass !== r.unitClass || f.criteria.length !== r.criteria.length) return false;
  for (let c = 0; c < f.criteria.length; c++) {
    const fc = f.criteria[c]!;
    const rc = r.criteria[c]!;
    if (fc.id !== rc.id || fc.points !== rc.points || fc.max !== rc.max || fc.provisional !== rc.provisional || fc.indicators.length !== rc.indicators.length) return false;
    for (let i = 0; i < fc.indicators.length; i++) {
      const fi = fc.indicators[i]!;
      const ri = rc.indicators[i]!;
      if (fi.id !== ri.id || fi.kind !== ri.kind || fi.max !== ri.max || fi.status !== ri.status || fi.computed !== ri.computed || fi.points !== ri.points) return false;
      if (fi.provisional !== ri.provisional || JSON.stringify(fi.override) !== JSON.stringify(ri.override)) return false;
    }
  }
  return JSON.stringify(f.reasons) === JSON.stringify(r.reasons.map(({ message: _m, ...rest }) => rest));
}

interface Tally {
  results: number;
  rejections: number;
  verdicts: Set<string>;
  kinds: Set<string>;
  scored: number;
  assessed: number;
}

function compare(input: unknown, loaded: LoadedPack, k: number, tally: Tally): void {
  const old = outcome(() => legacy.score(input, loaded));
  const fast = outcome(() => scoreFast(input, loaded));
  expect(fast.ok).toBe(old.ok);
  if (fast.ok && old.ok) {
    const oldResult = old.value as ScoreResult;
    const facts = fast.value as ScoreFacts;
    if (!sameFacts(facts, oldResult)) expect({ input, facts }).toEqual({ input, oracle: oldResult });
    const explained = JSON.stringify(explainScore(facts));
    if (explained !== old.json) expect({ input, explained: JSON.parse(explained) }).toEqual({ input, explained: oldResult });
    tally.results++;
    tally.verdicts.add(oldResult.verdict);
    for (const c of oldResult.criteria) for (const i of c.indicators) tally.kinds.add(`${i.kind}:${i.status}`);
  } else {
    if (fast.json !== old.json) expect({ input, error: JSON.parse(fast.json) }).toEqual({ input, error: JSON.parse(old.json) });
    tally.rejections++;
  }
  if (k % 10 === 0) {
    // `parseScoreInput` (its own fast check, then the full validation) returns what the oracle's returns; `score` is
    // `explainScore(scoreFast(x))`, checked all the same.
    const parsedOld = outcome(() => legacy.parseScoreInput(input, loaded));
    const parsedNow = outcome(() => parseScoreInput(input, loaded));
    if (parsedNow.json !== parsedOld.json) expect({ input, parsed: parsedNow }).toEqual({ input, parsed: parsedOld });
    const now = outcome(() => score(input, loaded));
    if (now.json !== old.json) expect({ input, result: now }).toEqual({ input, result: old });
    tally.scored++;
  }
  if (k % ASSESS_EVERY === 0) {
    // The oracle's what-if writes every candidate's text at every step (≈ 10 ms an input): a sample of 400.
    const aOld = outcome(() => legacy.assess(input, loaded));
    const aNow = outcome(() => assess(input, loaded));
    if (aNow.json !== aOld.json) expect({ input, assessed: aNow }).toEqual({ input, assessed: aOld });
    tally.assessed++;
  }
}

function batch(name: string, count: number, loaded: () => LoadedPack, source: (l: LoadedPack) => () => unknown, check: (t: Tally) => void) {
  describe(name, () => {
    const l = loaded();
    const next = source(l);
    const tally: Tally = { results: 0, rejections: 0, verdicts: new Set(), kinds: new Set(), scored: 0, assessed: 0 };
    for (let from = 0; from < count; from += CHUNK) {
      it(`inputs ${from + 1}–${Math.min(count, from + CHUNK)}: same results, texts and rejections as the oracle`, { timeout: 120_000 }, () => {
        for (let k = from; k < Math.min(count, from + CHUNK); k++) compare(next(), l, k, tally);
      });
    }
    it('the batch reached what it is meant to reach', () => {
      expect(tally.results + tally.rejections).toBe(count);
      expect(tally.scored).toBe(Math.ceil(count / 10));
      expect(tally.assessed).toBe(Math.ceil(count / ASSESS_EVERY));
      check(tally);
    });
  });
}

const builtinPack = builtin();
const everyKind = everyKindPack();

batch('built-in pack, 50,000 generated inputs', 50_000, () => builtinPack, (l) => generator(l, 20190103, true), (t) => {
  expect(t.rejections).toBe(0);
  expect([...t.verdicts].sort()).toEqual(['incomplete', 'not_recognised', 'recognised']);
  for (const k of ['boolean:scored', 'boolean:missing', 'rate:scored', 'count:scored', 'survey:scored', 'survey:not_scorable']) expect(t.kinds).toContain(k);
});

batch('every kind (rates per N, choices, a lower rate, unconfirmed rules), 30,000 generated inputs', 30_000, () => everyKind, (l) => generator(l, 11, true), (t) => {
  expect(t.rejections).toBe(0);
  expect([...t.verdicts].sort()).toEqual(['incomplete', 'not_recognised', 'recognised']);
  for (const k of ['choice:scored', 'rate_per_n:scored', 'rate_per_n:missing', 'rate:scored', 'count:scored', 'survey:not_scorable']) expect(t.kinds).toContain(k);
});

batch('bad inputs for the built-in pack, 10,000', 10_000, () => builtinPack, (l) => badInputs(l, 7), (t) => {
  expect(t.rejections).toBeGreaterThan(8000);
});

batch('bad inputs for the pack of every kind, 10,000', 10_000, () => everyKind, (l) => badInputs(l, 8), (t) => {
  expect(t.rejections).toBeGreaterThan(8000);
});
