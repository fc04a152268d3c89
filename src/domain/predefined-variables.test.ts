import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predefinedVariables } from './predefined-variables.ts';

const base = {
  serverUrl: 'https://ci.example.com',
  project: { id: 7, name: 'Shop', path: 'acme/shop', default_branch: 'main' },
  pipeline: {
    id: 42,
    iid: 3,
    source: 'push',
    sha: 'a1b2c3d4e5f6'.padEnd(40, '0'),
    beforeSha: '0'.repeat(40),
    ref: 'feature/Cart',
    tag: false,
  },
};

test('commit, project and pipeline variables as GitLab sets them', () => {
  const v = predefinedVariables(base);
  assert.equal(v.CI, 'true');
  assert.equal(v.CI_COMMIT_SHORT_SHA, 'a1b2c3d4');
  assert.equal(v.CI_COMMIT_REF_NAME, 'feature/Cart');
  assert.equal(v.CI_COMMIT_REF_SLUG, 'feature-cart');
  assert.equal(v.CI_COMMIT_BRANCH, 'feature/Cart');
  assert.equal(v.CI_COMMIT_TAG, undefined);
  assert.equal(v.CI_PROJECT_PATH, 'acme/shop');
  assert.equal(v.CI_PROJECT_NAME, 'shop');
  assert.equal(v.CI_PROJECT_NAMESPACE, 'acme');
  assert.equal(v.CI_PROJECT_PATH_SLUG, 'acme-shop');
  assert.equal(v.CI_PIPELINE_ID, '42');
  assert.equal(v.CI_PIPELINE_IID, '3');
  assert.equal(v.CI_SERVER_HOST, 'ci.example.com');
  assert.equal(v.CI_JOB_ID, undefined, 'no job variables while planning');
});

test('tags set CI_COMMIT_TAG instead of CI_COMMIT_BRANCH; jobs add CI_JOB_*', () => {
  const v = predefinedVariables({
    ...base,
    pipeline: { ...base.pipeline, ref: 'v1.0.0', tag: true },
    job: { id: 9, name: 'deploy prod', stage: 'deploy', token: 'gtj_x' },
    user: { id: 1, login: 'admin', name: 'Admin' },
  });
  assert.equal(v.CI_COMMIT_TAG, 'v1.0.0');
  assert.equal(v.CI_COMMIT_BRANCH, undefined);
  assert.equal(v.CI_JOB_NAME, 'deploy prod');
  assert.equal(v.CI_JOB_NAME_SLUG, 'deploy-prod');
  assert.equal(v.CI_JOB_TOKEN, 'gtj_x');
  assert.equal(v.GITLAB_USER_LOGIN, 'admin');
});

test('with a registry: CI_REGISTRY, CI_REGISTRY_IMAGE in lower case, and the job token as its password', () => {
  const job = { id: 9, name: 'build', stage: 'build', token: 'gtj_y' };
  const v = predefinedVariables({
    ...base,
    project: { ...base.project, path: 'Acme/Shop' },
    registryHost: 'ci.example.com:8443',
    job,
  });
  assert.equal(v.CI_REGISTRY, 'ci.example.com:8443');
  assert.equal(v.CI_REGISTRY_IMAGE, 'ci.example.com:8443/acme/shop');
  assert.equal(v.CI_REGISTRY_USER, 'gitlab-ci-token');
  assert.equal(v.CI_REGISTRY_PASSWORD, 'gtj_y');
  const without = predefinedVariables({ ...base, registryHost: null, job });
  for (const key of ['CI_REGISTRY', 'CI_REGISTRY_IMAGE', 'CI_REGISTRY_USER', 'CI_REGISTRY_PASSWORD'])
    assert.equal(without[key], undefined, key);
  assert.equal(predefinedVariables({ ...base, registryHost: 'r:1' }).CI_REGISTRY_USER, undefined);
});
