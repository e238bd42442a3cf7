/** A catalogue edition as Vietnamese dates are written: "01/07/2025" from "2025-07-01". */
export const editionDate = (edition: string): string => edition.split('-').reverse().join('/');
