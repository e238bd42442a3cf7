import { formatNumber } from '../lib/text';
import type { Bilingual, PackIndicator } from './types';

/** A number field as Mantine's NumberInput hands it over: a number, or the text when it is not (yet) one. */
export type Num = string | number;

/** What the inputs of one indicator hold while the user types (not yet checked). */
export type Draft =
  | { kind: 'boolean'; v: '' | 'yes' | 'no' }
  | { kind: 'count'; v: Num }
  | { kind: 'choice'; v: string }
  | { kind: 'rate'; numerator: Num; denominator: Num }
  | { kind: 'survey'; groups: Record<string, { respondents: Num; satisfied: Num }> };

/** Which input a message belongs to: `value`, `numerator`, `denominator`, `<group>.respondents`, `<group>.satisfied`. */
export type FieldErrors = Record<string, Bilingual>;

export type Checked =
  | { state: 'empty' }
  | { state: 'valid'; value: unknown }
  /** Something is still missing: kept as a draft, not saved, the message says what is missing. */
  | { state: 'incomplete'; errors: FieldErrors }
  /** A value that cannot be right (negative, a fraction, numerator > denominator): shown, never saved. */
  | { state: 'invalid'; errors: FieldErrors };

const MAX = 1_000_000_000;

export const LABELS = {
  numerator: { vi: 'tử số', en: 'numerator' },
  denominator: { vi: 'mẫu số', en: 'denominator' },
  count: { vi: 'số lượng', en: 'the count' },
  respondents: { vi: 'số người trả lời', en: 'respondents' },
  satisfied: { vi: 'số người hài lòng', en: 'satisfied respondents' },
} satisfies Record<string, Bilingual>;

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function isBlank(x: Num): boolean {
  return typeof x === 'string' && x.trim() === '';
}

/** Reads one whole, non-negative number; the message names the field and the problem. */
function readCount(x: Num, label: Bilingual): { n: number } | { missing: Bilingual } | { bad: Bilingual } {
  if (isBlank(x)) return { missing: { vi: `Chưa nhập ${label.vi}`, en: `${cap(label.en)} is missing` } };
  const n = typeof x === 'number' ? x : Number(String(x).trim().replace(/\s/g, '').replace(',', '.'));
  if (!Number.isFinite(n)) {
    return { bad: { vi: `${cap(label.vi)}: "${String(x)}" không phải là một số`, en: `${cap(label.en)}: "${String(x)}" is not a number` } };
  }
  const shown = String(n).replace('.', ',');
  if (n < 0) return { bad: { vi: `${cap(label.vi)} không được là số âm (${shown})`, en: `${cap(label.en)} cannot be negative (${n})` } };
  if (!Number.isInteger(n)) {
    return { bad: { vi: `${cap(label.vi)} phải là số nguyên, không có phần thập phân (${shown})`, en: `${cap(label.en)} must be a whole number (${n})` } };
  }
  if (n > MAX) return { bad: { vi: `${cap(label.vi)} quá lớn (${n})`, en: `${cap(label.en)} is too large (${n})` } };
  return { n };
}

