import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type {
  EnvironmentDrift,
  EnvironmentLiveView,
} from '../../src/services/kubernetes-environment-service.ts';
import { kubeRequest } from '../../src/targets/kubernetes/kube-connection.ts';
import { environment } from '../deployments/deployment-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { type KubeRigClient, kubeRigSuiteOptions, useKubeRig } from '../support/kube-rig.ts';
import { eventually, trace } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { adminKubeconfigVia, startApiProxy } from './kube-fault-helpers.ts';
import {
  appManifests,
  deployPipeline,
  kubeProject,
  productionOf,
  pushAndDeploy,
} from './kubernetes-deploy-helpers.ts';

// The live view and drift of an environment deployed by the Kubernetes target, against the rig: the
// view comes from watches and follows changes made in the cluster; drift compares the live objects
// with what the deployment applied, field by field, never showing a Secret's values.

const run = randomBytes(2).toString('hex');
const SECRET = 's3cret-first-value';
const CHANGED_SECRET = 'changed-by-hand';
const base64 = (text: string) => Buffer.from(text).toString('base64');

const pipeline = deployPipeline(`
manifests: k8s/
images:
  web: registry.local/shop/web:$CI_COMMIT_SHORT_SHA
timeout: 60s`);

const manifests = appManifests({
  extra: `---
apiVersion: v1
kind: Secret
metadata:
  name: web-credentials
stringData:
  password: ${SECRET}
`,
});

