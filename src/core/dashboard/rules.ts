/** The counting rules of `dashboard.ts`, in words, for the UI and the exports (Vietnamese first). */
export const COUNTING_RULES: { vi: string; en: string }[] = [
  {
    vi: 'Mỗi xã, mỗi năm được tính một lần, theo gói hồ sơ hiện hành (không tính các lần nộp đã bị thay thế).',
    en: 'Each commune counts once per year, from its current packages (superseded revisions are not counted).',
  },
  {
    vi: 'Có gói thẩm định: tính theo quyết định của đoàn thẩm định (công nhận → đạt; không công nhận hoặc trả lại → không đạt), tổng điểm thẩm định của đoàn và tổng điểm tự đánh giá của hồ sơ đã được thẩm định.',
    en: "With a review package: the team's decision counts (recognised → recognised; not recognised or returned → not), with the team total and the self total of the dossier the team reviewed.",
  },
  {
    vi: 'Xã đã gửi lại bản mới sau khi bị trả lại: tính theo bản tự đánh giá mới, chưa thẩm định.',
    en: 'A commune that sent a new revision after its dossier was returned counts by the new self-assessment, not yet reviewed.',
  },
  {
    vi: 'Chưa có gói thẩm định: tính theo kết quả tự đánh giá của xã, ghi rõ "chưa thẩm định".',
    en: "Without a review package: the commune's self-assessed verdict counts, marked \"not yet reviewed\".",
  },
  {
    vi: 'Hồ sơ xung đột (hai gói khác nhau cùng một lần nộp): tính là có hồ sơ, không tính là đạt, và được đánh dấu.',
    en: 'A conflict (two different packages claiming the same revision) counts as assessed, never as recognised, and is flagged.',
  },
  {
    vi: 'Chỉ xã được đoàn thẩm định quyết định công nhận mới tính là đạt; xã tự đánh giá đạt nhưng chưa thẩm định được đếm riêng.',
    en: 'Only communes recognised by the assessment team\'s decision count as recognised; communes whose self-assessment passes but that are not yet reviewed are counted apart.',
  },
  {
    vi: 'Tỉ lệ đạt = số xã được công nhận / số xã trong danh mục; chỉ tiêu so sánh là mốc kế hoạch gần nhất từ năm đang xem trở đi.',
    en: 'Rate = recognised communes / communes in the catalogue; it is compared with the first plan milestone at or after the year shown.',
  },
  {
    vi: 'Kết quả chấm theo quy tắc tạm tính (chưa đối chiếu văn bản gốc) được ghi "tạm tính".',
    en: 'Results computed with provisional rules (not yet checked against the legal text) are marked provisional.',
  },
];