/** Checks a draft against its indicator's kind before anything is saved. */
export function check(ind: PackIndicator, d: Draft): Checked {
  switch (d.kind) {
    case 'boolean':
      return d.v === '' ? { state: 'empty' } : { state: 'valid', value: d.v === 'yes' };
    case 'choice':
      return d.v === '' ? { state: 'empty' } : { state: 'valid', value: d.v };
    case 'count': {
      if (isBlank(d.v)) return { state: 'empty' };
      const r = readCount(d.v, LABELS.count);
      if ('n' in r) return { state: 'valid', value: r.n };
      return { state: 'invalid', errors: { value: 'bad' in r ? r.bad : r.missing } };
    }
    case 'rate': {
      if (isBlank(d.numerator) && isBlank(d.denominator)) return { state: 'empty' };
      const n = readCount(d.numerator, LABELS.numerator);
      const m = readCount(d.denominator, LABELS.denominator);
      const errors: FieldErrors = {};
      let invalid = false;
      if ('bad' in n) {
        errors['numerator'] = n.bad;
        invalid = true;
      }
      if ('bad' in m) {
        errors['denominator'] = m.bad;
        invalid = true;
      }
      if ('missing' in n) errors['numerator'] = n.missing;
      if ('missing' in m) errors['denominator'] = m.missing;
      if ('n' in n && 'n' in m) {
        if (n.n > m.n) {
          return {
            state: 'invalid',
            errors: {
              numerator: {
                vi: `Tử số (${n.n}) lớn hơn mẫu số (${m.n}): tử số phải nhỏ hơn hoặc bằng mẫu số`,
                en: `The numerator (${n.n}) is greater than the denominator (${m.n}); it must be at most the denominator`,
              },
            },
          };
        }
        return { state: 'valid', value: { numerator: n.n, denominator: m.n } };
      }
      return { state: invalid ? 'invalid' : 'incomplete', errors };
    }
    case 'survey': {
      const groups: Record<string, { respondents: number; satisfied: number }> = {};
      const errors: FieldErrors = {};
      let invalid = false;
      let any = false;
      const ids = ind.kind === 'survey' ? ind.groups.map((g) => g.id) : Object.keys(d.groups);
      for (const gid of ids) {
        const g = d.groups[gid] ?? { respondents: '', satisfied: '' };
        if (isBlank(g.respondents) && isBlank(g.satisfied)) continue;
        any = true;
        const r = readCount(g.respondents, LABELS.respondents);
        const s = readCount(g.satisfied, LABELS.satisfied);
        if ('bad' in r) {
        errors[`${gid}.respondents`] = r.bad;
        invalid = true;
      }
        if ('bad' in s) {
        errors[`${gid}.satisfied`] = s.bad;
        invalid = true;
      }
        if ('missing' in r) errors[`${gid}.respondents`] = r.missing;
        if ('missing' in s) errors[`${gid}.satisfied`] = s.missing;
        if ('n' in r && 'n' in s) {
          if (s.n > r.n) {
            errors[`${gid}.satisfied`] = {
              vi: `Số người hài lòng (${s.n}) lớn hơn số người trả lời (${r.n})`,
              en: `Satisfied (${s.n}) is greater than respondents (${r.n})`,
            };
            invalid = true;
          } else groups[gid] = { respondents: r.n, satisfied: s.n };
        }
      }
      if (!any) return { state: 'empty' };
      if (Object.keys(errors).length > 0) return { state: invalid ? 'invalid' : 'incomplete', errors };
      return { state: 'valid', value: { groups } };
    }
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const num = (v: unknown): Num => (typeof v === 'number' ? v : '');

/** The inputs' contents for a stored value (or an empty draft). */
export function toDraft(ind: PackIndicator, value: unknown): Draft {
  switch (ind.kind) {
    case 'boolean':
      return { kind: 'boolean', v: value === true ? 'yes' : value === false ? 'no' : '' };
    case 'choice':
      return { kind: 'choice', v: typeof value === 'string' ? value : '' };
    case 'count':
      return { kind: 'count', v: num(value) };
    case 'rate':
    case 'rate_per_n':
      return isObj(value)
        ? { kind: 'rate', numerator: num(value['numerator']), denominator: num(value['denominator']) }
        : { kind: 'rate', numerator: '', denominator: '' };
    case 'survey': {
      const groups: Record<string, { respondents: Num; satisfied: Num }> = {};
      const stored = isObj(value) && isObj(value['groups']) ? value['groups'] : {};
      for (const g of ind.groups) {
        const t = stored[g.id];
        groups[g.id] = isObj(t) ? { respondents: num(t['respondents']), satisfied: num(t['satisfied']) } : { respondents: '', satisfied: '' };
      }
      return { kind: 'survey', groups };
    }
  }
}

/** n/d as a percentage rounded half up to 2 decimals, in the language's format ("98,33%"); null for 0/0. */
export function percent(n: number, d: number, lang: string): string | null {
  if (d <= 0) return null;
  const hundredths = Math.floor((n * 20000 + d) / (2 * d));
  return `${formatNumber(hundredths / 100, lang, 2)}%`;
}

/** n/d per `per` rounded half up to 2 decimals ("1,5/1.000"); null for 0/0. Display only: the engine decides. */
export function perN(n: number, d: number, per: number, lang: string): string | null {
  if (d <= 0) return null;
  const hundredths = Number((BigInt(n) * BigInt(per) * 200n + BigInt(d)) / (2n * BigInt(d)));
  return `${formatNumber(hundredths / 100, lang, 2)}/${formatNumber(per, lang)}`;
}

/** The engine's "98.33" in the language's format. */
export function formatPercentage(p: string | null, lang: string): string | null {
  if (p === null) return null;
  const n = Number(p);
  return Number.isFinite(n) ? `${formatNumber(n, lang, 2)}%` : `${p}%`;
}

/** A stored value written for people ("118/120", "Có", "40 người, 36 hài lòng"). */
export function describeValue(value: unknown, lang: string, ind?: PackIndicator): string {
  const vi = lang !== 'en';
  if (value === null || value === undefined) return vi ? '(trống)' : '(empty)';
  if (typeof value === 'boolean') return value ? (vi ? 'Có' : 'Yes') : vi ? 'Không' : 'No';
  if (typeof value === 'number') return formatNumber(value, lang);
  if (typeof value === 'string') {
    if (ind?.kind === 'choice') {
      const o = ind.options.find((x) => x.id === value);
      if (o) return vi ? o.title.vi : o.title.en;
    }
    return value;
  }
  if (isObj(value)) {
    if (typeof value['numerator'] === 'number' && typeof value['denominator'] === 'number') {
      const p = percent(value['numerator'], value['denominator'], lang);
      return `${formatNumber(value['numerator'], lang)}/${formatNumber(value['denominator'], lang)}${p ? ` (${p})` : ''}`;
    }
    if (isObj(value['groups'])) {
      return Object.entries(value['groups'])
        .map(([g, t]) => {
          const title = ind?.kind === 'survey' ? ind.groups.find((x) => x.id === g)?.title : undefined;
          const name = title ? (vi ? title.vi : title.en) : g;
          return isObj(t) ? `${name}: ${String(t['satisfied'])}/${String(t['respondents'])}` : name;
        })
        .join('; ');
    }
    if (typeof value['points'] === 'number') {
      const reason = typeof value['reason'] === 'string' ? ` (${value['reason']})` : '';
      return `${value['points']} ${vi ? 'điểm' : 'points'}${reason}`;
    }
    if (typeof value['name'] === 'string') return value['name'];
    if (typeof value['unitClass'] === 'string') return value['unitClass'];
  }
  return JSON.stringify(value);
}

/** File sizes in the language's format: "1,5 MB", "820 KB". */
export function formatSize(bytes: number, lang: string): string {
  if (bytes < 1024) return `${formatNumber(bytes, lang)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, lang, bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${formatNumber(bytes / (1024 * 1024), lang, 1)} MB`;
}

/** A draft's raw inputs, for showing an unsaved, partly entered value. */
export function describeDraft(d: Draft): string {
  switch (d.kind) {
    case 'rate':
      return `${d.numerator || '…'}/${d.denominator || '…'}`;
    case 'survey':
      return Object.entries(d.groups)
        .map(([g, x]) => `${g}: ${x.satisfied || '…'}/${x.respondents || '…'}`)
        .join('; ');
    default:
      return String(d.v || '…');
  }
}
