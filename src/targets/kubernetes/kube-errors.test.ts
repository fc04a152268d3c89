import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import { kubeConfigFromSettings, kubeRequest } from './kube-connection.ts';
import { classifyKubeError, describeKubeError, isNotFound, kubeFailure } from './kube-errors.ts';

const server = 'https://127.0.0.1:1234';

function status(code: number, message: string, reason = ''): ApiException<string> {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
  return new ApiException(code, 'Unsuccessful HTTP Request', body, {});
}

/** What undici's fetch throws: a TypeError whose cause is the socket or TLS error. */
function fetchFailed(code: string, message = code, extra: Record<string, unknown> = {}): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code, ...extra }) });
}

const timeout = (): Error =>
  Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

// [case, error, what, expected message, expected Gantry code]
const cases: Array<[string, unknown, string, string, string]> = [
  [
    'connection refused',
    fetchFailed('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1234'),
    'read the server version',
    'cannot reach the Kubernetes API at https://127.0.0.1:1234: connection refused',
    'unavailable',
  ],
  [
    'unknown host',
    fetchFailed('ENOTFOUND', 'getaddrinfo ENOTFOUND kube.invalid'),
    'read the server version',
    'cannot reach the Kubernetes API at https://127.0.0.1:1234: host name not found',
    'unavailable',
  ],
  [
    'connection reset',
    fetchFailed('ECONNRESET'),
    'apply ConfigMap shop/settings',
    'cannot reach the Kubernetes API at https://127.0.0.1:1234: connection reset',
    'unavailable',
  ],
  [
    'TLS: unknown CA',
    fetchFailed('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
    'read the server version',
    "TLS connection to the Kubernetes API at https://127.0.0.1:1234 failed: the server's certificate is not signed by the configured CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
    'unavailable',
  ],
  [
    'TLS: wrong host name',
    fetchFailed('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames", {
      reason: "IP: 127.0.0.2 is not in the cert's list: ",
    }),
    'read the server version',
    "TLS connection to the Kubernetes API at https://127.0.0.1:1234 failed: the server's certificate does not name this host (IP: 127.0.0.2 is not in the cert's list)",
    'unavailable',
  ],
  [
    'TLS: plain HTTP server',
    fetchFailed('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'),
    'read the server version',
    'TLS connection to the Kubernetes API at https://127.0.0.1:1234 failed: the server does not speak TLS at this address (plain HTTP?) (ERR_SSL_WRONG_VERSION_NUMBER)',
    'unavailable',
  ],
  [
    'request timeout (abort signal)',
    timeout(),
    'apply Deployment shop/web',
    'cannot apply Deployment shop/web: the Kubernetes API at https://127.0.0.1:1234 did not answer in time',
    'unavailable',
  ],
  [
    'connect timeout (undici)',
    fetchFailed('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'),
    'read the server version',
    'cannot read the server version: the Kubernetes API at https://127.0.0.1:1234 did not answer in time',
    'unavailable',
  ],
  [
    '401',
    status(401, 'Unauthorized', 'Unauthorized'),
    'read the server version',
    'the cluster refused the credentials (401 Unauthorized): the token or certificate is invalid or revoked',
    'validation_failed',
  ],
  [
    '403 names verb and resource',
    status(
      403,
      'deployments.apps "web" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "shop"',
      'Forbidden',
    ),
    'apply Deployment shop/web',
    'cannot apply Deployment shop/web: forbidden (403 Forbidden): deployments.apps "web" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "shop"',
    'validation_failed',
  ],
  [
    '404',
    status(404, 'namespaces "shop" not found', 'NotFound'),
    'apply Deployment shop/web',
    'cannot apply Deployment shop/web: not found (404 Not Found): namespaces "shop" not found',
    'not_found',
  ],
  [
    '409',
    status(
      409,
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified',
      'Conflict',
    ),
    'apply Deployment shop/web',
    'cannot apply Deployment shop/web: conflict (409 Conflict): Operation cannot be fulfilled on deployments.apps "web": the object has been modified',
    'conflict',
  ],
  [
    '422 carries the validation message',
    status(
      422,
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'Invalid',
    ),
    'apply Deployment shop/web',
    'cannot apply Deployment shop/web: the API server rejected it (422 Invalid): Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'validation_failed',
  ],
  [
    '400 strict decoding',
    status(400, 'strict decoding error: unknown field "spec.replicass"', 'BadRequest'),
    'apply Deployment shop/web',
    'cannot apply Deployment shop/web: the API server rejected it (400 Bad Request): strict decoding error: unknown field "spec.replicass"',
    'validation_failed',
  ],
  [
    'server-side apply of an unknown field (answered 500)',
    status(
      500,
      'failed to create typed patch object (shop/web; apps/v1, Kind=Deployment): .spec.replicass: field not declared in schema',
    ),
    'apply Deployment shop/web',
    'cannot apply Deployment shop/web: the API server rejected it (500 Internal Server Error): failed to create typed patch object (shop/web; apps/v1, Kind=Deployment): .spec.replicass: field not declared in schema',
    'validation_failed',
  ],
  [
    '500',
    status(500, 'etcdserver: request timed out'),
    'delete ConfigMap shop/old',
    'cannot delete ConfigMap shop/old: the API server failed (500 Internal Server Error): etcdserver: request timed out',
    'unavailable',
  ],
  [
    '504 from the API',
    status(504, 'Timeout: request did not complete within 60s', 'Timeout'),
    'apply Job shop/migrate',
    'cannot apply Job shop/migrate: the API server timed out (504 Timeout): Timeout: request did not complete within 60s',
    'unavailable',
  ],
  [
    'a body that is not JSON',
    new ApiException(502, 'Unsuccessful HTTP Request', 'Bad Gateway', {}),
    'read the server version',
    'cannot read the server version: the API server failed (502): Bad Gateway',
    'unavailable',
  ],
  [
    'anything else',
    new Error('socket hang up'),
    'read the server version',
    'cannot read the server version: socket hang up',
    'internal',
  ],
];

