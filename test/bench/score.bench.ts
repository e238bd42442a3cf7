/**
 * Benchmark: assessments scored per second, all measured in one run on the same generated batch (built-in pack, every
 * value entered, rates on and beside their bracket thresholds):
 *
 *   reference   a naive floating-point scorer (no validation, no explanations, `n / d * 100 >= t`);
 *   before      today's engine before issue 11, kept as the test oracle (test/oracle/scoring-legacy.ts):
 *               validate + score + explain;
 *   fast path   `scoreFast`: validate + score into facts (numbers, brackets, totals, verdict, flags; no text);
 *   explained   `score` = `explainScore(scoreFast(x))`: what screens, reports and packages use;
 *   assess      `assess` (explained + what-if) against the oracle's, on a sample (the oracle's what-if costs ms).
 *
 * Each is timed in ROUNDS interleaved rounds after a warm-up and the best round is printed (the machine is shared:
 * the best round is the least disturbed), per second of the process's CPU time (the ratios use it) and of wall time. Prints figures and ratios, the load average, how often the naive scorer
 * disagrees with the exact engine, and checks that the fast path's totals and verdicts are the oracle's. No assertion
 * on time. Run: `npm run bench:score [-- COUNT]`; smoke: `BENCH_SCORE_COUNT=2000 BENCH_SCORE_ROUNDS=1`.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { packRegistry } from '../../src/core/criteria/registry';
import type { Pack } from '../../src/core/criteria/schema';
import { assess } from '../../src/core/scoring/assess';
import { score, scoreFast } from '../../src/core/scoring/engine';
import * as legacy from '../oracle/scoring-legacy';
import { envInt } from './env';
import { generator, type GeneratedInput } from '../unit/scoring/generate';

const COUNT = envInt('BENCH_SCORE_COUNT', Number(process.argv[2] ?? 100_000));
const ROUNDS = envInt('BENCH_SCORE_ROUNDS', 3);
const ASSESS_SAMPLE = Math.max(1, Math.min(COUNT, envInt('BENCH_SCORE_ASSESS', 500)));
const loaded = packRegistry(path.resolve(import.meta.dirname, '../../resources')).require('qd06-2019');
const inputs = Array.from({ length: COUNT }, generator(loaded, 20190103, false));

/** The reference: floating-point percentages, no validation, no explanations. */
function naiveScore(input: GeneratedInput, pack: Pack): { total: number; recognised: boolean } {
  let total = 0;
  let zero = false;
  for (const c of pack.criteria) {
    let cp = 0;
    for (const ind of c.indicators) {
      const v = input.values[ind.id];
      let p = 0;
      if (ind.kind === 'boolean') p = v === true ? ind.max : 0;
      else if (ind.kind === 'count') p = ind.brackets.find((b) => (ind.better === 'lower' ? (v as number) <= b.threshold : (v as number) >= b.threshold))?.points ?? 0;
      else if (ind.kind === 'rate') {
        const { numerator: n, denominator: d } = v as { numerator: number; denominator: number };
        const pct = (n / d) * 100;
        p = d === 0 ? ind.denominatorZero.points : (ind.brackets.find((b) => (ind.better === 'higher' ? pct >= b.threshold : pct <= b.threshold))?.points ?? 0);
      } else if (ind.kind === 'survey') {
        const gs = Object.values((v as { groups: Record<string, { respondents: number; satisfied: number }> }).groups);
        const r = gs.reduce((a, g) => a + g.respondents, 0);
        const s = gs.reduce((a, g) => a + g.satisfied, 0);
        const ok = ind.groups.every((g) => ((v as { groups: Record<string, { respondents: number }> }).groups[g.id]?.respondents ?? 0) >= g.minRespondents);
        p = ok ? (ind.brackets.find((b) => (s / r) * 100 >= b.threshold)?.points ?? 0) : 0;
      }
      cp += p;
    }
    if (cp === 0) zero = true;
    total += cp;
  }
  return { total, recognised: !zero && total >= pack.recognition.thresholds[input.unitClass] };
}

/** Reads every text of a result, as showing, reporting or exporting it does. */
function readTexts(r: legacy.Assessment | ReturnType<typeof score>): number {
  let n = r.summary.vi.length + r.summary.en.length;
  for (const c of r.criteria) for (const i of c.indicators) n += i.explanation.vi.length + i.explanation.en.length;
  for (const x of r.reasons) n += x.message.vi.length + x.message.en.length;
  return n;
}

