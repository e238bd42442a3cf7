/** Moved to src/core/fsx/durable.ts (it serves the whole data folder, not only evidence); this path stays for its importers. */
export * from '../fsx/durable';
