/**
 * Benchmark: assessments scored per second by the engine (validation, exact integer brackets, bilingual explanations,
 * verdict) on a batch of generated inputs, beside a reference run: a naive floating-point scorer over the same inputs
 * (no validation, no explanations, `n / d * 100 >= t`). Prints both and their ratio, and how often the naive scorer
 * disagrees with the exact one. Run: `npm run bench:score [-- COUNT]`. No assertion: figures for people.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { packRegistry } from '../../src/core/criteria/registry';
import type { Indicator, Pack } from '../../src/core/criteria/schema';
import { computeScore, score } from '../../src/core/scoring/engine';
import { parseScoreInput, type IndicatorValue } from '../../src/core/scoring/input';

const COUNT = Number(process.argv[2] ?? 100_000);
const loaded = packRegistry(path.resolve(import.meta.dirname, '../../resources')).require('qd06-2019');
const indicators = loaded.pack.criteria.flatMap((c) => c.indicators);

/** A small deterministic PRNG (mulberry32), so every run scores the same batch. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20190103);
const int = (max: number) => Math.floor(rand() * (max + 1));

function value(ind: Indicator): IndicatorValue {
  switch (ind.kind) {
    case 'boolean':
      return rand() < 0.8;
    case 'count':
      return rand() < 0.6 ? 0 : int(4);
    case 'rate': {
      const d = 1 + int(2000);
      // Half the rates sit close to a bracket threshold, where rounding matters.
      const b = ind.brackets[int(ind.brackets.length - 1)]!;
      const near = Math.round((b.threshold * d) / 100) + int(2) - 1;
      return { numerator: rand() < 0.5 ? Math.max(0, Math.min(d, near)) : int(d), denominator: d };
    }
    case 'rate_per_n': {
      const d = 1 + int(2000);
      return { numerator: int(Math.min(d, 5)), denominator: d };
    }
    case 'choice':
      return ind.options[int(ind.options.length - 1)]!.id;
    case 'survey':
      return { groups: Object.fromEntries(ind.groups.map((g) => { const r = 25 + int(60); return [g.id, { respondents: r, satisfied: int(r) }]; })) };
  }
}

const classes = ['urban_ward', 'mountain_island_disadvantaged', 'other'] as const;
const inputs = Array.from({ length: COUNT }, () => ({
  pack: loaded.pack.id,
  unitClass: classes[int(2)]!,
  values: Object.fromEntries(indicators.map((i) => [i.id, value(i)])),
}));

/** The reference: floating-point percentages, no validation, no explanations. */
function naiveScore(input: (typeof inputs)[number], pack: Pack): { total: number; recognised: boolean } {
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

function time(label: string, f: () => void): number {
  f(); // warm-up
  const t0 = performance.now();
  f();
  const ms = performance.now() - t0;
  const perSecond = (COUNT / ms) * 1000;
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${Math.round(perSecond).toLocaleString('en').padStart(11)} /s`);
  return perSecond;
}

console.log(`Scoring ${COUNT.toLocaleString('en')} generated assessments with ${loaded.pack.id} ${loaded.pack.version} (node ${process.version})`);
const parsed = inputs.map((i) => parseScoreInput(i, loaded));
const full = time('engine: validate + score + explain', () => {
  for (const i of inputs) score(i, loaded);
});
const core = time('engine: score + explain (pre-validated)', () => {
  for (const i of parsed) computeScore(i, loaded);
});
const naive = time('reference: naive floating-point scorer', () => {
  for (const i of inputs) naiveScore(i, loaded.pack);
});
let totals = 0;
let verdicts = 0;
for (let k = 0; k < inputs.length; k++) {
  const exact = computeScore(parsed[k]!, loaded);
  const n = naiveScore(inputs[k]!, loaded.pack);
  if (exact.total !== n.total) totals++;
  if (exact.recognised !== n.recognised) verdicts++;
}
console.log('');
console.log(`ratio engine (full) / reference:      ${(full / naive).toFixed(3)}`);
console.log(`ratio engine (pre-validated) / reference: ${(core / naive).toFixed(3)}`);
console.log(`reference disagrees with the exact engine on ${totals} totals and ${verdicts} verdicts of ${COUNT.toLocaleString('en')}`);
