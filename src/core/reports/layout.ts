/**
 * The page of the reports (Nghị định 30/2020/NĐ-CP, Phụ lục I): A4, margins top/bottom 20–25 mm, left 30–35 mm,
 * right 15–20 mm, body text 13–14 pt. Shared by the DOCX and the PDF.
 */
export const PAGE = {
  widthMm: 210,
  heightMm: 297,
  marginMm: { top: 20, bottom: 20, left: 30, right: 15 },
  /** Distance from the bottom edge to the footer (page numbers). */
  footerMm: 10,
  fontPt: 13,
} as const;

/** Millimetres to PDF points. */
export const mmToPt = (mm: number): number => (mm * 72) / 25.4;
