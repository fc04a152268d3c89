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
  /** 1 while the default branch is protected without a rule of its own (migration 003). */
  default_branch_protected: Generated<number>;
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

export interface InternalIdsTable {
  project_id: number;
  usage: string;
  last_value: number;
}

export interface PipelinesTable {
  id: Generated<number>;
  project_id: number;
  iid: number;
  sha: string;
  before_sha: string;
  ref: string;
  tag: number;
  source: string;
  status: string;
  name: string | null;
  user_id: number | null;
  schedule_id: number | null;
  rebuild_of: number | null;
  /** JSON array of PipelineError when the pipeline file was invalid. */
  yaml_errors: string | null;
  /** Encrypted JSON of variables given when the pipeline was created (API, schedule). */
  variables_encrypted: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface JobsTable {
  id: Generated<number>;
  pipeline_id: number;
  project_id: number;
  name: string;
  stage: string;
  stage_index: number;
  status: string;
  when: string;
  allow_failure: number;
  retried: number;
  attempt: number;
  /** JSON of the PlannedJob this row runs. */
  definition: string;
  tags: string;
  runner_id: number | null;
  token_hash: string | null;
  lease_expires_at: string | null;
  scheduled_at: string | null;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  failure_reason: string | null;
  log_size: number;
  dotenv_encrypted: string | null;
  user_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface JobArtifactsTable {
  job_id: number;
  file: string;
  size: number;
  sha256: string;
  expire_at: string | null;
  created_at: string;
}

export interface RunnersTable {
  id: Generated<number>;
  description: string;
  token_hash: string;
  token_prefix: string;
  tags: string;
  run_untagged: number;
  active: number;
  embedded: number;
  contacted_at: string | null;
  created_at: string;
}

export interface CiVariablesTable {
  id: Generated<number>;
  project_id: number | null;
  key: string;
  value_encrypted: string;
  variable_type: string;
  protected: number;
  masked: number;
  raw: number;
  environment_scope: string;
  description: string | null;
  created_at: string;
}

export interface ProtectedRefsTable {
  id: Generated<number>;
  project_id: number;
  kind: string;
  name: string;
  created_at: string;
}

export interface PipelineSchedulesTable {
  id: Generated<number>;
  project_id: number;
  description: string;
  ref: string;
  cron: string;
  cron_timezone: string;
  active: number;
  next_run_at: string | null;
  owner_id: number | null;
  variables_encrypted: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database {
  users: UsersTable;
  personal_access_tokens: PersonalAccessTokensTable;
  sessions: SessionsTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  push_events: PushEventsTable;
  internal_ids: InternalIdsTable;
  pipelines: PipelinesTable;
  jobs: JobsTable;
  job_artifacts: JobArtifactsTable;
  runners: RunnersTable;
  ci_variables: CiVariablesTable;
  protected_refs: ProtectedRefsTable;
  pipeline_schedules: PipelineSchedulesTable;
}
