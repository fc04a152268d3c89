import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_TARGET_FORM, targetBody } from './target-body.ts';

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
