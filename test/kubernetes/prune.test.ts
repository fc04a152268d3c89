import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../src/domain/errors.ts';
import { applyObjects } from '../../src/targets/kubernetes/applier.ts';
import { kubeConfigFromSettings, kubeRequest } from '../../src/targets/kubernetes/kube-connection.ts';
import {
  describeRef,
  type KubeObject,
  type ObjectRef,
  refOf,
} from '../../src/targets/kubernetes/kube-object.ts';
import { type DeleteResult, deleteObjects, refsToPrune } from '../../src/targets/kubernetes/prune.ts';
import {
  freshNamespace,
  type KubeRigClient,
  kubeRigSuiteOptions,
  serviceAccountToken,
  useKubeRig,
} from '../support/kube-rig.ts';

const configMap = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { name },
});

function deployment(namespace: string): KubeObject {
  const labels = { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'web', image: 'registry.rig.test/web:1' }] },
      },
    },
  };
}

/** Whether the object is still there and not being deleted. */
async function live(
  kubeConfig: KubeConfig,
  namespace: string,
  kind: 'configmaps' | 'deployments',
  name: string,
) {
  const group = kind === 'deployments' ? '/apis/apps/v1' : '/api/v1';
  try {
    const { body } = await kubeRequest<KubeObject>(kubeConfig, {
      method: 'GET',
      path: `${group}/namespaces/${namespace}/${kind}/${name}`,
    });
    return body.metadata.deletionTimestamp === undefined;
  } catch {
    return false;
  }
}

describe('prune and stop against the rig', kubeRigSuiteOptions(), () => {
  let rig: KubeRigClient;
  let kubeConfig: KubeConfig;

  before(async () => {
    rig = await useKubeRig();
    kubeConfig = kubeConfigFromSettings({ kubeconfig: readFileSync(rig.info.kubeconfigPath, 'utf8') });
  });

  test('prune deletes exactly the objects the new set dropped', async () => {
    const namespace = await freshNamespace(rig, 'prune');
    const previous = [configMap(namespace, 'kept'), configMap(namespace, 'dropped'), deployment(namespace)];
    await applyObjects({ kubeConfig, steps: [previous.slice(0, 2), previous.slice(2)] });
    const next = [configMap(namespace, 'kept'), deployment(namespace)];
    await applyObjects({ kubeConfig, steps: [next.slice(0, 1), next.slice(1)] });

    const stale = refsToPrune(previous.map(refOf), next.map(refOf));
    const reported: string[] = [];
    await deleteObjects(kubeConfig, stale, {
      onProgress: (ref, result: DeleteResult) => reported.push(`${describeRef(ref)} ${result}`),
    });
    assert.deepEqual(reported, [`ConfigMap ${namespace}/dropped deleted`]);
    assert.equal(await live(kubeConfig, namespace, 'configmaps', 'dropped'), false);
    assert.equal(await live(kubeConfig, namespace, 'configmaps', 'kept'), true);
    assert.equal(await live(kubeConfig, namespace, 'deployments', 'web'), true);
  });

  test('stop deletes the whole inventory; objects already gone and kinds no longer served count as absent', async () => {
    const namespace = await freshNamespace(rig, 'stop');
    const objects = [configMap(namespace, 'settings'), deployment(namespace)];
    await applyObjects({ kubeConfig, steps: [objects] });
    const inventory: ObjectRef[] = [
      refOf(objects[1]!),
      refOf(objects[0]!),
      { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'never-applied' },
      { apiVersion: 'gone.example.com/v1', kind: 'Widget', namespace, name: 'w' },
    ];
    const reported: string[] = [];
    await deleteObjects(kubeConfig, inventory, {
      onProgress: (ref, result) => reported.push(`${describeRef(ref)} ${result}`),
    });
    assert.deepEqual(reported, [
      `Deployment ${namespace}/web deleted`,
      `ConfigMap ${namespace}/settings deleted`,
      `ConfigMap ${namespace}/never-applied absent`,
      `Widget ${namespace}/w absent`,
    ]);
    assert.equal(await live(kubeConfig, namespace, 'deployments', 'web'), false);
    assert.equal(await live(kubeConfig, namespace, 'configmaps', 'settings'), false);
  });

  test('a deletion the credentials may not make names the object and stops there', async () => {
    const namespace = await freshNamespace(rig, 'prune-forbidden');
    await applyObjects({ kubeConfig, steps: [[configMap(namespace, 'a'), configMap(namespace, 'b')]] });
    const viewer = await serviceAccountToken(rig, { namespace, name: 'viewer', clusterRole: 'view' });
    const reported: string[] = [];
    const error = await deleteObjects(
      kubeConfigFromSettings({ kubeconfig: viewer.kubeconfig }),
      [refOf(configMap(namespace, 'a')), refOf(configMap(namespace, 'b'))],
      { onProgress: (ref) => reported.push(ref.name) },
    ).then(
      () => assert.fail('expected the deletion to be refused'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof GantryError);
    assert.match(
      error.message,
      new RegExp(`^cannot delete ConfigMap ${namespace}/a: forbidden \\(403 Forbidden\\): `),
    );
    assert.match(error.message, /cannot delete resource "configmaps"/);
    assert.deepEqual(reported, []);
    assert.equal(await live(kubeConfig, namespace, 'configmaps', 'b'), true);
  });
});
