import type { Generated } from 'kysely';

/** Row shapes of every table, as both dialects store them (see DEVELOPERS.md: text timestamps, 0/1 booleans). */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  name: string;
  email: string | null;
  password_hash: string | null;
  is_admin: number;
  state: string;
  created_at: string;
}

export interface PersonalAccessTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  token_prefix: string;
  scopes: string;
  expires_at: string | null;
  revoked: number;
  last_used_at: string | null;
  created_at: string;
}

export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  expires_at: string;
  created_at: string;
}

export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  path: string;
  description: string;
  default_branch: string;
  mirror_url: string | null;
  mirror_username: string | null;
  mirror_password_encrypted: string | null;
  mirror_webhook_secret_encrypted: string | null;
  mirror_last_fetched_at: string | null;
  mirror_last_error: string | null;
  creator_id: number | null;
  created_at: string;
  last_activity_at: string;
}

export interface ProjectMembersTable {
  project_id: number;
  user_id: number;
  access_level: number;
  created_at: string;
}

export interface PushEventsTable {
  id: Generated<number>;
  project_id: number;
  ref: string;
  before_sha: string;
  after_sha: string;
  user_id: number | null;
  created_at: string;
}

export interface Database {
  users: UsersTable;
  personal_access_tokens: PersonalAccessTokensTable;
  sessions: SessionsTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  push_events: PushEventsTable;
}
