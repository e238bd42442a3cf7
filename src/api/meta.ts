import pkg from '../../package.json';

/** The app's name and version, from package.json (bundled at build time). */
export const appMeta = { name: pkg.name, productName: pkg.productName, version: pkg.version } as const;
