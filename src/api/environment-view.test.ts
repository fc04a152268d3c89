import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeploymentRelations } from '../services/deployment-relations.ts';
import type { DeploymentRow } from '../store/repositories/deployment-repository.ts';
import { deploymentView, matrixRowView } from './environment-view.ts';

const row: DeploymentRow = {
  id: 7,
  project_id: 1,
  iid: 3,
  environment_id: 5,
  sha: 'a'.repeat(40),
  ref: 'v1.0',
  tag: 1,
  user_id: 2,
  status: 'running',
  action: 'start',
  job_id: 11,
  pipeline_id: 9,
  deployable_name: 'deploy',
  snapshot: '{"kind":"external","sha":"aaa","ref":"v1.0","tag":true}',
  rollback_of: 4,
  external_state: 'in_progress',
  freeze_override_reason: null,
  freeze_override_by: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:01:00.000Z',
  finished_at: null,
  secret_values_encrypted: null,
  rollout_state: null,
  rebuild: 0,
};

const relations: DeploymentRelations = {
  users: new Map([[2, { id: 2, username: 'ann', name: 'Ann' }]]),
  jobs: new Map([[11, { id: 11, name: 'deploy', status: 'running' }]]),
  environments: new Map([[5, { id: 5, name: 'production', slug: 'production' }]]),
};

test('a deployment shows its user, job, environment and parsed snapshot', () => {
  assert.deepEqual(deploymentView(row, relations), {
    id: 7,
    iid: 3,
    ref: 'v1.0',
    sha: 'a'.repeat(40),
    tag: true,
    status: 'running',
    action: 'start',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:01:00.000Z',
    finished_at: null,
    user: { id: 2, username: 'ann', name: 'Ann' },
    environment: { id: 5, name: 'production', slug: 'production' },
    deployable: { id: 11, name: 'deploy', status: 'running' },
    pipeline_id: 9,
    rollback_of: 4,
    rebuild: false,
    snapshot: { kind: 'external', sha: 'aaa', ref: 'v1.0', tag: true },
    rollout: null,
    external_state: 'in_progress',
  });
});

test('what is missing from the relations shows as null or falls back to the row', () => {
  const empty: DeploymentRelations = { users: new Map(), jobs: new Map(), environments: new Map() };
  const view = deploymentView({ ...row, environment_name: 'staging', snapshot: null }, empty);
  assert.equal(view.user, null);
  assert.deepEqual(view.deployable, { id: 11, name: 'deploy' });
  assert.deepEqual(view.environment, { id: 5, name: 'staging', slug: '' });
  assert.equal(view.snapshot, null);
  assert.equal(deploymentView({ ...row, job_id: null, user_id: null }, relations).deployable, null);
  assert.equal(deploymentView({ ...row, tag: 0 }, relations).tag, false);
  assert.equal(deploymentView({ ...row, rebuild: 1 }, relations).rebuild, true);
});

test('a matrix row without a successful deployment has deployment null', () => {
  const base = {
    project_id: 1,
    project_path: 'group/app',
    environment_id: 5,
    environment_name: 'production',
    tier: 'production',
    state: 'available',
    deployment_id: null,
    deployment_iid: null,
    sha: null,
    ref: null,
    tag: null,
    finished_at: null,
    user_id: null,
    username: null,
    last_deployment_id: null,
    last_deployment_iid: null,
    last_status: null,
    last_sha: null,
    last_ref: null,
    last_tag: null,
    last_created_at: null,
  };
  assert.equal(matrixRowView(base).deployment, null);
  assert.equal(matrixRowView(base).last_deployment, null);
  const deployed = matrixRowView({
    ...base,
    deployment_id: 7,
    deployment_iid: 3,
    sha: '0123456789abcdef',
    ref: 'main',
    tag: 0,
    finished_at: '2026-01-01T00:00:00.000Z',
    user_id: 2,
    username: 'ann',
  });
  assert.deepEqual(deployed.deployment, {
    id: 7,
    iid: 3,
    sha: '0123456789abcdef',
    short_sha: '01234567',
    ref: 'main',
    tag: false,
    finished_at: '2026-01-01T00:00:00.000Z',
    user: { id: 2, username: 'ann' },
  });
});

test('a matrix row shows its newest deployment too, e.g. one that failed after what runs there', () => {
  const row = matrixRowView({
    project_id: 1,
    project_path: 'group/app',
    environment_id: 5,
    environment_name: 'production',
    tier: 'production',
    state: 'available',
    deployment_id: 7,
    deployment_iid: 3,
    sha: '0123456789abcdef',
    ref: 'main',
    tag: 0,
    finished_at: '2026-01-01T00:00:00.000Z',
    user_id: null,
    username: null,
    last_deployment_id: 8,
    last_deployment_iid: 4,
    last_status: 'failed',
    last_sha: 'fedcba9876543210',
    last_ref: 'v2.0',
    last_tag: 1,
    last_created_at: '2026-01-02T00:00:00.000Z',
  });
  assert.equal(row.deployment?.id, 7);
  assert.deepEqual(row.last_deployment, {
    id: 8,
    iid: 4,
    status: 'failed',
    sha: 'fedcba9876543210',
    short_sha: 'fedcba98',
    ref: 'v2.0',
    tag: true,
    created_at: '2026-01-02T00:00:00.000Z',
  });
});
