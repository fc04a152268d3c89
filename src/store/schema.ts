import type { ColumnType, Generated } from 'kysely';

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
  /** 1: a deployment job older than the environment's latest successful deployment fails (migration 004). */
  prevent_outdated_deployments: Generated<number>;
  /** The least role that may open a shell: maintainer (default) or developer (migration 010). */
  shell_access: Generated<string>;
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
  /** JSON array of the environments a rebuild pipeline deploys; null for other pipelines (migration 009). */
  rebuild_environments: ColumnType<string | null, string | null | undefined, string | null>;
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

export interface RebuildSchedulesTable {
  id: Generated<number>;
  project_id: number;
  description: string;
  /** JSON array of environment names; null = every environment that runs a deployment. */
  environments: string | null;
  cron: string;
  cron_timezone: string;
  active: number;
  next_run_at: string | null;
  owner_id: number | null;
  last_run_at: string | null;
  /** success | failed */
  last_run_status: string | null;
  last_run_error: string | null;
  /** JSON array of pipeline ids. */
  last_pipeline_ids: string | null;
  created_at: string;
  updated_at: string;
}

export interface EnvironmentsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  slug: string;
  tier: string;
  external_url: string | null;
  state: string;
  kubernetes_namespace: string | null;
  auto_stop_at: string | null;
  last_deployment_id: number | null;
  last_success_deployment_id: number | null;
  /** Where the app serves Prometheus metrics, scraped at external_url + path (migration 010). */
  metrics_path: Generated<string | null>;
  created_at: string;
  updated_at: string;
}

export interface DeploymentsTable {
  id: Generated<number>;
  project_id: number;
  iid: number;
  environment_id: number;
  sha: string;
  ref: string;
  tag: number;
  user_id: number | null;
  status: string;
  action: string;
  job_id: number | null;
  pipeline_id: number | null;
  deployable_name: string | null;
  /** JSON of a DeploymentSnapshot. */
  snapshot: string | null;
  rollback_of: number | null;
  external_state: string | null;
  freeze_override_reason: string | null;
  freeze_override_by: number | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** Secret values a Kubernetes deployment applied (JSON, SecretBox-encrypted); the snapshot holds references. */
  secret_values_encrypted: string | null;
  /** JSON of an incremental rollout's state (Kubernetes `strategy.steps`). */
  rollout_state: string | null;
  /** 1 when a rebuild pipeline made it (migration 009). */
  rebuild: Generated<number>;
}

export interface DeploymentStatusesTable {
  id: Generated<number>;
  deployment_id: number;
  state: string;
  description: string | null;
  log_url: string | null;
  environment_url: string | null;
  creator_id: number | null;
  created_at: string;
}

export interface DeploymentApprovalsTable {
  id: Generated<number>;
  deployment_id: number;
  user_id: number;
  /** approved | rejected */
  status: string;
  comment: string | null;
  created_at: string;
}

export interface ProtectedEnvironmentsTable {
  id: Generated<number>;
  project_id: number;
  /** An environment name or a glob (`review/*`). */
  name: string;
  /** JSON Grant[] (src/domain/deployment-approval.ts). */
  deploy_access: string;
  /** JSON Grant[]. */
  approvers: string;
  required_approvals: number;
  allow_self_approval: number;
  /** 0: no shells into matching environments, whatever the role (migration 010). */
  shell_enabled: Generated<number>;
  /** The least role that may read logs, containers and metrics: reporter, developer or maintainer. */
  logs_access: Generated<string>;
  created_at: string;
  updated_at: string;
}

export interface FreezePeriodsTable {
  id: Generated<number>;
  project_id: number | null;
  freeze_start: string;
  freeze_end: string;
  cron_timezone: string;
  environment_scope: string;
  created_at: string;
  updated_at: string;
}

export interface ResourceGroupsTable {
  id: Generated<number>;
  project_id: number;
  key: string;
  process_mode: string;
  created_at: string;
}

export interface DeploymentLocksTable {
  /** `environment:<id>` or `resource_group:<project id>:<key>`. */
  key: string;
  project_id: number;
  holder_job_id: number;
  holder_deployment_id: number | null;
  acquired_at: string;
}

