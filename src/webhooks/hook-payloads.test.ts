import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  HookDeploymentRow,
  HookJobRow,
  HookPipelineRow,
  HookProjectRow,
} from '../store/repositories/project-hook-repository.ts';
import { deploymentPayload, jobPayload, pipelinePayload, releasePayload } from './hook-payloads.ts';

const externalUrl = 'https://gantry.example.com';
const project: HookProjectRow = {
  id: 3,
  name: 'app',
  path: 'group/app',
  description: 'An app',
  default_branch: 'main',
};
const pipeline: HookPipelineRow = {
  id: 40,
  project_id: 3,
  iid: 4,
  sha: 'c'.repeat(40),
  before_sha: 'b'.repeat(40),
  ref: 'v1.0',
  tag: 1,
  source: 'push',
  status: 'running',
  name: null,
  user_id: 9,
  created_at: '2026-01-01T00:00:00.000Z',
  finished_at: null,
};
const job: HookJobRow = {
  id: 400,
  pipeline_id: 40,
  project_id: 3,
  name: 'deploy',
  stage: 'deploy',
  status: 'running',
  when: 'manual',
  allow_failure: 0,
  user_id: 9,
  failure_reason: null,
  created_at: '2026-01-01T00:00:00.000Z',
  started_at: '2026-01-01T00:00:01.000Z',
  finished_at: null,
};
const user = { id: 9, username: 'ada', name: 'Ada', email: 'ada@example.com' };

test('pipeline payload: object_attributes with the event status, builds, project; no e-mail addresses', () => {
  const payload = pipelinePayload({ project, pipeline, status: 'success', user, jobs: [job], externalUrl });
  assert.equal(payload.object_kind, 'pipeline');
  assert.deepEqual(payload.object_attributes, {
    id: 40,
    iid: 4,
    name: null,
    ref: 'v1.0',
    tag: true,
    sha: 'c'.repeat(40),
    before_sha: 'b'.repeat(40),
    source: 'push',
    status: 'success',
    created_at: '2026-01-01T00:00:00.000Z',
    finished_at: null,
    url: 'https://gantry.example.com/group/app/-/pipelines/40',
  });
  assert.deepEqual(payload.project, {
    id: 3,
    name: 'app',
    description: 'An app',
    path_with_namespace: 'group/app',
    default_branch: 'main',
    web_url: 'https://gantry.example.com/group/app',
    git_http_url: 'https://gantry.example.com/group/app.git',
  });
  assert.deepEqual(payload.user, { id: 9, name: 'Ada', username: 'ada' });
  assert.deepEqual(
    payload.builds.map((b) => [b.id, b.name, b.stage, b.status, b.manual]),
    [[400, 'deploy', 'deploy', 'running', true]],
  );
  assert.doesNotMatch(JSON.stringify(payload), /ada@example\.com/);
});

test('job payload: GitLab build_* fields, with the status the event reported', () => {
  const payload = jobPayload({ project, pipeline, job, status: 'failed', user: undefined, externalUrl });
  assert.equal(payload.object_kind, 'build');
  assert.equal(payload.build_id, 400);
  assert.equal(payload.build_name, 'deploy');
  assert.equal(payload.build_stage, 'deploy');
  assert.equal(payload.build_status, 'failed');
  assert.equal(payload.pipeline_id, 40);
  assert.equal(payload.ref, 'v1.0');
  assert.equal(payload.tag, true);
  assert.equal(payload.user, null);
  assert.equal(payload.project.path_with_namespace, 'group/app');
});

test('deployment payload: environment, commit and the job behind it', () => {
  const deployment: HookDeploymentRow = {
    id: 12,
    project_id: 3,
    iid: 2,
    sha: 'd'.repeat(40),
    ref: 'main',
    tag: 0,
    status: 'running',
    action: 'start',
    user_id: null,
    job_id: 400,
    pipeline_id: 40,
    environment_id: 5,
    environment_name: 'production',
    environment_slug: 'production',
    environment_tier: 'production',
    environment_external_url: 'https://app.example.com',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:02.000Z',
  };
  const payload = deploymentPayload({ project, deployment, status: 'success', user: undefined, externalUrl });
  assert.equal(payload.object_kind, 'deployment');
  assert.equal(payload.status, 'success');
  assert.equal(payload.deployment_id, 12);
  assert.equal(payload.deployment_iid, 2);
  assert.equal(payload.deployable_id, 400);
  assert.equal(payload.environment, 'production');
  assert.equal(payload.environment_tier, 'production');
  assert.equal(payload.short_sha, 'dddddddd');
  assert.equal(payload.status_changed_at, '2026-01-01T00:00:02.000Z');
});

test('release payload: full for a stored release, id and tag only once deleted', () => {
  const full = releasePayload({
    project,
    action: 'create',
    release: {
      id: 1,
      project_id: 3,
      tag_name: 'v1.0/rc',
      name: 'One',
      description: 'Notes',
      sha: 'e'.repeat(40),
      released_at: '2026-01-01T00:00:00.000Z',
      created_at: '2026-01-01T00:00:00.000Z',
    },
    externalUrl,
  });
  assert.equal(full.object_kind, 'release');
  assert.equal(full.action, 'create');
  assert.equal(full.tag, 'v1.0/rc');
  assert.equal(full.tag_name, 'v1.0/rc');
  assert.equal(full.name, 'One');
  assert.deepEqual(full.commit, { id: 'e'.repeat(40) });
  assert.equal(full.url, 'https://gantry.example.com/group/app/-/releases/v1.0%2Frc');
  const deleted = releasePayload({
    project,
    action: 'delete',
    release: { id: 1, tag_name: 'v1.0' },
    externalUrl,
  });
  assert.deepEqual(Object.keys(deleted).sort(), [
    'action',
    'id',
    'object_kind',
    'project',
    'tag',
    'tag_name',
    'url',
  ]);
});
