import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../src/domain/errors.ts';
import {
  type AccessCheckOptions,
  checkClusterAccess,
  DEPLOY_PERMISSIONS,
} from '../../src/targets/kubernetes/access-check.ts';
import { kubeConfigFromSettings } from '../../src/targets/kubernetes/kube-connection.ts';
import {
  freshNamespace,
  type KubeRigClient,
  kubeRigSuiteOptions,
  serviceAccountToken,
  useKubeRig,
} from '../support/kube-rig.ts';

/** A self-signed CA that signed nothing the rig serves. */
const strangerCa = `-----BEGIN CERTIFICATE-----
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

async function refusal(kubeConfig: KubeConfig, options: AccessCheckOptions): Promise<string> {
  const error = await checkClusterAccess(kubeConfig, options).then(
    () => assert.fail('expected the access check to fail'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof GantryError, `expected a GantryError, got ${String(error)}`);
  assert.equal(error.code, 'validation_failed');
  return error.message;
}

async function closedLoopbackPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('checkClusterAccess against the rig', kubeRigSuiteOptions(), () => {
  let rig: KubeRigClient;
  let admin: KubeConfig;

  before(async () => {
    rig = await useKubeRig();
    admin = kubeConfigFromSettings({ kubeconfig: readFileSync(rig.info.kubeconfigPath, 'utf8') });
  });

  /** A token whose ServiceAccount may do what `rules` allow in its namespace, and nothing else. */
  async function tokenWithRole(
    namespace: string,
    rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[],
  ) {
    const name = `deployer-${randomBytes(3).toString('hex')}`;
    const account = await serviceAccountToken(rig, { namespace, name });
    await rig.rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
    await rig.rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    });
    return kubeConfigFromSettings({ api_url: rig.info.server, ca_pem: rig.info.caPem, token: account.token });
  }

  const deployRules = () =>
    DEPLOY_PERMISSIONS.map(({ group, resource, verbs }) => ({
      apiGroups: [group],
      resources: [resource],
      verbs,
    }));

  test('the admin passes, in one namespace and for all of them, and learns the version', async () => {
    const namespace = await freshNamespace(rig, 'access-admin');
    assert.deepEqual(await checkClusterAccess(admin, { namespace }), {
      serverVersion: rig.info.versions.kubernetes,
    });
    assert.deepEqual(await checkClusterAccess(admin, {}), { serverVersion: rig.info.versions.kubernetes });
    // A namespace that does not exist yet is fine for credentials that may create it.
    await checkClusterAccess(admin, { namespace: `not-yet-${randomBytes(3).toString('hex')}` });
  });

  test('an unreachable API (a closed loopback port)', async () => {
    const url = `https://127.0.0.1:${await closedLoopbackPort()}`;
    const kubeConfig = kubeConfigFromSettings({ api_url: url, ca_pem: rig.info.caPem, token: 'any' });
    assert.equal(
      await refusal(kubeConfig, { namespace: 'shop' }),
      `cannot reach the Kubernetes API at ${url}: connection refused`,
    );
  });

  test('a CA that did not sign the server’s certificate', async () => {
    const kubeConfig = kubeConfigFromSettings({ api_url: rig.info.server, ca_pem: strangerCa, token: 'any' });
    const message = await refusal(kubeConfig, { namespace: 'shop' });
    assert.match(
      message,
      new RegExp(
        `^TLS connection to the Kubernetes API at ${rig.info.server} failed: the server's certificate is not signed by the configured CA`,
      ),
    );
  });

  test('a revoked token: its ServiceAccount deleted', async () => {
    const namespace = await freshNamespace(rig, 'access-revoked');
    const account = await serviceAccountToken(rig, {
      namespace,
      name: 'revoked',
      clusterRole: 'cluster-admin',
    });
    const kubeConfig = kubeConfigFromSettings({
      api_url: rig.info.server,
      ca_pem: rig.info.caPem,
      token: account.token,
    });
    await checkClusterAccess(kubeConfig, { namespace });
    await account.revoke();
    // The API server may accept the token for a moment after the deletion.
    let message = '';
    for (let attempt = 0; attempt < 300 && message === ''; attempt += 1) {
      message = await checkClusterAccess(kubeConfig, { namespace }).then(
        () => '',
        (error: Error) => error.message,
      );
      if (message === '') await sleep(200);
    }
    assert.equal(
      message,
      'the cluster refused the credentials (401 Unauthorized): the token or certificate is invalid or revoked',
    );
  });

  test('a token without any RBAC names the first permission it lacks', async () => {
    const namespace = await freshNamespace(rig, 'access-nothing');
    const account = await serviceAccountToken(rig, { namespace, name: 'nobody' });
    const kubeConfig = kubeConfigFromSettings({ kubeconfig: account.kubeconfig });
    assert.equal(
      await refusal(kubeConfig, { namespace }),
      `the token may not get deployments in namespace ${namespace}`,
    );
    assert.match(
      await refusal(kubeConfig, {}),
      /^the token may not create namespaces, which a target for many environments needs/,
    );
  });

  test('a token bound to its namespace by a Role with the deploy permissions passes there', async () => {
    const namespace = await freshNamespace(rig, 'access-scoped');
    const kubeConfig = await tokenWithRole(namespace, deployRules());
    assert.deepEqual(await checkClusterAccess(kubeConfig, { namespace }), {
      serverVersion: rig.info.versions.kubernetes,
    });
    const other = await freshNamespace(rig, 'access-other');
    assert.equal(
      await refusal(kubeConfig, { namespace: other }),
      `the token may not get deployments in namespace ${other}`,
    );
  });

  test('one missing verb is named', async () => {
    const namespace = await freshNamespace(rig, 'access-partial');
    const rules = deployRules().map((rule) =>
      rule.resources[0] === 'deployments'
        ? { ...rule, verbs: rule.verbs.filter((verb) => verb !== 'patch') }
        : rule,
    );
    const kubeConfig = await tokenWithRole(namespace, rules);
    assert.equal(
      await refusal(kubeConfig, { namespace }),
      `the token may not patch deployments in namespace ${namespace}`,
    );
  });

  test('a namespace that does not exist, for credentials that may not create one', async () => {
    const home = await freshNamespace(rig, 'access-viewer');
    const account = await serviceAccountToken(rig, { namespace: home, name: 'viewer', clusterRole: 'view' });
    const kubeConfig = kubeConfigFromSettings({ kubeconfig: account.kubeconfig });
    const missing = `missing-${randomBytes(3).toString('hex')}`;
    assert.equal(
      await refusal(kubeConfig, { namespace: missing }),
      `namespace ${missing} does not exist and the token may not create namespaces: create it, or use credentials that may`,
    );
  });

  test('a bad kubeconfig is refused before any connection, saying what is wrong', () => {
    const text = readFileSync(rig.info.kubeconfigPath, 'utf8').replace(
      /current-context: .*/,
      'current-context: elsewhere',
    );
    assert.throws(
      () => kubeConfigFromSettings({ kubeconfig: text }),
      (error: unknown) =>
        error instanceof GantryError &&
        error.message === 'kubeconfig: current-context "elsewhere" names no entry in contexts',
    );
  });
});
