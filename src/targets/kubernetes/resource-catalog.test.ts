import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import { kubeConfigFromSettings } from './kube-connection.ts';
import {
  groupVersionPath,
  notServed,
  type ResourceInfo,
  resourceCatalog,
  resourcePath,
} from './resource-catalog.ts';

const deployments: ResourceInfo = { plural: 'deployments', namespaced: true };
const namespaces: ResourceInfo = { plural: 'namespaces', namespaced: false };

// [apiVersion, resource, target, expected path]
const paths: Array<[string, ResourceInfo, { namespace?: string; name?: string }, string]> = [
  [
    'apps/v1',
    deployments,
    { namespace: 'shop', name: 'web' },
    '/apis/apps/v1/namespaces/shop/deployments/web',
  ],
  ['apps/v1', deployments, { namespace: 'shop' }, '/apis/apps/v1/namespaces/shop/deployments'],
  [
    'v1',
    { plural: 'configmaps', namespaced: true },
    { namespace: 'a', name: 'b' },
    '/api/v1/namespaces/a/configmaps/b',
  ],
  ['v1', namespaces, { name: 'shop' }, '/api/v1/namespaces/shop'],
  ['v1', namespaces, { namespace: 'ignored', name: 'shop' }, '/api/v1/namespaces/shop'],
  [
    'example.com/v1',
    { plural: 'widgets', namespaced: true },
    { namespace: 'n', name: 'w:1' },
    '/apis/example.com/v1/namespaces/n/widgets/w%3A1',
  ],
];
for (const [apiVersion, info, target, expected] of paths) {
  test(`resourcePath ${apiVersion} ${info.plural} ${JSON.stringify(target)} → ${expected}`, () =>
    assert.equal(resourcePath(apiVersion, info, target), expected));
}

test('a namespaced path without a namespace is a programming error', () => {
  assert.throws(() => resourcePath('apps/v1', deployments, { name: 'web' }), /needs a namespace/);
});

test('groupVersionPath', () => {
  assert.equal(groupVersionPath('v1'), '/api/v1');
  assert.equal(groupVersionPath('apps/v1'), '/apis/apps/v1');
});

test('notServed hints at a missing CRD only for dotted groups', () => {
  assert.equal(
    notServed('example.com/v1', 'Widget').message,
    'kind Widget in example.com/v1 is not served by the cluster (no CRD installed?)',
  );
  assert.equal(
    notServed('apps/v1', 'Deploymnet').message,
    'kind Deploymnet in apps/v1 is not served by the cluster',
  );
  assert.equal(notServed('apps/v1', 'X').code, 'validation_failed');
});

// A fake discovery endpoint over TLS on loopback, counting requests, whose example.com/v1 list
// gains Widget once `widgetServed` is set (as when a CRD becomes established).
const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgG7+3Foi/zgZMXWIK
ATn9xvH1X86QI+OliTiCYGv9bT6hRANCAARGIZ2V7R82oLsoubT4VWqMI8+x7Bxt
k56VDn9mepXZhPOUSYFMfmkOeK/A87dRclsD5nyPvw5hmC4bI6chmPS8
-----END PRIVATE KEY-----
`;
const cert = `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUJEm8Kd/rwcqsQ9cnRI+lEPyXkJMwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyODIzNTMyMFoYDzIxMjYxMTA0
MjM1MzIwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARGIZ2V7R82oLsoubT4VWqMI8+x7Bxtk56VDn9mepXZhPOUSYFMfmkO
eK/A87dRclsD5nyPvw5hmC4bI6chmPS8o2QwYjAdBgNVHQ4EFgQUwWprZnV1M6wn
XMTX6/TMKrhkJUYwHwYDVR0jBBgwFoAUwWprZnV1M6wnXMTX6/TMKrhkJUYwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IBv7vG3TtPG6OV9KQS6Hxr4OVY7ycnp2D8B8uBujKsrkAiBgQJHK54HO75SMkOU+
3eqtjasuQ5DpOZ84NbOp5DKtOg==
-----END CERTIFICATE-----
`;
const requests: string[] = [];
let widgetServed = false;
const server = createServer({ key, cert }, (request, response) => {
  requests.push(`${request.method} ${request.url}`);
  const lists: Record<string, unknown> = {
    '/apis/apps/v1': {
      resources: [
        { name: 'deployments', kind: 'Deployment', namespaced: true },
        { name: 'deployments/scale', kind: 'Scale', namespaced: true },
      ],
    },
    '/api/v1': { resources: [{ name: 'namespaces', kind: 'Namespace', namespaced: false }] },
    '/apis/example.com/v1': {
      resources: widgetServed ? [{ name: 'widgets', kind: 'Widget', namespaced: true }] : [],
    },
  };
  const list = lists[request.url ?? ''];
  response.writeHead(list ? 200 : 404, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify(list ?? { kind: 'Status', code: 404, message: 'the server could not find it' }),
  );
});
let apiUrl = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const connect = () => kubeConfigFromSettings({ api_url: apiUrl, ca_pem: cert, token: 'test' });

test('discovery is cached per connection and skips subresources', async () => {
  requests.length = 0;
  const kubeConfig = connect();
  const catalog = resourceCatalog(kubeConfig);
  assert.equal(resourceCatalog(kubeConfig), catalog);
  const [first, second] = await Promise.all([
    catalog.get('apps/v1', 'Deployment'),
    catalog.get('apps/v1', 'Deployment'),
  ]);
  assert.deepEqual(first, deployments);
  assert.deepEqual(second, deployments);
  assert.deepEqual(await catalog.get('v1', 'Namespace'), namespaces);
  assert.equal(await catalog.find('apps/v1', 'Scale'), undefined);
  // apps/v1 twice: the first discovery, then one refresh for the unknown Scale.
  assert.deepEqual(requests, ['GET /apis/apps/v1', 'GET /api/v1', 'GET /apis/apps/v1']);
});

test('a kind missing from the cache is looked up again once, shared by concurrent lookups', async () => {
  requests.length = 0;
  widgetServed = false;
  const catalog = resourceCatalog(connect());
  assert.equal(await catalog.find('example.com/v1', 'Widget'), undefined);
  await assert.rejects(catalog.get('example.com/v1', 'Widget'), (error: unknown) => {
    assert.ok(error instanceof GantryError);
    assert.equal(
      error.message,
      'kind Widget in example.com/v1 is not served by the cluster (no CRD installed?)',
    );
    return true;
  });
  widgetServed = true;
  const found = await Promise.all([1, 2, 3, 4].map(() => catalog.get('example.com/v1', 'Widget')));
  assert.deepEqual(found[3], { plural: 'widgets', namespaced: true });
  assert.deepEqual(requests, [
    'GET /apis/example.com/v1', // first find: discovery (404 → nothing served)
    'GET /apis/example.com/v1', // get: the cached list misses, refreshed once, still missing
    'GET /apis/example.com/v1', // four concurrent gets miss the cache and share one refresh
  ]);
});
