import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import { lackingPermission, operationFailure } from './operation-errors.ts';

const options = {
  what: 'read the log of web-a/web',
  permission: { verbs: ['get'], resource: 'pods/log' },
  namespace: 'shop',
  server: 'https://127.0.0.1:6443',
};

const status = (code: number, message: string) =>
  new ApiException(code, 'Unsuccessful HTTP Request', JSON.stringify({ kind: 'Status', message, code }), {});

const refused = (code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

// [case, error, Gantry code, message]
const cases: Array<[string, unknown, string, RegExp]> = [
  [
    'forbidden names the permission to grant',
    status(
      403,
      'pods "web-a" is forbidden: User "system:serviceaccount:shop:gantry" cannot get resource "pods/log"',
    ),
    'unavailable',
    /^cannot read the log of web-a\/web: the Kubernetes target's credentials may not get pods\/log in namespace shop \(403 Forbidden\); grant them "get" on "pods\/log" \(docs\/kubernetes\.md, "Logs, shell and resource use"\)\. The API server said: pods "web-a" is forbidden: User "system:serviceaccount:shop:gantry"/,
  ],
  [
    'a 403 without the usual words names the last permission needed',
    status(403, 'pods "web-a" is forbidden: '),
    'unavailable',
    /^cannot read the log of web-a\/web: the Kubernetes target's credentials may not get pods\/log in namespace shop \(403 Forbidden\);.* The API server said: pods "web-a" is forbidden$/,
  ],
  [
    'rejected credentials',
    status(401, 'Unauthorized'),
    'unavailable',
    /refused the credentials \(401 Unauthorized\)/,
  ],
  [
    'unknown pod',
    status(404, 'pods "web-a" not found'),
    'not_found',
    /^cannot read the log of web-a\/web: not found \(404 Not Found\): pods "web-a" not found$/,
  ],
  [
    'container not started',
    status(400, 'container "web" in pod "web-a" is waiting to start: ContainerCreating'),
    'conflict',
    /is waiting to start: ContainerCreating$/,
  ],
  [
    'unreachable names the server',
    refused('ECONNREFUSED'),
    'unavailable',
    /^cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:6443: connection refused$/,
  ],
  [
    'an API server failure',
    status(500, 'etcd is down'),
    'unavailable',
    /the API server failed \(500 Internal Server Error\): etcd is down/,
  ],
];
for (const [name, error, code, message] of cases) {
  test(`operation failure: ${name}`, () => {
    const failure = operationFailure(error, options);
    assert.equal(failure.code, code);
    assert.match(failure.message, message);
  });
}

test('a GantryError passes through', () => {
  const original = new GantryError('not_found', 'pod web-a is not one of the environment pods');
  assert.equal(operationFailure(original, options), original);
});

// [message of a 403, the permission it says was refused]
const refusals: Array<[string, ReturnType<typeof lackingPermission>]> = [
  [
    'pods "web-a" is forbidden: User "system:serviceaccount:shop:ops" cannot get resource "pods/exec" in API group "" in the namespace "shop"',
    { verb: 'get', resource: 'pods/exec' },
  ],
  [
    'pods.metrics.k8s.io is forbidden: User "x" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "shop"',
    { verb: 'list', resource: 'pods.metrics.k8s.io' },
  ],
  ['pods "web-a" is forbidden: ', undefined],
];
for (const [message, lacking] of refusals) {
  test(`refused permission in: ${message.slice(0, 60)}…`, () =>
    assert.deepEqual(lackingPermission(message), lacking));
}
