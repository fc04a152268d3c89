/**
 * The shapes of the settings resources the UI reads from `/api/v1` (docs/api.md): targets, CI/CD
 * variables, environment secrets, protected environments, freeze periods, auto-deploy rules, project
 * hooks and their deliveries, members, runners and personal access tokens.
 */
import type { HostTargetViews } from './host-target-types.ts';
import type { PodmanTargetSettings } from './podman-types.ts';

/** A target; `ssh`, `sftp`, `s3`, `maven` and `ansible` hold the settings of targets of that kind. */
export interface Target extends HostTargetViews {
  id: number;
  project_id: number | null;
  name: string;
  kind: 'kubernetes' | 'external' | 'podman' | 'ssh' | 'sftp' | 's3' | 'maven' | 'ansible' | string;
  environment_scope: string;
  url: string | null;
  kubernetes: {
    api_url: string;
    auth: string;
    namespace_template: string;
    /** What the cluster reported when the target was last saved (its connectivity check). */
    server_version: string | null;
  } | null;
  podman: PodmanTargetSettings | null;
  created_at: string;
  updated_at: string;
}

export interface CiVariable {
  key: string;
  /** Null for a masked variable in lists; `GET …/variables/:key` reveals it. */
  value: string | null;
  variable_type: 'env_var' | 'file';
  protected: boolean;
  masked: boolean;
  raw: boolean;
  environment_scope: string;
  description: string | null;
}

export interface EnvironmentSecret {
  key: string;
  environment_scope: string;
  created_at: string;
  updated_at: string;
}

/** One grant of a protected environment: a role (`access_level`) or one user. */
export interface Grant {
  access_level: number | null;
  user_id: number | null;
  access_level_description: string;
}

export interface ProtectedEnvironment {
  id: number;
  name: string;
  deploy_access_levels: Grant[];
  approval_rules: Grant[];
  required_approval_count: number;
  allow_self_approval: boolean;
}

export interface FreezePeriod {
  id: number;
  freeze_start: string;
  freeze_end: string;
  cron_timezone: string;
  environment_scope: string;
  /** Whether the freeze is in force now, and until when. */
  active: boolean;
  active_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface AutoDeployRule {
  id: number;
  ref: string;
  environment: { id: number; name: string };
  user_id: number | null;
  created_at: string;
}

export interface ProjectHook {
  id: number;
  project_id: number;
  url: string;
  pipeline_events: boolean;
  job_events: boolean;
  deployment_events: boolean;
  releases_events: boolean;
  created_at: string;
}

/** The event flags of a hook, which are also the triggers of `POST …/hooks/:id/test/:trigger`. */
export type HookTrigger = 'pipeline_events' | 'job_events' | 'deployment_events' | 'releases_events';

export interface HookDelivery {
  id: number;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  payload: unknown;
}

export interface Member {
  id: number;
  username: string;
  name: string;
  state: string;
  access_level: number;
  role: string;
  created_at: string;
}

export interface Runner {
  id: number;
  description: string;
  tag_list: string[];
  run_untagged: boolean;
  active: boolean;
  embedded: boolean;
  online: boolean;
  token_prefix: string;
  contacted_at: string | null;
  created_at: string;
}

export interface AccessToken {
  id: number;
  user_id: number;
  name: string;
  scopes: string[];
  token_prefix: string;
  active: boolean;
  revoked: boolean;
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

/** `POST` answers of runners and tokens carry the secret once. */
export type WithToken<T> = T & { token: string };
