import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../src/domain/errors.ts';
import { DEPLOY_PERMISSIONS } from '../../src/targets/kubernetes/access-check.ts';
import { type ApplyResult, applyObjects } from '../../src/targets/kubernetes/applier.ts';
import { ensureNamespace } from '../../src/targets/kubernetes/ensure-namespace.ts';
import { kubeConfigFromSettings, kubeRequest } from '../../src/targets/kubernetes/kube-connection.ts';
import { isNotFound } from '../../src/targets/kubernetes/kube-errors.ts';
import { describeRef, type KubeObject } from '../../src/targets/kubernetes/kube-object.ts';
import {
  freshNamespace,
  type KubeRigClient,
  kubeRigSuiteOptions,
  serviceAccountToken,
  useKubeRig,
  waitForObject,
} from '../support/kube-rig.ts';

function appSet(namespace: string, overrides: { settings?: string; replicas?: number } = {}): KubeObject[][] {
  const labels = { app: 'web' };
  return [
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace },
        data: { mode: overrides.settings ?? 'a' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'credentials', namespace },
        stringData: { password: 'hunter2' },
      },
    ],
    [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace },
        spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace },
        spec: {
          replicas: overrides.replicas ?? 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'registry.rig.test/shop/web:1.0' }] },
          },
        },
      },
    ],
  ];
}

/** Runs an apply and collects what it reported, as `Kind ns/name result` lines in report order. */
async function applyAndReport(kubeConfig: KubeConfig, steps: KubeObject[][]) {
  const reported: string[] = [];
  const objects = await applyObjects({
    kubeConfig,
    steps,
    onProgress: (ref, result: ApplyResult) => reported.push(`${describeRef(ref)} ${result}`),
  });
  return { objects, reported: reported.sort() };
}

