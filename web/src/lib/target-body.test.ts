import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_TARGET_FORM, editTargetForm, targetBody, targetChanges } from './target-body.ts';

test('a kubeconfig target sends the kubeconfig only, defaults left to the API', () => {
  const body = targetBody({
    ...EMPTY_TARGET_FORM,
    name: ' prod ',
    environmentScope: 'production',
    kubeconfig: 'apiVersion: v1\nkind: Config\n\n',
    apiUrl: 'https://ignored',
  });
  assert.deepEqual(body, {
    name: 'prod',
    kind: 'kubernetes',
    environment_scope: 'production',
    kubernetes: { kubeconfig: 'apiVersion: v1\nkind: Config\n' },
  });
});

test('a token target sends the API URL, token, CA and namespace template', () => {
  const body = targetBody({
    ...EMPTY_TARGET_FORM,
    name: 'review',
    environmentScope: '',
    auth: 'token',
    apiUrl: 'https://10.0.0.1:6443',
    token: ' eyJ ',
    caPem: '-----BEGIN CERTIFICATE-----',
    namespaceTemplate: 'shop-review',
  });
  assert.deepEqual(body, {
    name: 'review',
    kind: 'kubernetes',
    kubernetes: {
      api_url: 'https://10.0.0.1:6443',
      token: 'eyJ',
      ca_pem: '-----BEGIN CERTIFICATE-----\n',
      namespace_template: 'shop-review',
    },
  });
});

test('missing credentials are left out for the API to name', () => {
  assert.deepEqual(targetBody({ ...EMPTY_TARGET_FORM, name: 'x', kubeconfig: '  ' }).kubernetes, {});
});

test('an external target sends its URL and secret, no kubernetes settings', () => {
  assert.deepEqual(
    targetBody({
      ...EMPTY_TARGET_FORM,
      name: 'ext',
      kind: 'external',
      url: 'https://d.example/hook',
      secret: 's',
    }),
    { name: 'ext', kind: 'external', environment_scope: '*', url: 'https://d.example/hook', secret: 's' },
  );
});

test('a Podman target sends its podman settings only', () => {
  assert.deepEqual(
    targetBody({
      ...EMPTY_TARGET_FORM,
      name: 'host',
      kind: 'podman',
      url: 'https://ignored',
      kubeconfig: 'x',
    }),
    {
      name: 'host',
      kind: 'podman',
      environment_scope: '*',
      podman: { cgroup_manager: 'cgroupfs', tls_verify: true },
    },
  );
});

test('the new kinds send their own settings only', () => {
  const body = targetBody({
    ...EMPTY_TARGET_FORM,
    name: 'site',
    kind: 'maven',
    url: 'https://ignored',
    maven: { url: 'http://127.0.0.1:8081/releases', username: '', password: '' },
  });
  assert.deepEqual(body, {
    name: 'site',
    kind: 'maven',
    environment_scope: '*',
    maven: { url: 'http://127.0.0.1:8081/releases' },
  });
});

test('an edited SSH target keeps its stored secrets and may accept the hosts’ current keys', () => {
  const form = editTargetForm({
    id: 1,
    project_id: 3,
    name: 'hosts',
    kind: 'ssh',
    environment_scope: 'production',
    url: null,
    kubernetes: null,
    podman: null,
    ssh: {
      hosts: [{ host: '127.0.0.1', port: 2201, known_hosts: 'k', fingerprints: ['SHA256:x'] }],
      user: 'root',
      deploy_to: '/srv/app',
      parallelism: 1,
      keep_releases: 5,
      auth: ['private_key'],
    },
    created_at: '',
    updated_at: '',
  });
  assert.ok(form);
  assert.equal(form.kind, 'ssh');
  assert.deepEqual(
    targetChanges({ ...form, ssh: { ...form.ssh, login: { ...form.ssh.login, rescanHostKeys: true } } }),
    {
      name: 'hosts',
      environment_scope: 'production',
      ssh: {
        hosts: ['127.0.0.1:2201'],
        user: 'root',
        deploy_to: '/srv/app',
        parallelism: 1,
        keep_releases: 5,
        rescan_host_keys: true,
      },
    },
  );
});

test('targets of the older kinds have no edit form', () => {
  assert.equal(
    editTargetForm({
      id: 1,
      project_id: null,
      name: 'k',
      kind: 'kubernetes',
      environment_scope: '*',
      url: null,
      kubernetes: { api_url: 'https://k', auth: 'token', namespace_template: 'x', server_version: null },
      podman: null,
      created_at: '',
      updated_at: '',
    }),
    undefined,
  );
});
