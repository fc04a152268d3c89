import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { deployment, deploymentEnds, deploymentsOf, environment } from '../deployments/deployment-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { type KubeRigClient, kubeRigSuiteOptions, useKubeRig } from '../support/kube-rig.ts';
import { eventually, pushFiles, trace } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  appManifests,
  deployPipeline,
  exists,
  type KubeDeploymentView,
  kubeProject,
  liveImages,
  productionOf,
  pushAndDeploy,
} from './kubernetes-deploy-helpers.ts';

// The Kubernetes target end to end against the rig (a real kube-apiserver, controller manager and
// scheduler with fake nodes): deploy, partial rollout, a crash-looping release failing fast,
// rollback, re-deploy and stop, with the record in Gantry and the objects in the cluster.

const run = randomBytes(2).toString('hex');

for (const dialect of DIALECTS) {
  describe(`Kubernetes deployments on ${dialect}`, {
    ...dialectSuiteOptions(dialect),
    ...kubeRigSuiteOptions(),
  }, () => {
    let t: TestServer;
    let rig: KubeRigClient;
    let work: { path: string; cleanup(): Promise<void> };

    before(async () => {
      rig = await useKubeRig();
      t = await startTestServer(dialect);
      work = await scratchDir();
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    test('deploy, partial rollout, crash-loop fails fast, rollback, re-deploy, stop', async () => {
      const path = `k8s-${run}/${dialect}`;
      const project = await kubeProject(t, rig, work.path, path);
      const namespace = `k8s-${run}-${dialect}-production`;
      const pipeline = deployPipeline(`
manifests: k8s/
images:
  web: registry.local/shop/web:$CI_COMMIT_SHORT_SHA
timeout: 60s`);

      // 1. First deployment: everything applied, labelled, healthy, recorded with its snapshot.
      const v1 = await pushAndDeploy(t, project, { 'k8s/app.yaml': appManifests(), '.gantry.yml': pipeline });
      assert.equal(v1.deployment.status, 'success', await trace(t, project.id, v1.deployment.deployable!.id));
      const snapshot = v1.deployment.snapshot!;
      assert.equal(snapshot.kind, 'kubernetes');
      assert.equal(snapshot.namespace, namespace);
      assert.deepEqual(snapshot.inventory.map((ref) => `${ref.kind}/${ref.name}`).sort(), [
        'ConfigMap/web-config',
        'Deployment/web',
        'PersistentVolumeClaim/data',
        'Service/web',
      ]);
      const web = snapshot.images.find((image) => image.container === 'web');
      assert.equal(web?.image, `registry.local/shop/web:${v1.sha.slice(0, 8)}`);
      assert.match(web?.digest ?? '', /^sha256:[0-9a-f]{64}$/, 'the digest the cluster resolved');
      assert.deepEqual(await liveImages(rig, namespace, 'web'), {
        web: `registry.local/shop/web:${v1.sha.slice(0, 8)}`,
        sidecar: 'registry.local/shop/sidecar:1',
      });
      const live = await rig.apps.readNamespacedDeployment({ namespace, name: 'web' });
      assert.equal(live.metadata?.labels?.['gantry.dev/environment'], 'production');
      assert.equal(live.metadata?.annotations?.['gantry.dev/deployment'], String(v1.deployment.id));
      assert.equal(live.status?.availableReplicas, 2);
      const claim = await rig.core.readNamespacedPersistentVolumeClaim({ namespace, name: 'data' });
      assert.equal(claim.status?.phase, 'Bound');
      const log = await trace(t, project.id, v1.deployment.deployable!.id);
      assert.match(log, /Deployment .*web (created|configured)/);
      assert.match(log, /is healthy after/);

      // 2. Partial rollout: only `web` changes; the sidecar keeps the image running in the cluster,
      // although the manifests now name another one. The claim survives the upgrade.
      const partial = deployPipeline(`
manifests: k8s/
images:
  web: registry.local/shop/web:$CI_COMMIT_SHORT_SHA
containers: [web]
timeout: 60s`);
      const v2 = await pushAndDeploy(t, project, {
        'k8s/app.yaml': appManifests({ sidecar: 'registry.local/shop/sidecar:2' }),
        '.gantry.yml': partial,
      });
      assert.equal(v2.deployment.status, 'success', await trace(t, project.id, v2.deployment.deployable!.id));
      assert.deepEqual(await liveImages(rig, namespace, 'web'), {
        web: `registry.local/shop/web:${v2.sha.slice(0, 8)}`,
        sidecar: 'registry.local/shop/sidecar:1',
      });
      assert.match(
        await trace(t, project.id, v2.deployment.deployable!.id),
        /sidecar keeps registry.local\/shop\/sidecar:1/,
      );
      const claimAfter = await rig.core.readNamespacedPersistentVolumeClaim({ namespace, name: 'data' });
      assert.equal(claimAfter.metadata?.uid, claim.metadata?.uid, 'the claim is kept across upgrades');

      // 3. A crash-looping release fails fast, naming pod, container and reason; the previous
      // deployment stays the current one.
      const crashing = deployPipeline(`
manifests: k8s/
images:
  web: registry.local/shop/web-crashloop:$CI_COMMIT_SHORT_SHA
timeout: 120s`);
      const v3 = await pushAndDeploy(t, project, { 'k8s/app.yaml': appManifests(), '.gantry.yml': crashing });
      assert.equal(v3.deployment.status, 'failed');
      const failure = await trace(t, project.id, v3.deployment.deployable!.id);
      assert.match(failure, /pod web-[a-z0-9-]+ container web: CrashLoopBackOff/);
      const production = await productionOf(t, project.id);
      assert.equal(production.last_successful_deployment?.id, v2.deployment.id);

      // 4. Rollback to the first deployment: its snapshot applied again, images included.
      const rollback = await t.api<KubeDeploymentView>(
        'POST',
        `projects/${project.id}/deployments/${v1.deployment.id}/rollback`,
      );
      assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
      const rolledBack = await deploymentEnds(t, project.id, rollback.body.id);
      assert.equal(rolledBack.status, 'success', await trace(t, project.id, rolledBack.deployable!.id));
      assert.equal(rolledBack.rollback_of, v1.deployment.id);
      assert.deepEqual(await liveImages(rig, namespace, 'web'), {
        web: `registry.local/shop/web:${v1.sha.slice(0, 8)}`,
        sidecar: 'registry.local/shop/sidecar:1',
      });
      assert.match(
        await trace(t, project.id, rolledBack.deployable!.id),
        /Applying the snapshot of deployment #1/,
      );

      // 5. Re-deploy the current deployment.
      const redeploy = await t.api<KubeDeploymentView>(
        'POST',
        `projects/${project.id}/environments/${production.id}/redeploy`,
      );
      assert.equal(redeploy.status, 201, JSON.stringify(redeploy.body));
      assert.equal((await deploymentEnds(t, project.id, redeploy.body.id)).status, 'success');

      // 6. Stop: a stop deployment deletes what was applied; the environment ends stopped.
      const stop = await t.api('POST', `projects/${project.id}/environments/${production.id}/stop`);
      assert.equal(stop.status, 200, JSON.stringify(stop.body));
      const stopped = await eventually(
        async () => {
          const env = await environment(t, project.id, production.id);
          return env.state === 'stopped' ? env : undefined;
        },
        async () => JSON.stringify(await environment(t, project.id, production.id)),
      );
      assert.equal(stopped.last_deployment?.action, 'stop');
      assert.equal(stopped.last_deployment?.status, 'success');
      assert.ok(!(await exists(() => rig.apps.readNamespacedDeployment({ namespace, name: 'web' }))));
      assert.ok(!(await exists(() => rig.core.readNamespacedService({ namespace, name: 'web' }))));
    });

    test('incremental rollout: canary steps with promote, a timed pause, and abort back to the running version', async () => {
      const path = `k8s-${run}/${dialect}-steps`;
      const project = await kubeProject(t, rig, work.path, path);
      const namespace = `k8s-${run}-${dialect}-steps-production`;
      const pipeline = (strategy: string) =>
        deployPipeline(`
manifests: k8s/
images:
  web: registry.local/shop/web:$CI_COMMIT_SHORT_SHA
${strategy}
timeout: 60s`);
      const manifests = appManifests({ replicas: 4 });
      const v1 = await pushAndDeploy(t, project, { 'k8s/app.yaml': manifests, '.gantry.yml': pipeline('') });
      assert.equal(v1.deployment.status, 'success', await trace(t, project.id, v1.deployment.deployable!.id));
      const v1Image = `registry.local/shop/web:${v1.sha.slice(0, 8)}`;

      // Manual promote: the first step puts 2 of 4 replicas on the canary track and waits.
      const sha2 = await pushFiles(project.clone, {
        'k8s/app.yaml': manifests,
        '.gantry.yml': pipeline('strategy: { steps: [50, 100] }'),
      });
      const waiting = await eventually(
        async () => {
          const d = (await deploymentsOf(t, project.id)).find((x) => x.sha === sha2);
          const full = d && (await deployment(t, project.id, d.id));
          return (full as { rollout?: { waiting?: string } } | undefined)?.rollout?.waiting === 'promote'
            ? full
            : undefined;
        },
        () => 'no rollout waiting for a promote',
      );
      const canary = await rig.apps.readNamespacedDeployment({ namespace, name: 'web-canary' });
      assert.equal(canary.spec?.replicas, 2);
      assert.equal(canary.spec?.template.metadata?.labels?.track, 'canary');
      assert.equal(
        canary.spec?.template.spec?.containers[0]?.image,
        `registry.local/shop/web:${sha2.slice(0, 8)}`,
      );
      const stable = await rig.apps.readNamespacedDeployment({ namespace, name: 'web' });
      assert.equal(stable.spec?.replicas, 2);
      assert.equal(
        stable.spec?.template.spec?.containers[0]?.image,
        v1Image,
        'the stable track keeps running v1',
      );
      const promoted = await t.api('POST', `projects/${project.id}/deployments/${waiting.id}/promote`);
      assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
      const done = await deploymentEnds(t, project.id, waiting.id);
      assert.equal(done.status, 'success', await trace(t, project.id, done.deployable!.id));
      assert.ok(!(await exists(() => rig.apps.readNamespacedDeployment({ namespace, name: 'web-canary' }))));
      const after = await rig.apps.readNamespacedDeployment({ namespace, name: 'web' });
      assert.equal(after.spec?.replicas, 4);
      assert.equal(
        after.spec?.template.spec?.containers[0]?.image,
        `registry.local/shop/web:${sha2.slice(0, 8)}`,
      );
      const again = await t.api('POST', `projects/${project.id}/deployments/${waiting.id}/promote`);
      assert.equal(again.status, 409, 'nothing is waiting any more');

      // A timed pause goes on by itself.
      const timed = await pushAndDeploy(t, project, {
        'k8s/app.yaml': manifests,
        '.gantry.yml': pipeline('strategy: { steps: [25, 100], pause: 1s }'),
      });
      assert.equal(
        timed.deployment.status,
        'success',
        await trace(t, project.id, timed.deployment.deployable!.id),
      );
      assert.match(await trace(t, project.id, timed.deployment.deployable!.id), /Pausing until/);

      // Abort at a step: the canary goes, the running version gets its replicas back.
      const sha4 = await pushFiles(project.clone, {
        'k8s/app.yaml': manifests,
        '.gantry.yml': pipeline('strategy: { steps: [50, 100] }'),
      });
      const held = await eventually(
        async () => {
          const d = (await deploymentsOf(t, project.id)).find((x) => x.sha === sha4);
          const full = d && (await deployment(t, project.id, d.id));
          return (full as { rollout?: { waiting?: string } } | undefined)?.rollout?.waiting === 'promote'
            ? full
            : undefined;
        },
        () => 'no rollout waiting for a promote',
      );
      const aborted = await t.api('POST', `projects/${project.id}/deployments/${held.id}/abort`);
      assert.equal(aborted.status, 200, JSON.stringify(aborted.body));
      const failed = await deploymentEnds(t, project.id, held.id);
      assert.equal(failed.status, 'failed');
      assert.match(await trace(t, project.id, failed.deployable!.id), /aborted by/);
      assert.ok(!(await exists(() => rig.apps.readNamespacedDeployment({ namespace, name: 'web-canary' }))));
      const restored = await rig.apps.readNamespacedDeployment({ namespace, name: 'web' });
      assert.equal(restored.spec?.replicas, 4);
      assert.equal(
        restored.spec?.template.spec?.containers[0]?.image,
        `registry.local/shop/web:${timed.sha.slice(0, 8)}`,
      );
      assert.equal((await productionOf(t, project.id)).last_successful_deployment?.id, timed.deployment.id);
    });
  });
}