let sink = 0;
const sample = inputs.slice(0, ASSESS_SAMPLE);
const rows: { label: string; n: number; run: () => void; best: number; bestCpu: number }[] = [
  { label: 'reference: naive floating-point scorer', n: COUNT, run: () => inputs.forEach((i) => (sink += naiveScore(i, loaded.pack).total)), best: Infinity, bestCpu: Infinity },
  { label: 'before: validate + score + explain (oracle)', n: COUNT, run: () => inputs.forEach((i) => (sink += readTexts(legacy.score(i, loaded)))), best: Infinity, bestCpu: Infinity },
  { label: 'after, fast path: validate + score (facts)', n: COUNT, run: () => inputs.forEach((i) => (sink += scoreFast(i, loaded).total)), best: Infinity, bestCpu: Infinity },
  { label: 'after, explained: validate + score + explain', n: COUNT, run: () => inputs.forEach((i) => (sink += readTexts(score(i, loaded)))), best: Infinity, bestCpu: Infinity },
  { label: `before: assess, with what-if (${ASSESS_SAMPLE} inputs)`, n: ASSESS_SAMPLE, run: () => sample.forEach((i) => (sink += readTexts(legacy.assess(i, loaded)))), best: Infinity, bestCpu: Infinity },
  { label: `after: assess, with what-if (${ASSESS_SAMPLE} inputs)`, n: ASSESS_SAMPLE, run: () => sample.forEach((i) => (sink += readTexts(assess(i, loaded)))), best: Infinity, bestCpu: Infinity },
];

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`Scoring ${COUNT.toLocaleString('en')} generated assessments with ${loaded.pack.id} ${loaded.pack.version} (node ${process.version}, ${os.cpus().length} cores, load ${load()})`);
for (const r of rows) r.run(); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const r of rows) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    r.run();
    const c = process.cpuUsage(c0);
    r.best = Math.min(r.best, performance.now() - t0);
    r.bestCpu = Math.min(r.bestCpu, (c.user + c.system) / 1000);
  }
}
// Per second of this process's CPU time (it runs on one thread): on a shared machine, what the wall clock would show
// were the cores free; the wall-clock figure is printed beside it.
const perSecond = (r: (typeof rows)[number]) => (r.n / r.bestCpu) * 1000;
const wallPerSecond = (r: (typeof rows)[number]) => (r.n / r.best) * 1000;
const fmt = (x: number) => Math.round(x).toLocaleString('en').padStart(11);
console.log(`best of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}; per second of CPU time (and of wall-clock time):`);
for (const r of rows) console.log(`${r.label.padEnd(50)} ${r.bestCpu.toFixed(0).padStart(7)} ms cpu ${fmt(perSecond(r))} /s   (${r.best.toFixed(0).padStart(7)} ms wall ${fmt(wallPerSecond(r))} /s)`);

let totals = 0;
let verdicts = 0;
let mismatches = 0;
for (const i of inputs) {
  const exact = scoreFast(i, loaded);
  const oracle = legacy.score(i, loaded);
  if (exact.total !== oracle.total || exact.verdict !== oracle.verdict || exact.provisional !== oracle.provisional) mismatches++;
  const n = naiveScore(i, loaded.pack);
  if (exact.total !== n.total) totals++;
  if (exact.recognised !== n.recognised) verdicts++;
}
const [naive, before, fast, explained, assessBefore, assessAfter] = rows.map(perSecond) as [number, number, number, number, number, number];
console.log('');
console.log(`fast path / reference:            ${(fast / naive).toFixed(3)}`);
console.log(`explained / reference:            ${(explained / naive).toFixed(3)}`);
console.log(`before / reference:               ${(before / naive).toFixed(3)}`);
console.log(`fast path / before:               ${(fast / before).toFixed(2)}×`);
console.log(`explained / before:               ${(explained / before).toFixed(2)}×`);
console.log(`assess (what-if) after / before:  ${(assessAfter / assessBefore).toFixed(2)}×`);
console.log(`fast path vs the oracle: ${mismatches} totals, verdicts or provisional flags differ of ${COUNT.toLocaleString('en')}`);
console.log(`reference disagrees with the exact engine on ${totals} totals and ${verdicts} verdicts of ${COUNT.toLocaleString('en')}`);
console.log(`load at the end: ${load()} (checksum ${sink % 997})`);
