import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import {
  credentialsNoun,
  type KubeConnectionSettings,
  kubeConfigFromSettings,
  throttledFor,
} from './kube-connection.ts';

/** A throw-away self-signed certificate: only its shape matters here. */
const caPem = `-----BEGIN CERTIFICATE-----
MIIBiTCCAS+gAwIBAgIUAkrBOgojfy5zrPOWOrdnT+IKbQIwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOZ2FudHJ5LXRlc3QtY2EwIBcNMjYxMTI4MjM1MjUwWhgPMjEy
NjExMDQyMzUyNTBaMBkxFzAVBgNVBAMMDmdhbnRyeS10ZXN0LWNhMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEgT95znTgJmf6Vz+UXhgkYa40y1MK7g65UVB6lUzC
lrmgBhy7hKcvgr9uL+COubwdAOLnN+1IPgFK7QpE4nhWdKNTMFEwHQYDVR0OBBYE
FOz2rzO8hOvozaVhJqMRoFSuCfD1MB8GA1UdIwQYMBaAFOz2rzO8hOvozaVhJqMR
oFSuCfD1MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAJzAoigG
7k8j7afE7932n61nBVNvjLSQaecf387nr6H9AiBrT5M19BbS+j+bTyDh3Dk8tLCO
+lV7q19Mizia9tuSMw==
-----END CERTIFICATE-----
`;
const caData = Buffer.from(caPem).toString('base64');