for (const dialect of DIALECTS) {
  describe(`Kubernetes live view and drift on ${dialect}`, {
    ...dialectSuiteOptions(dialect),
    ...kubeRigSuiteOptions(),
  }, () => {
    let t: TestServer;
    let rig: KubeRigClient;
    let work: { path: string; cleanup(): Promise<void> };
    let project: { id: number; clone: string };
    let environmentId: number;
    let deploymentId: number;
    let namespace: string;
    let webImage: string;

    const view = async (environment = environmentId, projectId = project.id) => {
      const got = await t.api<EnvironmentLiveView>(
        'GET',
        `projects/${projectId}/environments/${environment}/kubernetes`,
      );
      assert.equal(got.status, 200, JSON.stringify(got.body));
      return got.body;
    };
    const drift = async () => {
      const got = await t.api<EnvironmentDrift>(
        'GET',
        `projects/${project.id}/environments/${environmentId}/kubernetes/drift`,
      );
      assert.equal(got.status, 200, JSON.stringify(got.body));
      return got.body;
    };
    /** Changes an object behind Gantry's back, as `kubectl patch` would. */
    const patch = (path: string, body: unknown, type = 'merge-patch') =>
      kubeRequest(rig.kubeConfig, {
        method: 'PATCH',
        path: `${path.startsWith('/api/') ? '' : '/apis/apps/v1'}${path}`,
        body,
        contentType: `application/${type}+json`,
      });

    before(async () => {
      rig = await useKubeRig();
      t = await startTestServer(dialect);
      work = await scratchDir();
      project = await kubeProject(t, rig, work.path, `live-${run}/${dialect}`);
      const deployed = await pushAndDeploy(t, project, {
        'k8s/app.yaml': manifests,
        '.gantry.yml': pipeline,
      });
      assert.equal(
        deployed.deployment.status,
        'success',
        await trace(t, project.id, deployed.deployment.deployable!.id),
      );
      environmentId = (await productionOf(t, project.id)).id;
      deploymentId = deployed.deployment.id;
      namespace = deployed.deployment.snapshot!.namespace;
      webImage = `registry.local/shop/web:${deployed.sha.slice(0, 8)}`;
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    test('right after a deployment nothing has drifted', async () => {
      const report = await drift();
      assert.equal(report.deployment_id, deploymentId);
      assert.equal(report.namespace, namespace);
      assert.deepEqual(
        report.objects.map((object) => `${object.kind}/${object.name}: ${object.state}`).sort(),
        [
          'ConfigMap/web-config: in_sync',
          'Deployment/web: in_sync',
          'PersistentVolumeClaim/data: in_sync',
          'Secret/web-credentials: in_sync',
          'Service/web: in_sync',
        ],
        JSON.stringify(report.objects.filter((object) => object.state !== 'in_sync')),
      );
      assert.equal(report.drifted, false);
      assert.ok(!Number.isNaN(Date.parse(report.checked_at)));
    });

    test('the live view shows the Deployment, its ReplicaSet and its two ready pods', async () => {
      const live = await view();
      assert.equal(live.deployment_id, deploymentId);
      assert.equal(live.namespace, namespace);
      assert.equal(live.workloads.length, 1, JSON.stringify(live.workloads));
      const [web] = live.workloads;
      assert.equal(web?.kind, 'Deployment');
      assert.equal(web?.name, 'web');
      assert.equal(web?.health.status, 'healthy', web?.health.message);
      assert.deepEqual(web?.replicas, { desired: 2, ready: 2, updated: 2, available: 2 });
      assert.deepEqual(web?.images, [
        { container: 'web', image: webImage },
        { container: 'sidecar', image: 'registry.local/shop/sidecar:1' },
      ]);
      assert.equal(live.replica_sets.length, 1);
      const [replicaSet] = live.replica_sets;
      assert.deepEqual(replicaSet?.owner, { kind: 'Deployment', name: 'web' });
      assert.equal(replicaSet?.revision, 1);
      assert.equal(live.pods.length, 2);
      for (const pod of live.pods) {
        assert.deepEqual(pod.owner, { kind: 'ReplicaSet', name: replicaSet?.name });
        assert.equal(pod.phase, 'Running');
        assert.equal(pod.ready, true);
        assert.equal(pod.restarts, 0);
        assert.ok(pod.node, 'bound to a node');
        assert.deepEqual(
          pod.containers.map((container) => [
            container.name,
            container.image,
            container.state,
            container.ready,
          ]),
          [
            ['web', webImage, 'running', true],
            ['sidecar', 'registry.local/shop/sidecar:1', 'running', true],
          ],
        );
      }
    });

    test('the live view follows the cluster: a Deployment scaled by hand, a crash-looping pod', async () => {
      await patch(`/namespaces/${namespace}/deployments/web/scale`, { spec: { replicas: 3 } });
      const scaled = await eventually(
        async () => {
          const live = await view();
          const ready = live.pods.filter((pod) => pod.ready).length;
          return live.workloads[0]?.replicas?.ready === 3 && ready === 3 ? live : undefined;
        },
        async () => JSON.stringify(await view()),
      );
      assert.equal(scaled.workloads[0]?.replicas?.desired, 3);

      // A pod labelled as the environment's: shown with its restarts and why it waits.
      await rig.core.createNamespacedPod({
        namespace,
        body: {
          metadata: {
            name: 'crasher',
            labels: { 'gantry.dev/project': String(project.id), 'gantry.dev/environment': 'production' },
          },
          spec: { containers: [{ name: 'main', image: 'registry.local/shop/web-crashloop:1' }] },
        },
      });
      const crashing = await eventually(
        async () => {
          const pod = (await view()).pods.find((candidate) => candidate.name === 'crasher');
          const container = pod?.containers[0];
          return pod && pod.restarts > 0 && container?.reason === 'CrashLoopBackOff' ? pod : undefined;
        },
        async () => JSON.stringify((await view()).pods.find((pod) => pod.name === 'crasher')),
      );
      assert.equal(crashing.ready, false);
      assert.equal(crashing.owner, null);
      assert.equal(crashing.containers[0]?.state, 'waiting');
      assert.equal(crashing.containers[0]?.image, 'registry.local/shop/web-crashloop:1');
      await rig.core.deleteNamespacedPod({ namespace, name: 'crasher', gracePeriodSeconds: 0 });
    });

    test('drift names each field changed by hand, a deleted Service, and a changed Secret without its value', async () => {
      // The scale by hand of the previous test already drifted spec.replicas.
      await patch(
        `/namespaces/${namespace}/deployments/web`,
        {
          spec: {
            template: { spec: { containers: [{ name: 'sidecar', image: 'registry.local/shop/sidecar:9' }] } },
          },
        },
        'strategic-merge-patch',
      );
      await patch(`/api/v1/namespaces/${namespace}/configmaps/web-config`, { data: { greeting: 'changed' } });
      await patch(`/api/v1/namespaces/${namespace}/secrets/web-credentials`, {
        data: { password: base64(CHANGED_SECRET) },
      });
      await rig.core.deleteNamespacedService({ namespace, name: 'web' });

      const response = await t.api<EnvironmentDrift>(
        'GET',
        `projects/${project.id}/environments/${environmentId}/kubernetes/drift`,
      );
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const report = response.body;
      assert.equal(report.drifted, true);
      const byName = new Map(report.objects.map((object) => [`${object.kind}/${object.name}`, object]));
      const differences = (name: string) =>
        byName
          .get(name)
          ?.differences.map((difference) => difference)
          .sort((a, b) => a.path.localeCompare(b.path));

      assert.equal(byName.get('Deployment/web')?.state, 'modified');
      assert.deepEqual(differences('Deployment/web'), [
        { path: '/spec/replicas', expected: 2, actual: 3 },
        {
          path: '/spec/template/spec/containers/1/image',
          expected: 'registry.local/shop/sidecar:1',
          actual: 'registry.local/shop/sidecar:9',
        },
      ]);
      assert.equal(byName.get('ConfigMap/web-config')?.state, 'modified');
      assert.deepEqual(differences('ConfigMap/web-config'), [
        { path: '/data/greeting', expected: 'hello', actual: 'changed' },
      ]);
      assert.equal(byName.get('Service/web')?.state, 'missing');
      assert.deepEqual(differences('Service/web'), []);
      assert.equal(byName.get('Secret/web-credentials')?.state, 'modified');
      assert.deepEqual(differences('Secret/web-credentials'), [
        { path: '/data/password', expected: '(secret value)', actual: '(secret value)' },
      ]);
      assert.equal(byName.get('PersistentVolumeClaim/data')?.state, 'in_sync');
      const text = JSON.stringify(report);
      for (const value of [SECRET, CHANGED_SECRET, base64(SECRET), base64(CHANGED_SECRET)]) {
        assert.ok(!text.includes(value), 'no Secret value in the answer');
      }
    });

    test("an object the manifest can no longer be applied to is modified, with the API server's reason", async () => {
      // Its changed value cannot be put back once the ConfigMap is immutable.
      await patch(`/api/v1/namespaces/${namespace}/configmaps/web-config`, { immutable: true });
      const config = (await drift()).objects.find((object) => object.name === 'web-config');
      assert.equal(config?.state, 'modified');
      assert.deepEqual(config?.differences, []);
      assert.match(config?.message ?? '', /cannot apply ConfigMap \S+\/web-config again: .*immutable/);
    });

    test('an environment without a Kubernetes deployment has an empty view and nothing to drift from', async () => {
      const created = await t.api<{ id: number }>('POST', `projects/${project.id}/environments`, {
        body: { name: 'staging' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(await view(created.body.id), {
        deployment_id: null,
        namespace: null,
        workloads: [],
        replica_sets: [],
        pods: [],
      });
      const none = await t.api<EnvironmentDrift>(
        'GET',
        `projects/${project.id}/environments/${created.body.id}/kubernetes/drift`,
      );
      assert.equal(none.status, 200);
      assert.equal(none.body.drifted, false);
      assert.deepEqual(none.body.objects, []);
      const elsewhere = await t.api('GET', `projects/${project.id}/environments/999999/kubernetes`);
      assert.equal(elsewhere.status, 404);
    });

    test('a stopped environment has an empty view', async () => {
      const stop = await t.api('POST', `projects/${project.id}/environments/${environmentId}/stop`);
      assert.equal(stop.status, 200, JSON.stringify(stop.body));
      await eventually(
        async () =>
          (await environment(t, project.id, environmentId)).state === 'stopped' ? true : undefined,
        async () => JSON.stringify(await environment(t, project.id, environmentId)),
      );
      const live = await view();
      assert.deepEqual([live.deployment_id, live.namespace, live.workloads, live.pods], [null, null, [], []]);
    });

    test('a cluster that cannot be reached: 503 saying so', async () => {
      const proxy = await startApiProxy(rig);
      let closed = false;
      try {
        const kubeconfig = adminKubeconfigVia(rig, readFileSync(rig.info.kubeconfigPath, 'utf8'), proxy.url);
        const away = await kubeProject(t, rig, work.path, `live-${run}/${dialect}-away`, { kubeconfig });
        const deployed = await pushAndDeploy(t, away, { 'k8s/app.yaml': manifests, '.gantry.yml': pipeline });
        assert.equal(
          deployed.deployment.status,
          'success',
          await trace(t, away.id, deployed.deployment.deployable!.id),
        );
        const production = (await productionOf(t, away.id)).id;
        await proxy.close();
        closed = true;
        for (const path of ['kubernetes', 'kubernetes/drift']) {
          const failed = await t.api<{ error: { code: string; message: string } }>(
            'GET',
            `projects/${away.id}/environments/${production}/${path}`,
          );
          assert.equal(failed.status, 503, JSON.stringify(failed.body));
          assert.equal(failed.body.error.code, 'unavailable');
          assert.match(failed.body.error.message, /cannot reach the Kubernetes API\b.*: connection refused/);
        }
      } finally {
        if (!closed) await proxy.close();
      }
    });
  });
}
