/** A benchmark's size from the environment: a positive integer, or the fallback when unset (smoke runs set small ones). */
export function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: a positive integer (got ${v})`);
  return n;
}
