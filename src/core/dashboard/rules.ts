/**
 * THE COUNTING RULES of the province dashboard: which package a commune's figure for a year comes from, and what it
 * counts as. This list is the one statement of them: the UI (Tổng hợp → "Cách tính") and the XLSX export ("Ghi chú")
 * show it as is, `counted.ts` implements rules 1–6 (its comments cite the numbers) and `counts.ts` rules 7–9, `read.ts` (editionForYear) and `scope.ts` rule 10, `history.ts` (attributedStatus) rule 11.
 */
export const COUNTING_RULES: { vi: string; en: string }[] = [
  {
    vi: '1. Mỗi xã, mỗi năm được tính một lần, theo gói hồ sơ hiện hành (không tính các lần nộp đã bị thay thế).',
    en: '1. Each commune counts once per year, from its current packages (superseded revisions are not counted).',
  },
  {
    vi: '2. Có gói thẩm định: tính theo quyết định của đoàn thẩm định (công nhận → đạt; không công nhận hoặc trả lại → không đạt), tổng điểm thẩm định của đoàn và tổng điểm tự đánh giá của hồ sơ đã được thẩm định.',
    en: "2. With a review package: the team's decision counts (recognised → recognised; not recognised or returned → not), with the team total and the self total of the dossier the team reviewed.",
  },
  {
    vi: '3. Xã đã gửi bản mới hơn của chính hồ sơ đã được thẩm định (sau khi bị trả lại): tính theo bản tự đánh giá mới, chưa thẩm định, ghi "đã gửi lại".',
    en: '3. A commune that sent a later revision of the very dossier that was reviewed (after it was returned) counts by the new self-assessment, not yet reviewed, marked resubmitted.',
  },
  {
    vi: '4. Chưa có gói thẩm định: tính theo kết quả tự đánh giá của xã, ghi rõ "chưa thẩm định".',
    en: "4. Without a review package: the commune's self-assessed verdict counts, marked \"not yet reviewed\".",
  },
  {
    vi: '5. Nhiều gói hiện hành cùng loại cho một xã và một năm (nhiều hồ sơ, hoặc xung đột): tính gói lập gần nhất (rồi lần nộp cao nhất, rồi mã băm nhỏ nhất); các gói còn lại được ghi là phương án khác.',
    en: '5. Several current packages of the same kind for one commune and year (several dossiers, or a conflict): the most recently created counts (then the highest revision, then the smallest manifest hash); the others are reported as alternatives.',
  },
  {
    vi: '6. Hồ sơ xung đột (hai gói khác nhau cùng một lần nộp): tính là có hồ sơ, không tính là đạt, và được đánh dấu.',
    en: '6. A conflict (two different packages claiming the same revision) counts as assessed, never as recognised, and is flagged.',
  },
  {
    vi: '7. Chỉ xã được đoàn thẩm định quyết định công nhận mới tính là đạt; xã tự đánh giá đạt nhưng chưa thẩm định được đếm riêng.',
    en: "7. Only communes recognised by the assessment team's decision count as recognised; communes whose self-assessment passes but that are not yet reviewed are counted apart.",
  },
  {
    vi: '8. Tỉ lệ đạt = số xã được công nhận / số xã trong danh mục; chỉ tiêu so sánh là mốc kế hoạch gần nhất từ năm đang xem trở đi (của tỉnh, nếu không có thì của cả nước; sau mốc cuối cùng là mốc cuối cùng).',
    en: "8. Rate = recognised communes / communes in the catalogue; it is compared with the first plan milestone at or after the year shown (the province's own, else the one for all; after the last milestone, the last one).",
  },
  {
    vi: '9. Kết quả chấm theo quy tắc tạm tính (chưa đối chiếu văn bản gốc) được ghi "tạm tính".',
    en: '9. Results computed with provisional rules (not yet checked against the legal text) are marked provisional.',
  },
  {
    vi: '10. Mỗi năm được tính theo danh mục đơn vị hành chính có hiệu lực năm đó (trước 2025: danh mục 01/03/2025; từ 2025: danh mục 01/07/2025), số xã trong danh mục (mẫu số) cũng theo danh mục đó. Tỉnh mới xem các năm trước 2025 theo các tỉnh cũ đã hợp nhất vào tỉnh (nhóm "theo tỉnh cũ"); xu hướng đánh dấu năm sắp xếp đơn vị hành chính.',
    en: "10. Each year counts in the administrative units catalogue in force that year (before 2025: the 2025-03-01 catalogue; from 2025: the 2025-07-01 one), and so does the number of communes (the denominator). A new province sees the years before 2025 through the former provinces merged into it (grouped by former province); the trend marks the year of the reorganisation.",
  },
  {
    vi: '11. Xem một năm trước 2025 theo xã hiện nay (qua bảng chuyển đổi 01/03/2025 → 01/07/2025): mỗi xã mới được tính một lần và liệt kê mọi xã cũ đã nhập vào nó cùng kết quả của từng xã cũ. Xã mới được tính là đạt năm đó khi mọi xã cũ nhập trọn vào nó đều được đoàn thẩm định công nhận; chưa xã cũ nào nhập trọn có hồ sơ: chưa có hồ sơ; còn lại: không đạt. Xã cũ bị chia cho nhiều xã mới được ghi "một phần" ở mỗi xã mới nhận nó, không quyết định kết quả của xã mới nào và chỉ được đếm một lần trong số xã cũ; xã mới chỉ gồm các phần của xã cũ được ghi "chỉ gồm một phần xã cũ". Tỉ lệ đạt chính thức của năm đó vẫn tính trên các xã cũ (quy tắc 10).',
    en: '11. A year before 2025 seen in today\'s communes (through the 2025-03-01 → 2025-07-01 mapping): each new commune counts once and lists every old commune that went into it with that old commune\'s own result. The new commune counts as recognised for that year when every old commune that went wholly into it was recognised by the assessment team; when none of those has a package, as not assessed; otherwise as not recognised. An old commune split among several new ones is marked "part" under each, decides none of them and is counted once among the old communes; a new commune made only of parts of old ones is marked so. The official rate of that year stays over the old communes (rule 10).',
  },
];

export type CommuneStatus =
  | 'recognised'
  | 'not_recognised'
  | 'returned'
  | 'self_recognised'
  | 'self_not_recognised'
  | 'self_incomplete'
  | 'conflict'
  | 'not_assessed';

/** A commune's status from its counted package (rules 2, 4, 6); no package: not assessed. */
export function statusOf(r: { sha: string | null; reviewed: number; verdict: string | null; state: string | null }): CommuneStatus {
  if (r.sha === null) return 'not_assessed';
  if (r.state === 'conflict') return 'conflict';
  if (r.reviewed === 1) return r.verdict === 'recognised' ? 'recognised' : r.verdict === 'returned' ? 'returned' : 'not_recognised';
  return r.verdict === 'recognised' ? 'self_recognised' : r.verdict === 'incomplete' ? 'self_incomplete' : 'self_not_recognised';
}

/**
 * Rule 7: recognised means recognised by the assessment team's decision (Decision 06: the recognising level decides);
 * a commune whose self-assessment says "Đạt" is not recognised until reviewed, and is counted apart (`recognisedSelf`).
 */
export function isRecognised(s: CommuneStatus): boolean {
  return s === 'recognised';
}
