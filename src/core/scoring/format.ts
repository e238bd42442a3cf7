/**
 * Number formats of the explanations: Vietnamese `1.234,5`, English `1,234.5`. Pure string arithmetic, no locale data,
 * so the output is the same on every machine. Percentages are computed exactly from integers and rounded half up.
 */

export type Lang = 'vi' | 'en';

const SEP: Record<Lang, { group: string; decimal: string }> = {
  vi: { group: '.', decimal: ',' },
  en: { group: ',', decimal: '.' },
};

function groupDigits(digits: string, sep: string): string {
  if (digits.length <= 3) return digits;
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

/** A non-negative integer with thousands separators. */
export function formatInt(n: number, lang: Lang): string {
  // Below 1,000 there is nothing to group (the common case of points and small counts).
  if (n >= 0 && n < 1000 && Number.isInteger(n)) return String(n);
  return groupDigits(String(n), SEP[lang].group);
}

/** A decimal given as a plain string ("98.50", "1234.5"), in the language's format, trailing zeros dropped. */
export function formatDecimal(plain: string, lang: Lang): string {
  const dot = plain.indexOf('.');
  const sep = SEP[lang];
  if (dot < 0) return groupDigits(plain, sep.group);
  const next = plain.indexOf('.', dot + 1);
  const frac = next < 0 ? plain.slice(dot + 1) : plain.slice(dot + 1, next);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--; // trailing zeros dropped
  return groupDigits(plain.slice(0, dot), sep.group) + (end > 0 ? sep.decimal + frac.slice(0, end) : '');
}

/** An integer count of 1/10^scaleDigits units as a plain decimal string ("985000", 4 → "98.5000"). */
export function scaledToPlain(value: bigint | number, scaleDigits: number): string {
  const s = String(value).padStart(scaleDigits + 1, '0');
  return scaleDigits === 0 ? s : `${s.slice(0, -scaleDigits)}.${s.slice(-scaleDigits)}`;
}

/**
 * numerator/denominator as a percentage with `decimals` decimals, rounded half up, as a plain string ("98.33").
 * Exact: BigInt arithmetic, whatever the size of the numbers.
 */
export function percentPlain(numerator: number, denominator: number, decimals = 2): string {
  const scale = 10 ** decimals;
  const twice = numerator * 100 * scale * 2 + denominator;
  if (Number.isSafeInteger(twice)) return scaledToPlain(Math.floor(twice / (2 * denominator)), decimals);
  const big = BigInt(numerator) * 100n * 10n ** BigInt(decimals) * 2n + BigInt(denominator);
  return scaledToPlain(big / (2n * BigInt(denominator)), decimals);
}

/** A percentage as the language writes it ("98,33" / "98.33", "96" for 96.00). */
export function formatPercent(numerator: number, denominator: number, lang: Lang, decimals = 2): string {
  return formatDecimal(percentPlain(numerator, denominator, decimals), lang);
}

/** A bracket threshold (a JS number with at most 4 decimals) in the language's format. */
export function formatThreshold(t: number, lang: Lang): string {
  return formatDecimal(String(t), lang);
}

/** Both languages at once. */
export function both(f: (lang: Lang) => string): { vi: string; en: string } {
  return { vi: f('vi'), en: f('en') };
}
