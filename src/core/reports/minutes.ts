/** The assessor's minutes (*Biên bản thẩm định*): content in `./minutesContent`, DOCX and PDF renderers beside it. */
export { buildMinutesContent, type MinutesContent, type MinutesReport, type MinutesTable } from './minutesContent';
export { renderMinutesDocx } from './minutesDocx';
export { renderMinutesPdf } from './minutesPdf';
