import path from 'node:path';
import { z } from 'zod';
import { CfcError, type Bilingual } from '../errors';

/**
 * The backup file (`.cfcbak`): one ZIP holding a consistent copy of the database, the stored files of the data folder
 * and a manifest of hashes. Layout (entry path → data folder path):
 *
 *   manifest.json                       what this backup is, and the path, size and SHA-256 of every other entry
 *   manifest.sha256                     the SHA-256 of manifest.json (hex): a flipped byte in the manifest is caught too
 *   database/cfc.sqlite      → cfc.sqlite        a copy taken with SQLite's online backup while the app runs; it holds
 *                                                the signing keys still sealed, as stored (table signing_key)
 *   evidence/<aa>/<sha256>   → the same path     evidence files (content-addressed: the name is the content's hash)
 *   packages/<sha256>.cfcpkg → the same path     imported signed packages, as stored
 *   exports/<name>.cfcpkg    → the same path     signed packages this data folder exported
 *
 * Not included (and said so in the manifest): generated reports (made again from the data), staged uploads and
 * unfinished imports, the backups themselves, the database's -wal/-shm files (folded into the copy), and anything else
 * in the folder that the app does not keep (Electron's own files where the folder is Electron's user-data folder).
 */

export const BACKUP_FORMAT = 'cfc-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_EXTENSION = '.cfcbak';
export const MANIFEST = 'manifest.json';
export const MANIFEST_HASH = 'manifest.sha256';
export const DATABASE_ENTRY = 'database/cfc.sqlite';
/** The largest manifest read (about 150 bytes an entry: room for a million files). */
export const MAX_MANIFEST_BYTES = 160 * 1024 * 1024;
export const MAX_ENTRIES = 1_000_000;

/** What a backup may hold: each entry path matches one of these, and maps to one path in the data folder. */
export const ENTRY_KINDS = [
  { kind: 'database', pattern: /^database\/cfc\.sqlite$/, compress: true },
  { kind: 'evidence', pattern: /^evidence\/[0-9a-f]{2}\/[0-9a-f]{64}$/, compress: false },
  { kind: 'package', pattern: /^packages\/[0-9a-f]{64}\.cfcpkg$/, compress: false },
  { kind: 'export', pattern: /^exports\/[\w.-]+\.cfcpkg$/, compress: false },
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number]['kind'];

export function kindOf(entryPath: string): EntryKind | null {
  return ENTRY_KINDS.find((k) => k.pattern.test(entryPath))?.kind ?? null;
}

/** Where an entry goes in the data folder (relative, with the platform's separator). */
export function dataPathOf(entryPath: string): string {
  return entryPath === DATABASE_ENTRY ? 'cfc.sqlite' : entryPath.split('/').join(path.sep);
}

/**
 * What the app keeps at the top of its data folder. A restore moves these aside (when present) and puts the backup's
 * in their place; everything else in the folder (backups/, Electron's own files) stays where it is.
 */
export const APP_ENTRIES = ['cfc.sqlite', 'cfc.sqlite-wal', 'cfc.sqlite-shm', 'evidence', 'packages', 'exports', 'reports'] as const;

/** The folder, inside the data folder, that holds the backups the app makes (served for download like exports). */
export const BACKUPS_DIR = 'backups';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const backupFileSchema = z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256 });

export const backupManifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  app: z.object({ name: z.string(), version: z.string() }),
  /** The last migration applied to the database copy, and all of them in order. */
  schemaVersion: z.string(),
  migrations: z.array(z.string()),
  createdAt: z.string(),
  /** What was backed up: per kind, how many files and bytes; plus the row counts of the copied tables. */
  included: z.object({
    database: z.object({ path: z.literal(DATABASE_ENTRY), tables: z.record(z.string(), z.number().int()) }),
    signingKeys: z.object({ count: z.number().int(), sealedBy: z.array(z.string()), note: z.string() }),
    evidence: z.object({ files: z.number().int(), bytes: z.number().int() }),
    packages: z.object({ files: z.number().int(), bytes: z.number().int() }),
    exports: z.object({ files: z.number().int(), bytes: z.number().int() }),
  }),
  /** What the data folder held that is not in the backup, and why. */
  notIncluded: z.array(z.object({ path: z.string(), why: z.string() })),
  files: z.array(backupFileSchema),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;
export type BackupFile = z.infer<typeof backupFileSchema>;

