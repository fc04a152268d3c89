import { Type } from 'typebox';
import type { AutoDeployRuleView as AutoDeployRuleRow } from '../store/repositories/auto-deploy-rule-repository.ts';
import type { DeploymentLockView as DeploymentLockRow } from '../store/repositories/deployment-lock-repository.ts';
import type { DeploymentStatusRow } from '../store/repositories/deployment-status-repository.ts';
import type { ResourceGroupRow } from '../store/repositories/resource-group-repository.ts';

// Views of what surrounds deployments: statuses reported by external deployers, locks and their
// holders, resource groups, auto-deploy rules.

const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInteger = Type.Union([Type.Integer(), Type.Null()]);

export const DeploymentStatusView = Type.Object({
  id: Type.Integer(),
  state: Type.String(),
  description: NullableString,
  log_url: NullableString,
  environment_url: NullableString,
  creator_id: NullableInteger,
  created_at: Type.String({ format: 'date-time' }),
});

export function deploymentStatusView(row: DeploymentStatusRow) {
  return {
    id: row.id,
    state: row.state,
    description: row.description,
    log_url: row.log_url,
    environment_url: row.environment_url,
    creator_id: row.creator_id,
    created_at: row.created_at,
  };
}

export const DeploymentLockView = Type.Object({
  key: Type.String({ description: 'environment:<id> or resource_group:<project id>:<key>' }),
  acquired_at: Type.String({ format: 'date-time' }),
  holder: Type.Object({
    job_id: Type.Integer(),
    job_name: NullableString,
    job_status: NullableString,
    deployment_id: NullableInteger,
    runner_id: NullableInteger,
    lease_expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description:
        'the lock goes when the holder ends; a holder whose runner stops renewing this lease fails',
    }),
  }),
});

export function deploymentLockView(row: DeploymentLockRow) {
  return {
    key: row.key,
    acquired_at: row.acquired_at,
    holder: {
      job_id: row.holder_job_id,
      job_name: row.job_name,
      job_status: row.job_status,
      deployment_id: row.holder_deployment_id,
      runner_id: row.runner_id,
      lease_expires_at: row.lease_expires_at,
    },
  };
}

export const ResourceGroupView = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  process_mode: Type.String({ description: 'unordered, oldest_first, newest_first or newest_ready_first' }),
  created_at: Type.String({ format: 'date-time' }),
});

export function resourceGroupView(row: ResourceGroupRow) {
  return { id: row.id, key: row.key, process_mode: row.process_mode, created_at: row.created_at };
}

export const AutoDeployRuleView = Type.Object({
  id: Type.Integer(),
  ref: Type.String(),
  environment: Type.Object({ id: Type.Integer(), name: Type.String() }),
  user_id: NullableInteger,
  created_at: Type.String({ format: 'date-time' }),
});

export function autoDeployRuleView(row: AutoDeployRuleRow) {
  return {
    id: row.id,
    ref: row.ref,
    environment: { id: row.environment_id, name: row.environment_name },
    user_id: row.user_id,
    created_at: row.created_at,
  };
}
