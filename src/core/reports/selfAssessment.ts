import type { IndicatorValue } from '../scoring/input';
import type { ScoreResult } from '../scoring/result';

/**
 * The commune's self-assessment report (*Báo cáo kết quả tự đánh giá*, QĐ 06/QĐ-TTg 2019) as data: what the lead's
 * store gives the renderers. The DOCX renderer is in `./docx`, the PDF renderer in `./pdf`; both lay out the neutral
 * content that `./content` builds from this, so the two formats say the same thing.
 */

/** An administrative unit above the commune (district, province), for the unit line of the report. */
export interface ReportAncestor {
  code: string;
  name: string;
  /** e.g. "province", "district" (not printed; the names carry their own "Tỉnh"/"Huyện"). */
  level: string;
}

/** One evidence file attached to an indicator. */
export interface ReportEvidence {
  indicatorId: string;
  /** The file name as stored. */
  name: string;
  /** Hex SHA-256 of the file (the report prints the first 12 characters). */
  sha256: string;
  /** Size in bytes. */
  size: number;
  mediaType: string;
}

export interface SelfAssessmentReport {
  unit: { code: string; name: string; type: string; ancestors: ReportAncestor[] };
  /** The assessment year ("… phù hợp với trẻ em năm 2026"). */
  year: number;
  /** The assessment's revision number (printed in the document properties and the general section). */
  revision: number;
  /** The place of the date line, usually the commune name without its type ("Mỹ Cẩm, ngày … tháng … năm …"). */
  place: string;
  /**
   * The date of the report: YYYY-MM-DD, or an ISO timestamp with its zone (its day is taken in Viet Nam time, UTC+7).
   * It also dates the DOCX/PDF properties, so the same report always gives the same bytes.
   */
  date: string;
  /** The issuing body, e.g. "Ủy ban nhân dân Xã Mỹ Cẩm". */
  organisation: string;
  /** The superior body, e.g. "UBND Huyện Càng Long"; empty when there is none to name. */
  superior: string;
  /** The signer; an empty name leaves the space blank, an empty title signs as "Chủ tịch". */
  signer: { name: string; title: string };
  result: ScoreResult;
  /** The raw values as entered, by indicator id; undefined (or absent) = not entered. */
  values: Record<string, IndicatorValue | null | undefined>;
  /** Free-text notes by indicator id. */
  notes: Record<string, string>;
  evidence: ReportEvidence[];
  /** Why the unit is in its class (e.g. "Xã khu vực III theo QĐ 861/QĐ-TTg"), printed under the class. */
  unitClassReason?: string | undefined;
}

/** Options of both renderers. */
export interface ReportRenderOptions {
  /**
   * The folder with the bundled Liberation Serif TTFs (`<resources>/fonts`). The PDF embeds them; the DOCX names
   * "Times New Roman" (same metrics, present on officials' PCs) and embeds nothing, so it does not read this folder.
   */
  fontsDir: string;
}

export { renderSelfAssessmentDocx } from './docx';
export { renderSelfAssessmentPdf } from './pdf';
export { buildReportContent, type ReportContent } from './content';
export { REPORT_FONT_FILES, resolveReportFonts } from './fonts';
