import { lazy, type ComponentType } from 'react';

/**
 * A page loaded on demand, with the stylesheets of the heavy libraries it uses (charts, dropzone): the first screen
 * carries only Mantine's core and what the shell needs, and each page's code and CSS arrive when it is first shown.
 */
export function lazyPage<P extends object>(
  load: () => Promise<Record<string, unknown>>,
  name: string,
  styles: (() => Promise<unknown>)[] = [],
) {
  return lazy(async () => {
    const [mod] = await Promise.all([load(), ...styles.map((s) => s())]);
    const page = mod[name];
    if (typeof page !== 'function' && typeof page !== 'object') throw new Error(`page ${name} is missing from its module`);
    return { default: page as ComponentType<P> };
  });
}

export const chartStyles = () => import('@mantine/charts/styles.css');
export const dropzoneStyles = () => import('@mantine/dropzone/styles.css');
