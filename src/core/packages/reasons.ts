import type { Bilingual } from '../errors';

/**
 * Every reason a package can be `invalid` or `untrusted`, with its meaning in both languages. The codes are stable:
 * FORMAT.md lists them, the CLI prints them, and scripts may match on them.
 */
export const INVALID_REASONS = {
  // The container
  not_a_zip: { vi: 'Tệp không phải là tệp ZIP.', en: 'The file is not a ZIP file.' },
  truncated: { vi: 'Tệp ZIP bị cắt cụt (thiếu phần cuối).', en: 'The ZIP file is truncated (its end is missing).' },
  zip_malformed: { vi: 'Cấu trúc tệp ZIP bị hỏng.', en: 'The ZIP structure is corrupt.' },
  package_too_large: { vi: 'Tệp gói vượt kích thước tối đa.', en: 'The package file is over the maximum size.' },
  too_many_entries: { vi: 'Gói có nhiều mục hơn giới hạn.', en: 'The package has more entries than the limit.' },
  // The signature, checked before anything else is read
  manifest_missing: { vi: 'Gói không có manifest.json.', en: 'The package has no manifest.json.' },
  signature_missing: { vi: 'Gói không có manifest.sig.', en: 'The package has no manifest.sig.' },
  manifest_too_large: { vi: 'manifest.json hoặc manifest.sig vượt kích thước tối đa.', en: 'manifest.json or manifest.sig is over its maximum size.' },
  signature_malformed: { vi: 'manifest.sig không đúng định dạng.', en: 'manifest.sig is malformed.' },
  key_id_mismatch: { vi: 'Mã khóa trong manifest.sig không khớp với khóa công khai.', en: 'The key id in manifest.sig does not match its public key.' },
  bad_signature: { vi: 'Chữ ký không khớp với manifest.json (gói đã bị sửa hoặc ký sai).', en: 'The signature does not match manifest.json (the package was altered or signed wrongly).' },
  key_conflict: { vi: 'Mã khóa trùng với một khóa tin cậy nhưng khóa công khai khác.', en: 'The key id matches a trusted key but the public key differs.' },
  key_revoked: { vi: 'Gói được ký bằng một khóa đã bị thu hồi.', en: 'The package is signed with a revoked key.' },
  manifest_malformed: { vi: 'manifest.json không đúng định dạng.', en: 'manifest.json is malformed.' },
  unsupported_format: { vi: 'Phiên bản định dạng gói không được hỗ trợ.', en: 'Unsupported package format version.' },
  signer_mismatch: { vi: 'Người ký ghi trong manifest không phải là khóa đã ký.', en: 'The signer named in the manifest is not the key that signed it.' },
  // Entry names and the entry set
  name_not_utf8: { vi: 'Tên mục không phải UTF-8 hợp lệ.', en: 'An entry name is not valid UTF-8.' },
  name_ambiguous: { vi: 'Tên mục có tên thay thế (trường Unicode Path) có thể đọc khác nhau.', en: 'An entry carries an alternative name (Unicode Path field) that readers may interpret differently.' },
  name_not_nfc: { vi: 'Tên mục không ở dạng chuẩn NFC.', en: 'An entry name is not in Unicode NFC.' },
  name_absolute: { vi: 'Tên mục là đường dẫn tuyệt đối.', en: 'An entry name is an absolute path.' },
  name_traversal: { vi: 'Tên mục chứa "..".', en: 'An entry name contains "..".' },
  name_backslash: { vi: 'Tên mục chứa dấu gạch chéo ngược.', en: 'An entry name contains a backslash.' },
  name_invalid: { vi: 'Tên mục không hợp lệ (rỗng, thư mục, ký tự điều khiển hoặc quá dài).', en: 'An entry name is invalid (empty, a directory, control characters or too long).' },
  duplicate_entry: { vi: 'Một tên mục xuất hiện hai lần.', en: 'An entry name appears twice.' },
  extra_entry: { vi: 'Gói có mục không được liệt kê trong manifest.', en: 'The package has an entry the manifest does not list.' },
  missing_entry: { vi: 'Thiếu một mục mà manifest liệt kê.', en: 'An entry the manifest lists is missing.' },
  symlink_entry: { vi: 'Gói chứa liên kết tượng trưng (symlink).', en: 'The package contains a symbolic link.' },
  encrypted_entry: { vi: 'Gói chứa mục bị mã hóa.', en: 'The package contains an encrypted entry.' },
  unsupported_compression: { vi: 'Mục dùng phương pháp nén không được hỗ trợ.', en: 'An entry uses an unsupported compression method.' },
  must_be_stored: { vi: 'Minh chứng và gói bên trong phải được lưu không nén.', en: 'Evidence and inner packages must be stored uncompressed.' },
  local_header_mismatch: { vi: 'Tiêu đề cục bộ của mục không khớp với thư mục trung tâm.', en: "An entry's local header does not match the central directory." },
  overlapping_entries: { vi: 'Dữ liệu các mục chồng lên nhau.', en: 'Entry data overlaps.' },
  hidden_data: {
    vi: 'Tệp ZIP có dữ liệu không thuộc mục nào được liệt kê (một mục ẩn, dữ liệu chèn thêm hoặc nối sau phần kết của tệp).',
    en: 'The ZIP holds bytes that belong to no listed entry (a hidden record, inserted data, or data after its end record).',
  },
  // Sizes
  size_mismatch: { vi: 'Kích thước mục khác với manifest.', en: "An entry's size differs from the manifest." },
  entry_too_large: { vi: 'Một mục vượt kích thước tối đa.', en: 'An entry is over its maximum size.' },
  total_too_large: { vi: 'Tổng dung lượng giải nén vượt giới hạn.', en: 'The total uncompressed size is over the limit.' },
  compression_ratio: { vi: 'Tỉ lệ nén bất thường (nghi "bom nén").', en: 'Abnormal compression ratio (suspected zip bomb).' },
  // Content
  hash_mismatch: { vi: 'Mã băm SHA-256 của một mục khác với manifest (nội dung đã bị sửa).', en: "An entry's SHA-256 differs from the manifest (its content was altered)." },
  corrupt_entry: {
    vi: 'Dữ liệu của một mục bị hỏng: không đọc được, không giải nén được hoặc không khớp mã CRC-32.',
    en: "An entry's data is damaged: it cannot be read or inflated, or does not match its CRC-32.",
  },
  assessment_malformed: { vi: 'assessment.json không đúng định dạng.', en: 'assessment.json is malformed.' },
  audit_malformed: { vi: 'audit.jsonl không đúng định dạng.', en: 'audit.jsonl is malformed.' },
  manifest_assessment_mismatch: { vi: 'manifest.json và assessment.json mô tả khác nhau.', en: 'manifest.json and assessment.json disagree.' },
  evidence_mismatch: { vi: 'Danh sách minh chứng trong assessment.json không khớp với các tệp minh chứng.', en: 'The evidence listed in assessment.json does not match the evidence files.' },
  unknown_pack: { vi: 'Gói tiêu chí được dùng không có trong ứng dụng này: hãy xin và cài gói (mã, phiên bản, SHA-256 ở trên).', en: 'The criteria pack used is not known to this app: ask for that pack (id, version, SHA-256 above) and install it.' },
  pack_mismatch: { vi: 'Gói tiêu chí cùng mã và phiên bản nhưng nội dung khác (SHA-256 khác).', en: 'The criteria pack has the same id and version but different content (SHA-256).' },
  summary_mismatch: { vi: 'Điểm trong manifest/assessment.json khác với điểm tính lại từ số liệu.', en: 'The points in the manifest/assessment.json differ from those recomputed from the values.' },
  // The unit in its catalogue edition (format version 2)
  unit_not_in_edition: {
    vi: 'Đơn vị của gói không phải đơn vị cấp xã trong ấn bản danh mục mà gói ghi (unit.catalogue).',
    en: "The package's unit is not a commune of the catalogue edition the package names (unit.catalogue).",
  },
  // Review packages
  inner_missing: { vi: 'Gói thẩm định không chứa gói gốc của xã (hoặc chứa nhiều hơn một).', en: "The review package does not carry exactly one commune package." },
  inner_unexpected: { vi: 'Gói tự đánh giá không được chứa gói bên trong.', en: 'A self-assessment package must not carry an inner package.' },
  inner_mismatch: { vi: 'Gói bên trong không phải là gói mà bản thẩm định tham chiếu.', en: 'The inner package is not the one the review refers to.' },
  inner_invalid: { vi: 'Gói gốc của xã bên trong gói thẩm định không hợp lệ.', en: 'The commune package inside the review package is invalid.' },
} as const satisfies Record<string, Bilingual>;