for (const [name, error, what, message, code] of cases) {
  test(`describeKubeError: ${name}`, () => {
    assert.equal(describeKubeError(error, what, server), message);
    const failure = kubeFailure(error, what, server);
    assert.equal(failure.message, message);
    assert.equal(failure.code, code);
  });
}

test('a GantryError passes through unchanged', () => {
  const error = new GantryError(
    'validation_failed',
    'kind Widget in example.com/v1 is not served by the cluster',
  );
  assert.equal(describeKubeError(error, 'apply Widget shop/w', server), error.message);
  assert.equal(kubeFailure(error, 'apply Widget shop/w', server), error);
});

test('without a server URL the message still reads', () => {
  assert.equal(
    describeKubeError(fetchFailed('ECONNREFUSED'), 'read the server version'),
    'cannot reach the Kubernetes API: connection refused',
  );
});

test('isNotFound is true only for a 404 answer', () => {
  assert.equal(isNotFound(status(404, 'not found')), true);
  assert.equal(isNotFound(status(403, 'forbidden')), false);
  assert.equal(isNotFound(fetchFailed('ECONNREFUSED')), false);
});

test('a real refused connection on a closed loopback port is classified as unreachable', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const url = `https://127.0.0.1:${port}`;
  const kubeConfig = kubeConfigFromSettings({ api_url: url, token: 'abc' });
  const error = await kubeRequest(kubeConfig, { method: 'GET', path: '/version' }).then(
    () => assert.fail('expected the request to fail'),
    (caught: unknown) => caught,
  );
  assert.equal(classifyKubeError(error).kind, 'unreachable');
  assert.equal(
    describeKubeError(error, 'read the server version', url),
    `cannot reach the Kubernetes API at ${url}: connection refused`,
  );
});