async function exists(kubeConfig: KubeConfig, path: string): Promise<boolean> {
  try {
    await kubeRequest(kubeConfig, { method: 'GET', path });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function rejection(promise: Promise<unknown>): Promise<GantryError> {
  const error = await promise.then(
    () => assert.fail('expected the apply to be refused'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof GantryError, `expected a GantryError, got ${String(error)}`);
  return error;
}

describe('applyObjects against the rig', kubeRigSuiteOptions(), () => {
  let rig: KubeRigClient;
  let kubeConfig: KubeConfig;

  before(async () => {
    rig = await useKubeRig();
    // The admin kubeconfig goes through the same checks as a target's.
    kubeConfig = kubeConfigFromSettings({ kubeconfig: readFileSync(rig.info.kubeconfigPath, 'utf8') });
  });

  test('applies a set in steps, then reports a re-apply as unchanged and a change as configured', async () => {
    const namespace = await freshNamespace(rig, 'apply');
    const first = await applyAndReport(kubeConfig, appSet(namespace));
    assert.deepEqual(first.reported, [
      `ConfigMap ${namespace}/settings created`,
      `Deployment ${namespace}/web created`,
      `Secret ${namespace}/credentials created`,
      `Service ${namespace}/web created`,
    ]);
    assert.deepEqual(
      first.objects.map((object) => `${object.kind} ${typeof object.metadata.uid}`),
      ['ConfigMap string', 'Secret string', 'Service string', 'Deployment string'],
    );
    const deployment = first.objects[3]!;
    assert.ok(
      ((deployment.metadata.managedFields ?? []) as { manager: string; operation: string }[]).some(
        (entry) => entry.manager === 'gantry' && entry.operation === 'Apply',
      ),
    );

    // Let the Deployment controller finish writing status, which changes the resourceVersion.
    await waitForObject(
      rig,
      { path: `/apis/apps/v1/namespaces/${namespace}/deployments`, name: 'web' },
      (object) => {
        const status = (object.status ?? {}) as { observedGeneration?: number; availableReplicas?: number };
        return status.observedGeneration === object.metadata.generation && status.availableReplicas === 1;
      },
    );
    const again = await applyAndReport(kubeConfig, appSet(namespace));
    assert.deepEqual(again.reported, [
      `ConfigMap ${namespace}/settings unchanged`,
      `Deployment ${namespace}/web unchanged`,
      `Secret ${namespace}/credentials unchanged`,
      `Service ${namespace}/web unchanged`,
    ]);

    const changed = await applyAndReport(kubeConfig, [appSet(namespace, { settings: 'b' })[0]!]);
    assert.deepEqual(changed.reported, [
      `ConfigMap ${namespace}/settings configured`,
      `Secret ${namespace}/credentials unchanged`,
    ]);
    const { body: settings } = await kubeRequest<KubeObject>(kubeConfig, {
      method: 'GET',
      path: `/api/v1/namespaces/${namespace}/configmaps/settings`,
    });
    assert.equal(changed.objects[0]?.metadata.resourceVersion, settings.metadata.resourceVersion);
    assert.deepEqual(settings.data, { mode: 'b' });
  });

  test('an object the API rejects fails the dry run, naming it, and nothing is applied', async () => {
    const namespace = await freshNamespace(rig, 'apply-rejected');
    const steps = appSet(namespace, { replicas: -1 });
    const error = await rejection(applyObjects({ kubeConfig, steps }));
    assert.equal(error.code, 'validation_failed');
    assert.match(
      error.message,
      new RegExp(`^cannot apply Deployment ${namespace}/web: the API server rejected it`),
    );
    assert.match(error.message, /spec\.replicas: Invalid value: -1/);
    assert.equal(await exists(kubeConfig, `/api/v1/namespaces/${namespace}/configmaps/settings`), false);
    assert.equal(await exists(kubeConfig, `/api/v1/namespaces/${namespace}/services/web`), false);
  });

  test('every rejected object is listed, a misspelt field among them', async () => {
    const namespace = await freshNamespace(rig, 'apply-rejected-many');
    const [config, workloads] = appSet(namespace, { replicas: -1 });
    const misspelt = { ...config![0]!, metadata: { name: 'typo', namespace }, dataa: { x: '1' } };
    const error = await rejection(applyObjects({ kubeConfig, steps: [[...config!, misspelt], workloads!] }));
    assert.match(error.message, /\(and 1 more rejected objects\)$/);
    assert.deepEqual(error.details.map((detail) => detail.path).sort(), [
      `ConfigMap ${namespace}/typo`,
      `Deployment ${namespace}/web`,
    ]);
    const typo = error.details.find((detail) => detail.path.endsWith('/typo'));
    assert.match(typo?.message ?? '', /dataa/);
    assert.equal(await exists(kubeConfig, `/api/v1/namespaces/${namespace}/configmaps/settings`), false);
  });

  test('an unknown kind is refused before anything changes', async () => {
    const namespace = await freshNamespace(rig, 'apply-unknown');
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace } };
    const error = await rejection(
      applyObjects({ kubeConfig, steps: [[...appSet(namespace)[0]!], [widget]] }),
    );
    assert.equal(
      error.message,
      'kind Widget in example.com/v1 is not served by the cluster (no CRD installed?)',
    );
    assert.equal(await exists(kubeConfig, `/api/v1/namespaces/${namespace}/configmaps/settings`), false);
  });

  test('a CRD and a custom resource of it in one set', async () => {
    const namespace = await freshNamespace(rig, 'apply-crd');
    const group = `t${randomBytes(4).toString('hex')}.example.com`;
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    };
    after(() =>
      kubeRequest(kubeConfig, {
        method: 'DELETE',
        path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`,
      }),
    );
    const widget = {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'w', namespace },
      spec: { size: 3 },
    };
    const { objects, reported } = await applyAndReport(kubeConfig, [[crd], [widget]]);
    assert.deepEqual(reported, [
      `CustomResourceDefinition widgets.${group} created`,
      `Widget ${namespace}/w created`,
    ]);
    const { body: live } = await kubeRequest<KubeObject>(kubeConfig, {
      method: 'GET',
      path: `/apis/${group}/v1/namespaces/${namespace}/widgets/w`,
    });
    assert.equal(objects[1]?.metadata.uid, live.metadata.uid);
    assert.deepEqual(live.spec, { size: 3 });
    const again = await applyAndReport(kubeConfig, [[crd], [widget]]);
    assert.deepEqual(again.reported, [
      `CustomResourceDefinition widgets.${group} unchanged`,
      `Widget ${namespace}/w unchanged`,
    ]);
  });

  test('a missing namespace is created, labelled as Gantry’s; the dry-run mode applies nothing else', async () => {
    const namespace = `apply-new-${randomBytes(3).toString('hex')}`;
    after(() => kubeRequest(kubeConfig, { method: 'DELETE', path: `/api/v1/namespaces/${namespace}` }));
    const objects = await applyObjects({ kubeConfig, steps: appSet(namespace), dryRun: true });
    assert.deepEqual(
      objects.map((object) => object.kind),
      ['ConfigMap', 'Secret', 'Service', 'Deployment'],
    );
    const { body } = await kubeRequest<KubeObject>(kubeConfig, {
      method: 'GET',
      path: `/api/v1/namespaces/${namespace}`,
    });
    assert.equal(body.metadata.labels?.['app.kubernetes.io/managed-by'], 'gantry');
    assert.equal(await exists(kubeConfig, `/api/v1/namespaces/${namespace}/configmaps/settings`), false);
    assert.equal(await exists(kubeConfig, `/apis/apps/v1/namespaces/${namespace}/deployments/web`), false);
  });

  test('a namespaced object without a namespace, or the same object twice, is refused', async () => {
    const orphan = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphan' } };
    const noNamespace = await rejection(applyObjects({ kubeConfig, steps: [[orphan]] }));
    assert.equal(noNamespace.message, 'ConfigMap orphan: a ConfigMap lives in a namespace, and none is set');
    const twice = { ...orphan, metadata: { name: 'twice', namespace: 'default' } };
    const duplicate = await rejection(applyObjects({ kubeConfig, steps: [[twice], [twice]] }));
    assert.equal(duplicate.message, 'ConfigMap default/twice appears twice');
  });

  test('a token bound to one namespace deploys there without reading or creating namespaces', async () => {
    const namespace = await freshNamespace(rig, 'apply-scoped');
    const account = await serviceAccountToken(rig, { namespace, name: 'deployer' });
    // Exactly what the access check asks for; unlike the built-in `edit` role, not even `get` on
    // its own namespace.
    await rig.rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'deployer' },
        rules: DEPLOY_PERMISSIONS.map(({ group, resource, verbs }) => ({
          apiGroups: [group],
          resources: [resource],
          verbs,
        })),
      },
    });
    await rig.rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'deployer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace }],
      },
    });
    const scoped = kubeConfigFromSettings({ kubeconfig: account.kubeconfig });
    assert.equal(await ensureNamespace(scoped, namespace), 'unverified');
    const { reported } = await applyAndReport(scoped, appSet(namespace));
    assert.equal(reported.length, 4);
    assert.ok(reported.every((line) => line.endsWith(' created')));
  });

  test('a canceled apply throws the reason and changes nothing', async () => {
    const namespace = `apply-canceled-${randomBytes(3).toString('hex')}`;
    const controller = new AbortController();
    controller.abort(new Error('deployment canceled'));
    await assert.rejects(applyObjects({ kubeConfig, steps: appSet(namespace), signal: controller.signal }), {
      message: 'deployment canceled',
    });
    assert.equal(await exists(kubeConfig, `/api/v1/namespaces/${namespace}`), false);
  });

  test('an existing namespace is left as it is', async () => {
    const namespace = await freshNamespace(rig, 'apply-existing');
    assert.equal(await ensureNamespace(kubeConfig, namespace), 'existing');
    const { body } = await kubeRequest<KubeObject>(kubeConfig, {
      method: 'GET',
      path: `/api/v1/namespaces/${namespace}`,
    });
    assert.equal(body.metadata.labels?.['app.kubernetes.io/managed-by'], undefined);
  });
});