export const UNTRUSTED_REASONS = {
  key_unknown: { vi: 'Khóa ký không có trong kho khóa tin cậy.', en: 'The signing key is not in the trust store.' },
  outside_jurisdiction: { vi: 'Khóa ký không có thẩm quyền với đơn vị này.', en: "The signing key's jurisdiction does not cover this unit." },
  role_not_allowed: { vi: 'Vai trò của người ký không được ký loại gói này.', en: "The signer's role may not sign this kind of package." },
  unit_unknown: { vi: 'Đơn vị của gói không có trong danh mục đơn vị hành chính.', en: "The package's unit is not in the administrative units catalogue." },
  edition_unknown: {
    vi: 'Ứng dụng này chưa có ấn bản danh mục đơn vị hành chính mà gói ghi; hãy nạp ấn bản đó (Cài đặt hoặc cfc units load).',
    en: 'This app does not have the administrative units catalogue edition the package names; load it (Settings or cfc units load).',
  },
  inner_untrusted: { vi: 'Gói gốc của xã bên trong chưa được tin cậy.', en: 'The commune package inside is not trusted.' },
} as const satisfies Record<string, Bilingual>;

export type InvalidCode = keyof typeof INVALID_REASONS;
export type UntrustedCode = keyof typeof UNTRUSTED_REASONS;
export type ReasonCode = InvalidCode | UntrustedCode;

export interface Reason {
  code: ReasonCode;
  message: Bilingual;
  /** The entry concerned, when there is one. */
  path?: string;
  /** A detail in plain English (numbers, names), for logs and the CLI. */
  detail?: string;
}

/** Thrown inside the verifier to stop at the first failure; becomes the `invalid` outcome. */
export class PackageInvalid extends Error {
  readonly reason: Reason;
  constructor(code: InvalidCode, opts: { path?: string; detail?: string } = {}) {
    super(`${code}${opts.path ? ` (${opts.path})` : ''}${opts.detail ? `: ${opts.detail}` : ''}`);
    this.reason = { code, message: INVALID_REASONS[code], ...opts };
  }
}

export function invalid(code: InvalidCode, opts: { path?: string; detail?: string } = {}): PackageInvalid {
  return new PackageInvalid(code, opts);
}

export function untrustedReason(code: UntrustedCode, detail?: string): Reason {
  return { code, message: UNTRUSTED_REASONS[code], ...(detail ? { detail } : {}) };
}