export interface AutoDeployRulesTable {
  id: Generated<number>;
  project_id: number;
  ref: string;
  environment_id: number;
  user_id: number | null;
  created_at: string;
}

export interface ReleasesTable {
  id: Generated<number>;
  project_id: number;
  tag_name: string;
  name: string;
  description: string;
  sha: string;
  author_id: number | null;
  released_at: string;
  created_at: string;
  updated_at: string;
}

export interface ReleaseLinksTable {
  id: Generated<number>;
  release_id: number;
  name: string;
  url: string;
  link_type: string;
  created_at: string;
}

export interface TargetsTable {
  id: Generated<number>;
  project_id: number | null;
  name: string;
  kind: string;
  environment_scope: string;
  /** JSON, per kind (external: { url }). */
  config: string;
  secret_encrypted: string | null;
  created_at: string;
  updated_at: string;
}

/** A secret for the environments `environment_scope` matches; the value is encrypted (SecretBox). */
export interface EnvironmentSecretsTable {
  id: Generated<number>;
  project_id: number;
  environment_scope: string;
  key: string;
  value_encrypted: string;
  created_at: string;
  updated_at: string;
}

export interface ProjectHooksTable {
  id: Generated<number>;
  project_id: number;
  url: string;
  secret_encrypted: string | null;
  pipeline_events: number;
  job_events: number;
  deployment_events: number;
  release_events: number;
  created_at: string;
}

export interface HookDeliveriesTable {
  id: Generated<number>;
  project_id: number;
  hook_id: number | null;
  target_id: number | null;
  event: string;
  payload: string;
  /** pending | delivered | failed */
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  project_id: number | null;
  user_id: number | null;
  action: string;
  target_type: string;
  target_id: number | null;
  /** JSON object. */
  details: string;
  created_at: string;
}

/** One shell opened into an environment's container: the audit record (migration 010). */
export interface ShellSessionsTable {
  id: Generated<number>;
  project_id: number;
  environment_id: number;
  user_id: number | null;
  username: string;
  deployment_id: number | null;
  pod: string;
  container: string;
  /** JSON string[]. */
  command: string;
  started_at: string;
  ended_at: string | null;
  exit_code: number | null;
  end_reason: string | null;
}

/** An image repository of the registry (`group/app/web`), owned by the project its name resolves to (migration 008). */
export interface RegistryRepositoriesTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  created_at: string;
}

/** A tag of a registry repository and the digest last pushed to it (migration 008). */
export interface RegistryTagsTable {
  repository_id: number;
  name: string;
  digest: string;
  pushed_at: string;
}

/**
 * One chunk of one performance series (migration 011, src/metrics/): `slots` is base64 of
 * little-endian doubles, NaN where nothing was recorded.
 */
export interface EnvironmentMetricsTable {
  environment_id: number;
  /** 10 (an hour per chunk) or 300 (a day per chunk). */
  resolution_seconds: number;
  chunk_start: string;
  pod: string;
  container: string;
  metric: string;
  slots: string;
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
  rebuild_schedules: RebuildSchedulesTable;
  environments: EnvironmentsTable;
  deployments: DeploymentsTable;
  deployment_statuses: DeploymentStatusesTable;
  deployment_approvals: DeploymentApprovalsTable;
  protected_environments: ProtectedEnvironmentsTable;
  freeze_periods: FreezePeriodsTable;
  resource_groups: ResourceGroupsTable;
  deployment_locks: DeploymentLocksTable;
  auto_deploy_rules: AutoDeployRulesTable;
  releases: ReleasesTable;
  release_links: ReleaseLinksTable;
  targets: TargetsTable;
  environment_secrets: EnvironmentSecretsTable;
  project_hooks: ProjectHooksTable;
  hook_deliveries: HookDeliveriesTable;
  audit_events: AuditEventsTable;
  registry_repositories: RegistryRepositoriesTable;
  registry_tags: RegistryTagsTable;
  shell_sessions: ShellSessionsTable;
  environment_metrics: EnvironmentMetricsTable;
}
