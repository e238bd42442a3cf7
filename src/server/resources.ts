import path from 'node:path';

/** The repository's `resources/` folder, for the shells that run from a checkout (CLI, browser mode, tests). */
export const checkoutResourcesDir = path.resolve(__dirname, '../../resources');
