import type { CallOutput } from '../../../api/contract';

export type Pack = CallOutput<'packs.get'>['pack'];
type Text = { vi: string; en: string };

/**
 * One rule of a pack as a person checks it against the legal text: where it sits, what it says, its points, whether it
 * is confirmed, and its source. Every part of a pack that carries a `confirmed` flag is one rule (the recognition rule,
 * each criterion, indicator, bracket, "otherwise", denominator-0 rule, choice option and survey group), so the scale,
 * the import preview and the side-by-side diff show the same list. `key` identifies the rule across two versions.
 */
export interface Rule {
  key: string;
  where: string;
  /** What the rule says: a bracket ("≥ 98%"), a maximum ("max 50"), a survey group ("≥ 30 …"), or a label key. */
  rule: string;
  /** The wording a person reads (a criterion's or indicator's title, an option's), when the rule has one. */
  title: Text | null;
  points: number | null;
  confirmed: boolean;
  source: string;
}

/** The recognition rule's row text: the three thresholds and the zero rule. */
export function recognitionText(p: Pack): string {
  const t = p.recognition.thresholds;
  return `urban_ward ${t.urban_ward} · mountain_island_disadvantaged ${t.mountain_island_disadvantaged} · other ${t.other}${p.recognition.noCriterionAtZero ? ' · no criterion at 0' : ''}`;
}

export function rulesOf(pack: Pack): Rule[] {
  const rows: Rule[] = [
    { key: 'recognition', where: '—', rule: recognitionText(pack), title: null, points: null, confirmed: pack.recognition.confirmed, source: pack.recognition.source },
  ];
  for (const c of pack.criteria) {
    rows.push({ key: `c:${c.id}`, where: c.id, rule: `max ${c.max}`, title: c.title, points: c.max, confirmed: c.confirmed, source: c.source });
    for (const i of c.indicators) {
      const k = `i:${i.id}`;
      const per = i.kind === 'rate_per_n' ? `, /${i.per}` : '';
      const dir = 'better' in i ? `, ${i.better}` : '';
      rows.push({ key: k, where: i.id, rule: `${i.kind}${dir}${per}, max ${i.max}`, title: i.title, points: i.max, confirmed: i.confirmed, source: i.source });
      if ('brackets' in i) {
        const op = i.kind === 'survey' || i.better === 'higher' ? '≥' : '≤';
        const unit = i.kind === 'count' ? '' : i.kind === 'rate_per_n' ? ` /${i.per}` : '%';
        i.brackets.forEach((b, n) =>
          rows.push({ key: `${k}:b${n}`, where: i.id, rule: `${op} ${b.threshold}${unit}`, title: null, points: b.points, confirmed: b.confirmed, source: b.source }),
        );
        rows.push({ key: `${k}:otherwise`, where: i.id, rule: 'otherwise', title: null, points: 0, confirmed: i.otherwise.confirmed, source: i.otherwise.source });
      }
      if ('denominatorZero' in i) {
        rows.push({ key: `${k}:zero`, where: i.id, rule: '0/0', title: null, points: i.denominatorZero.points, confirmed: i.denominatorZero.confirmed, source: i.denominatorZero.source });
      }
      if (i.kind === 'choice') {
        i.options.forEach((o) => rows.push({ key: `${k}:o:${o.id}`, where: i.id, rule: o.id, title: o.title, points: o.points, confirmed: o.confirmed, source: o.source }));
      }
      if (i.kind === 'survey') {
        i.groups.forEach((g) => rows.push({ key: `${k}:g:${g.id}`, where: i.id, rule: `${g.id} ≥ ${g.minRespondents}`, title: g.title, points: null, confirmed: g.confirmed, source: g.source }));
      }
    }
  }
  return rows;
}

/** How many rules are confirmed and how many provisional. */
export function ruleCounts(pack: Pack): { confirmed: number; provisional: number } {
  const rows = rulesOf(pack);
  const confirmed = rows.filter((r) => r.confirmed).length;
  return { confirmed, provisional: rows.length - confirmed };
}

/** One line of a side-by-side comparison: the rule in A and in B (null where it does not exist), and whether it differs. */
export interface RulePair {
  key: string;
  where: string;
  a: Rule | null;
  b: Rule | null;
  changed: boolean;
}

const same = (x: Rule, y: Rule) => JSON.stringify({ ...x, key: '' }) === JSON.stringify({ ...y, key: '' });

/** The rules of two packs paired by key, in B's order with A's removed rules after the rule that preceded them. */
export function pairRules(a: Pack, b: Pack): RulePair[] {
  const ra = rulesOf(a);
  const rb = rulesOf(b);
  const byKey = new Map(ra.map((r) => [r.key, r]));
  const inB = new Set(rb.map((r) => r.key));
  const out: RulePair[] = rb.map((r) => {
    const x = byKey.get(r.key) ?? null;
    return { key: r.key, where: r.where, a: x, b: r, changed: !x || !same(x, r) };
  });
  ra.forEach((r, n) => {
    if (inB.has(r.key)) return;
    const prev = ra.slice(0, n).reverse().find((p) => inB.has(p.key) || out.some((o) => o.key === p.key));
    const at = prev ? out.findIndex((o) => o.key === prev.key) + 1 : out.length;
    out.splice(at, 0, { key: r.key, where: r.where, a: r, b: null, changed: true });
  });
  return out;
}
