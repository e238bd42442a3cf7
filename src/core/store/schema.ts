import type { Generated } from 'kysely';

/** Kysely's view of the tables. Each migration that changes a table changes its interface here. */
export interface ProfileTable {
  id: number;
  role: string;
  unit_code: string;
  /** The catalogue edition of the unit (migration 0008; rows from before it: '2025-03-01'). */
  unit_edition: string;
  organisation: string;
  user_name: string;
  user_title: string;
  created_at: string;
  updated_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface AssessmentTable {
  id: string;
  assessment_id: string;
  revision: number;
  unit_code: string;
  /** The catalogue edition of the unit (migration 0008; rows from before it: '2025-03-01'). */
  unit_edition: string;
  year: number;
  unit_class: string;
  unit_class_reason: string | null;
  pack_id: string;
  pack_version: string;
  pack_sha256: string;
  status: 'draft' | 'submitted';
  copied_from: string | null;
  previous_revision: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  /** 1: a second first revision of the same commune and year, made before migration 0007 (left out of its index). */
  legacy_duplicate: number;
}

export interface AssessmentValueTable {
  revision_id: string;
  indicator_id: string;
  value_json: string | null;
  note: string;
  override_points: number | null;
  override_reason: string | null;
  copied: number;
  updated_at: string;
}

export interface EvidenceTable {
  id: string;
  revision_id: string;
  indicator_id: string;
  sha256: string;
  name: string;
  media_type: string;
  size: number;
  added_by: string;
  added_at: string;
  copied: number;
  removed_by: string | null;
  removed_at: string | null;
}

export interface AuditTable {
  seq: Generated<number>;
  assessment_id: string;
  revision_id: string;
  at: string;
  actor: string;
  action: string;
  indicator_id: string | null;
  old_json: string | null;
  new_json: string | null;
  reason: string | null;
}

export interface SigningKeyTable {
  key_id: string;
  public_key: string;
  sealed_private: string;
  seal_kind: 'passphrase' | 'safeStorage';
  holder_name: string;
  holder_title: string;
  organisation: string;
  role: string;
  unit_code: string;
  /** The catalogue edition of the unit (migration 0008; rows from before it: '2025-03-01'). */
  unit_edition: string;
  status: 'active' | 'retired';
  created_at: string;
}

export interface TrustedKeyTable {
  key_id: string;
  public_key: string;
  holder_name: string;
  holder_title: string;
  organisation: string;
  role: string;
  unit_code: string;
  /** The catalogue edition of the unit (migration 0008; rows from before it: '2025-03-01'). */
  unit_edition: string;
  source: 'file' | 'own';
  status: 'trusted' | 'revoked';
  added_at: string;
  added_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

export interface PackageExportTable {
  revision_id: string;
  key_id: string;
  package_id: string;
  created_at: string;
  app_version: string;
  manifest_sha256: string;
  file_name: string;
  exported_at: string;
  exported_by: string;
}

export interface PackageTable {
  manifest_sha256: string;
  kind: 'self-assessment' | 'review';
  package_id: string;
  assessment_id: string;
  revision: number;
  supersedes: string | null;
  unit_code: string;
  /** The catalogue edition of the unit (migration 0008; rows from before it: '2025-03-01'). */
  unit_edition: string;
  unit_name: string;
  year: number;
  unit_class: string;
  pack_id: string;
  pack_version: string;
  pack_sha256: string;
  created_at: string;
  total: number;
  verdict: string;
  provisional: number;
  signer_key_id: string;
  signer_name: string;
  signer_role: string;
  outcome: 'valid' | 'untrusted';
  untrusted_reasons: string | null;
  trust_decision: 'verified' | 'accepted_untrusted';
  decision_reason: string | null;
  decided_by: string;
  decided_at: string;
  state: 'current' | 'superseded' | 'conflict';
  conflict: number;
  inner_manifest_sha256: string | null;
  file_size: number;
  manifest_json: string;
  assessment_json: string;
  imported_at: string;
  imported_by: string;
}

export interface PackageValueTable {
  manifest_sha256: string;
  indicator_id: string;
  criterion_id: string;
  value_json: string | null;
  note: string;
  computed: number | null;
  points: number;
  override_points: number | null;
  override_reason: string | null;
}

export interface PackageEvidenceTable {
  manifest_sha256: string;
  ord: number;
  sha256: string;
  indicator_id: string | null;
  name: string;
  media_type: string;
  size: number;
  added_by: string;
  added_at: string;
}

export interface PackageAuditTable {
  manifest_sha256: string;
  line: number;
  entry_json: string;
}

export interface TargetTable {
  id: Generated<number>;
  scope_code: string | null;
  /** The edition of scope_code (migration 0008; one target per scope, edition and year since 0010). */
  unit_edition: string;
  year: number;
  rate_percent: number;
  source: string;
  updated_at: string;
  updated_by: string;
}

export interface TargetHistoryTable {
  seq: Generated<number>;
  target_id: number;
  action: 'created' | 'updated' | 'deleted';
  old_json: string | null;
  new_json: string | null;
  at: string;
  by: string;
}

export interface ReviewTable {
  id: string;
  assessment_id: string;
  unit_code: string;
  /** The catalogue edition of the unit (migration 0008; rows from before it: '2025-03-01'). */
  unit_edition: string;
  year: number;
  subject_sha256: string;
  subject_revision: number;
  state: 'in_review' | 'recognised' | 'not_recognised' | 'returned';
  reasons_json: string;
  team_json: string;
  decided_by: string | null;
  decided_at: string | null;
  export_sha256: string | null;
  export_file: string | null;
  export_revision: number;
  exported_at: string | null;
  exported_by: string | null;
  dirty: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ReviewValueTable {
  review_id: string;
  indicator_id: string;
  criterion_id: string;
  value_json: string | null;
  override_points: number | null;
  override_reason: string | null;
  note: string;
  reason: string | null;
  updated_at: string;
}

export interface ReviewFindingTable {
  review_id: string;
  criterion_id: string;
  text: string;
  updated_at: string;
}

export interface ReviewAuditTable {
  seq: Generated<number>;
  review_id: string;
  subject_sha256: string;
  subject_revision: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  old_json: string | null;
  new_json: string | null;
  reason: string | null;
}

/** The review team's own evidence on an indicator (migration 0006); removal is a mark. */
export interface ReviewEvidenceTable {
  id: string;
  review_id: string;
  indicator_id: string;
  sha256: string;
  name: string;
  media_type: string;
  size: number;
  added_by: string;
  added_at: string;
  removed_at: string | null;
  removed_by: string | null;
}

/** The counted package of each commune and year (migration 0009, kept by `src/core/dashboard/counted.ts`). */
export interface CountedTable {
  year: number;
  unit_edition: string;
  unit_code: string;
  manifest_sha256: string;
  reviewed: number;
  resubmitted: number;
  status: 'recognised' | 'not_recognised' | 'returned' | 'self_recognised' | 'self_not_recognised' | 'self_incomplete' | 'conflict';
  decision: string | null;
  verdict: string | null;
  state: 'current' | 'conflict';
  candidates: number;
  self_total: number | null;
  team_total: number | null;
  provisional: number;
  unit_class: string;
  pack_id: string;
  pack_version: string;
}

export interface CountedCriterionTable {
  year: number;
  unit_edition: string;
  unit_code: string;
  criterion_id: string;
  points: number;
}

export interface CountedRateTable {
  year: number;
  unit_edition: string;
  unit_code: string;
  indicator_id: string;
  numerator: number | null;
  denominator: number | null;
}

export interface Database {
  profile: ProfileTable;
  setting: SettingTable;
  assessment: AssessmentTable;
  assessment_value: AssessmentValueTable;
  evidence: EvidenceTable;
  audit: AuditTable;
  signing_key: SigningKeyTable;
  trusted_key: TrustedKeyTable;
  package_export: PackageExportTable;
  package: PackageTable;
  package_value: PackageValueTable;
  package_evidence: PackageEvidenceTable;
  package_audit: PackageAuditTable;
  target: TargetTable;
  target_history: TargetHistoryTable;
  review: ReviewTable;
  review_value: ReviewValueTable;
  review_finding: ReviewFindingTable;
  review_audit: ReviewAuditTable;
  review_evidence: ReviewEvidenceTable;
  counted: CountedTable;
  counted_criterion: CountedCriterionTable;
  counted_rate: CountedRateTable;
}
