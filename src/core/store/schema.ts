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

export interface Database {
  profile: ProfileTable;
  setting: SettingTable;
}
