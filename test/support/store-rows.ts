import type { DeploymentRow } from '../../src/store/repositories/deployment-repository.ts';
import type { EnvironmentRow } from '../../src/store/repositories/environment-repository.ts';
import type { JobRow } from '../../src/store/repositories/job-repository.ts';

// Rows as the repositories return them, for unit tests that fake a repository: project 1, its
// environment 5 (production), job 11 of pipeline 9 at commit aaa… on main.
const created = { created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' };

/** A successful start deployment by job 11, with `values` over it. */
export function deploymentRow(values: Partial<DeploymentRow> & { id: number }): DeploymentRow {
  return {
    project_id: 1,
    iid: values.id,
    environment_id: 5,
    sha: 'a'.repeat(40),
    ref: 'main',
    tag: 0,
    user_id: null,
    status: 'success',
    action: 'start',
    job_id: 11,
    pipeline_id: 9,
    deployable_name: 'deploy',
    snapshot: null,
    rollback_of: null,
    external_state: null,
    freeze_override_reason: null,
    freeze_override_by: null,
    ...created,
    finished_at: null,
    secret_values_encrypted: null,
    rollout_state: null,
    rebuild: 0,
    ...values,
  };
}

/** Environment 5, production, available, with `values` over it. */
export function environmentRow(values: Partial<EnvironmentRow> = {}): EnvironmentRow {
  return {
    id: 5,
    project_id: 1,
    name: 'production',
    slug: 'production',
    tier: 'production',
    external_url: null,
    state: 'available',
    kubernetes_namespace: null,
    auto_stop_at: null,
    last_deployment_id: null,
    last_success_deployment_id: null,
    metrics_path: null,
    ...created,
    ...values,
  };
}

/** Job 11 (`deploy`) of pipeline 9, running `definition` (a planned job's fields). */
export function jobRow(definition: Record<string, unknown>, values: Partial<JobRow> = {}): JobRow {
  return {
    id: 11,
    pipeline_id: 9,
    project_id: 1,
    name: 'deploy',
    stage: 'deploy',
    stage_index: 0,
    status: 'running',
    when: 'on_success',
    allow_failure: 0,
    retried: 0,
    attempt: 1,
    definition: JSON.stringify(definition),
    tags: '[]',
    runner_id: null,
    token_hash: null,
    lease_expires_at: null,
    scheduled_at: null,
    queued_at: null,
    started_at: null,
    finished_at: null,
    exit_code: null,
    failure_reason: null,
    log_size: 0,
    dotenv_encrypted: null,
    user_id: null,
    ...created,
    ...values,
  };
}
