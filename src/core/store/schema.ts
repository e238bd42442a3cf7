import type { Generated } from 'kysely';

/** Kysely's view of the tables. Each migration that changes a table changes its interface here. */
export interface ProfileTable {
  id: number;
  role: string;
  unit_code: string;
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

export interface Database {
  profile: ProfileTable;
  setting: SettingTable;
  assessment: AssessmentTable;
  assessment_value: AssessmentValueTable;
  evidence: EvidenceTable;
  audit: AuditTable;
}