/** A kubeconfig with one context; `cluster` and `user` lines replace the defaults. */
function kubeconfig(
  options: { cluster?: string; user?: string; current?: string; extra?: string } = {},
): string {
  return `apiVersion: v1
kind: Config
current-context: ${options.current ?? 'ci'}
contexts:
  - name: ci
    context: { cluster: rig, user: deployer, namespace: shop }
clusters:
  - name: rig
    cluster:
${options.cluster ?? `      server: https://127.0.0.1:6443\n      certificate-authority-data: ${caData}`}
users:
  - name: deployer
    user:
${options.user ?? '      token: abc.def'}
${options.extra ?? ''}`;
}

test('a kubeconfig with inline data keeps only its current context', () => {
  const kubeConfig = kubeConfigFromSettings({
    kubeconfig: `${kubeconfig()}\n`.replace(
      'clusters:\n',
      'clusters:\n  - name: other\n    cluster: { server: "https://10.0.0.1", certificate-authority: /etc/ca.pem }\n',
    ),
  });
  assert.equal(kubeConfig.getCurrentContext(), 'ci');
  assert.deepEqual(
    kubeConfig.getClusters().map((cluster) => cluster.name),
    ['rig'],
  );
  const cluster = kubeConfig.getCurrentCluster();
  assert.equal(cluster?.server, 'https://127.0.0.1:6443');
  assert.equal(cluster?.caData, caData);
  assert.equal(cluster?.skipTLSVerify, false);
  assert.equal(kubeConfig.getCurrentUser()?.token, 'abc.def');
  assert.equal(kubeConfig.getContextObject('ci')?.namespace, 'shop');
  assert.equal(credentialsNoun(kubeConfig), 'the token');
});

test('a kubeconfig with a client certificate', () => {
  const kubeConfig = kubeConfigFromSettings({
    kubeconfig: kubeconfig({
      user: `      client-certificate-data: ${caData}\n      client-key-data: ${Buffer.from('key').toString('base64')}`,
    }),
  });
  assert.equal(kubeConfig.getCurrentUser()?.certData, caData);
  assert.equal(credentialsNoun(kubeConfig), 'the client certificate');
});

test('a kubeconfig in JSON is read too', () => {
  const json = JSON.stringify({
    'current-context': 'c',
    contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
    clusters: [
      { name: 'k', cluster: { server: 'https://127.0.0.1:6443/', 'insecure-skip-tls-verify': true } },
    ],
    users: [{ name: 'u', user: { token: 't' } }],
  });
  const cluster = kubeConfigFromSettings({ kubeconfig: json }).getCurrentCluster();
  assert.equal(cluster?.server, 'https://127.0.0.1:6443');
  assert.equal(cluster?.skipTLSVerify, true);
});

// [case, kubeconfig text, a fragment of the message]
const badKubeconfigs: Array<[string, string, string]> = [
  ['not YAML', 'clusters: [unclosed', 'kubeconfig: not valid YAML'],
  ['a scalar', 'just text', 'kubeconfig: expected a YAML mapping'],
  ['no current-context', kubeconfig().replace('current-context: ci\n', ''), 'kubeconfig: no current-context'],
  [
    'current-context missing',
    kubeconfig({ current: 'prod' }),
    'current-context "prod" names no entry in contexts',
  ],
  [
    'context names a missing cluster',
    kubeconfig().replace('cluster: rig, user', 'cluster: gone, user'),
    'context "ci" names cluster "gone", which is not in clusters',
  ],
  [
    'context names a missing user',
    kubeconfig().replace('user: deployer, namespace', 'user: nobody, namespace'),
    'context "ci" names user "nobody", which is not in users',
  ],
  [
    'contexts is not a list',
    kubeconfig().replace(/contexts:\n.*\n.*\n/, 'contexts: 3\n'),
    'contexts must be a list',
  ],
  [
    'cluster without server',
    kubeconfig({ cluster: '      insecure-skip-tls-verify: true' }),
    'must be an https:// URL',
  ],
  [
    'plain http server',
    kubeconfig({ cluster: '      server: http://127.0.0.1:8080' }),
    'cluster "rig" server must be an https:// URL (the API is only reached over TLS), got "http://127.0.0.1:8080"',
  ],
  [
    'certificate-authority file',
    kubeconfig({
      cluster: '      server: https://127.0.0.1:6443\n      certificate-authority: /etc/kubernetes/ca.crt',
    }),
    'cluster "rig" certificate-authority: it names a local file; paste the certificate as certificate-authority-data',
  ],
  [
    'proxy-url',
    kubeconfig({ cluster: '      server: https://127.0.0.1:6443\n      proxy-url: socks5://127.0.0.1:1080' }),
    'cluster "rig" proxy-url',
  ],
  [
    'certificate-authority-data that is not a certificate',
    kubeconfig({
      cluster: '      server: https://127.0.0.1:6443\n      certificate-authority-data: bm90IGEgY2VydA==',
    }),
    'cluster "rig" certificate-authority-data is not base64 of a PEM certificate',
  ],
  [
    'client-certificate file',
    kubeconfig({
      user: '      client-certificate: /home/me/.kube/me.crt\n      client-key: /home/me/.kube/me.key',
    }),
    'user "deployer" client-certificate: it names a local file',
  ],
  [
    'token-file',
    kubeconfig({ user: '      token-file: /var/run/secrets/token' }),
    'user "deployer" token-file',
  ],
  ['tokenFile', kubeconfig({ user: '      tokenFile: /var/run/secrets/token' }), 'user "deployer" tokenFile'],
  [
    'exec plugin',
    kubeconfig({ user: '      exec: { apiVersion: client.authentication.k8s.io/v1, command: aws }' }),
    'user "deployer" exec: it runs a local command (an exec credential plugin)',
  ],
  [
    'auth-provider plugin',
    kubeconfig({ user: '      auth-provider: { name: oidc, config: { tokenFile: /etc/token } }' }),
    'user "deployer" auth-provider: it uses an auth-provider plugin',
  ],
  [
    'certificate without key',
    kubeconfig({ user: `      client-certificate-data: ${caData}` }),
    'needs both client-certificate-data and client-key-data',
  ],
];

for (const [name, text, fragment] of badKubeconfigs) {
  test(`a bad kubeconfig is refused: ${name}`, () => {
    assert.throws(
      () => kubeConfigFromSettings({ kubeconfig: text }),
      (error: unknown) => {
        assert.ok(error instanceof GantryError);
        assert.equal(error.code, 'validation_failed');
        assert.ok(error.message.includes(fragment), `"${error.message}" should include "${fragment}"`);
        assert.deepEqual(
          error.details.map((detail) => detail.path),
          ['/kubeconfig'],
        );
        return true;
      },
    );
  });
}

test('API URL and token, with a CA', () => {
  const kubeConfig = kubeConfigFromSettings({
    api_url: 'https://127.0.0.1:6443/',
    ca_pem: caPem,
    token: ' tok ',
  });
  const cluster = kubeConfig.getCurrentCluster();
  assert.equal(cluster?.server, 'https://127.0.0.1:6443');
  assert.equal(cluster?.caData, caData);
  assert.equal(cluster?.skipTLSVerify, false);
  assert.equal(kubeConfig.getCurrentUser()?.token, 'tok');
});

test('API URL and token, skipping TLS verification', () => {
  const cluster = kubeConfigFromSettings({
    api_url: 'https://127.0.0.1:6443',
    token: 'tok',
    insecure_skip_tls_verify: true,
  }).getCurrentCluster();
  assert.equal(cluster?.skipTLSVerify, true);
  assert.equal(cluster?.caData, undefined);
});

// [case, settings, field, a fragment of the message]
const badTokenSettings: Array<[string, KubeConnectionSettings, string, string]> = [
  [
    'http URL',
    { api_url: 'http://127.0.0.1:8080', token: 't' },
    '/api_url',
    'api_url must be an https:// URL',
  ],
  ['not a URL', { api_url: 'kube.example.com', token: 't' }, '/api_url', 'api_url must be an https:// URL'],
  [
    'empty token',
    { api_url: 'https://127.0.0.1:6443', token: '  ' },
    '/token',
    'token must be a bearer token',
  ],
  [
    'token with a space',
    { api_url: 'https://127.0.0.1:6443', token: 'a b' },
    '/token',
    'token must be a bearer',
  ],
  [
    'CA that is not PEM',
    { api_url: 'https://127.0.0.1:6443', token: 't', ca_pem: 'hello' },
    '/ca_pem',
    'ca_pem is not a PEM certificate',
  ],
];

for (const [name, settings, path, fragment] of badTokenSettings) {
  test(`bad API URL settings are refused: ${name}`, () => {
    assert.throws(
      () => kubeConfigFromSettings(settings),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'validation_failed' &&
        error.message.includes(fragment) &&
        error.details[0]?.path === path,
    );
  });
}

test('a throttled request (429) waits for its Retry-After, at most 5 s; other errors are not retried', () => {
  const cases: Array<[unknown, number | undefined]> = [
    [new ApiException(429, 'Too Many Requests', '', { 'retry-after': '2' }), 2000],
    [new ApiException(429, 'Too Many Requests', '', { 'retry-after': '120' }), 5000],
    [new ApiException(429, 'Too Many Requests', '', {}), 1000],
    [new ApiException(500, 'Internal Server Error', '', { 'retry-after': '1' }), undefined],
    [new ApiException(409, 'Conflict', '', {}), undefined],
    [new Error('connect ECONNREFUSED'), undefined],
  ];
  for (const [error, wait] of cases) assert.equal(throttledFor(error), wait, String(error));
});