/** Every reason a backup is refused, in both languages. The codes are stable (the CLI prints them; tests match them). */
export const BACKUP_REASONS = {
  not_a_zip: { vi: 'Tệp không phải là tệp sao lưu (không phải ZIP).', en: 'The file is not a backup (not a ZIP file).' },
  truncated: { vi: 'Tệp sao lưu bị cắt cụt (thiếu phần cuối): có thể chép chưa xong.', en: 'The backup file is truncated (its end is missing): it may not have been copied completely.' },
  zip_malformed: { vi: 'Cấu trúc tệp sao lưu bị hỏng.', en: 'The structure of the backup file is corrupt.' },
  too_many_entries: { vi: 'Tệp sao lưu có nhiều mục hơn giới hạn.', en: 'The backup has more entries than the limit.' },
  manifest_missing: { vi: 'Tệp sao lưu không có manifest.json hoặc manifest.sha256.', en: 'The backup has no manifest.json or manifest.sha256.' },
  manifest_too_large: { vi: 'manifest.json vượt kích thước tối đa.', en: 'manifest.json is over its maximum size.' },
  manifest_hash_mismatch: { vi: 'manifest.json đã bị thay đổi (mã băm không khớp với manifest.sha256).', en: 'manifest.json was altered (its hash does not match manifest.sha256).' },
  manifest_malformed: { vi: 'manifest.json không đúng định dạng.', en: 'manifest.json is malformed.' },
  unsupported_format: { vi: 'Định dạng tệp sao lưu này không được phiên bản ứng dụng này hỗ trợ (tệp của phiên bản mới hơn?).', en: 'This backup format is not supported by this version of the app (made by a newer version?).' },
  newer_schema: { vi: 'Bản sao lưu được tạo bởi phiên bản ứng dụng mới hơn (cơ sở dữ liệu có bước nâng cấp mà phiên bản này không biết). Hãy cập nhật ứng dụng trước khi khôi phục.', en: 'The backup was made by a newer version of the app (its database has a migration this version does not know). Update the app before restoring.' },
  schema_mismatch: { vi: 'Các bước nâng cấp cơ sở dữ liệu trong bản sao lưu không theo đúng thứ tự của phiên bản này.', en: "The backup's database migrations are not in this version's order." },
  name_invalid: { vi: 'Tên một mục trong tệp sao lưu không an toàn (đường dẫn tuyệt đối, "..", ký tự lạ…).', en: 'An entry name in the backup is unsafe (absolute path, "..", odd characters…).' },
  entry_not_allowed: { vi: 'Tệp sao lưu có mục không thuộc loại được sao lưu.', en: 'The backup has an entry of a kind that is never backed up.' },
  duplicate_entry: { vi: 'Một tên mục xuất hiện hai lần.', en: 'An entry name appears twice.' },
  extra_entry: { vi: 'Tệp sao lưu có mục không được liệt kê trong manifest.', en: 'The backup has an entry the manifest does not list.' },
  missing_entry: { vi: 'Thiếu một mục mà manifest liệt kê.', en: 'An entry the manifest lists is missing.' },
  database_missing: { vi: 'Tệp sao lưu không có cơ sở dữ liệu.', en: 'The backup holds no database.' },
  symlink_entry: { vi: 'Tệp sao lưu chứa liên kết tượng trưng (symlink).', en: 'The backup contains a symbolic link.' },
  encrypted_entry: { vi: 'Tệp sao lưu chứa mục bị mã hóa.', en: 'The backup contains an encrypted entry.' },
  unsupported_compression: { vi: 'Mục dùng phương pháp nén không được hỗ trợ.', en: 'An entry uses an unsupported compression method.' },
  size_mismatch: { vi: 'Kích thước một mục khác với manifest.', en: "An entry's size differs from the manifest." },
  hash_mismatch: { vi: 'Mã băm SHA-256 của một mục khác với manifest: tệp sao lưu bị hỏng hoặc bị sửa.', en: "An entry's SHA-256 differs from the manifest: the backup is damaged or was altered." },
  name_hash_mismatch: { vi: 'Tệp minh chứng không mang đúng mã băm trong tên của nó.', en: 'An evidence file does not have the hash its name says.' },
  corrupt_entry: { vi: 'Không đọc được dữ liệu của một mục (tệp sao lưu bị hỏng).', en: "An entry's data cannot be read (the backup is damaged)." },
  database_corrupt: { vi: 'Cơ sở dữ liệu trong bản sao lưu bị hỏng (kiểm tra toàn vẹn không đạt).', en: 'The database in the backup is damaged (integrity check failed).' },
  database_mismatch: { vi: 'Cơ sở dữ liệu trong bản sao lưu không khớp với manifest (bước nâng cấp khác).', en: 'The database in the backup does not match its manifest (different migrations).' },
} as const satisfies Record<string, Bilingual>;
export type BackupReasonCode = keyof typeof BACKUP_REASONS;

/** A backup refused: the code, what it means, the entry concerned, and "nothing was changed". */
export class BackupInvalid extends CfcError {
  readonly reason: BackupReasonCode;
  readonly path: string | undefined;
  readonly detail: string | undefined;
  constructor(code: BackupReasonCode, opts: { path?: string; detail?: string } = {}) {
    const m = BACKUP_REASONS[code];
    const where = opts.path ? ` (${opts.path})` : '';
    const detail = opts.detail ? ` [${opts.detail}]` : '';
    super(`backup_${code}`, {
      // The detail is technical English (a reader's error, a count): the Vietnamese message names the entry only.
      vi: `Bản sao lưu bị từ chối — ${m.vi}${where} Dữ liệu hiện tại không bị thay đổi.`,
      en: `The backup was refused — ${m.en}${where}${detail} Nothing was changed.`,
    }, { field: 'file' });
    this.reason = code;
    this.path = opts.path;
    this.detail = opts.detail;
  }
}

export function refused(code: BackupReasonCode, opts: { path?: string; detail?: string } = {}): BackupInvalid {
  return new BackupInvalid(code, opts);
}
