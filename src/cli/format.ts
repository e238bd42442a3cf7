/**
 * How the CLI writes numbers in its tables: as Vietnamese does (1.234,5), the same on every machine (no locale data).
 * The CLI formats its own text, as the renderer does (src/renderer/src/lib/text.ts); the explanations come formatted
 * from the service.
 */
export function viNumber(n: number): string {
  const [int = '0', frac] = String(n).split('.');
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, '.') + (frac ? `,${frac}` : '');
}
