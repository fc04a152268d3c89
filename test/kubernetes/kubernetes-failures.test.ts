import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import {
  freshNamespace,
  type KubeRigClient,
  kubeRigSuiteOptions,
  serviceAccountToken,
  useKubeRig,
} from '../support/kube-rig.ts';
import { trace } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  adminKubeconfigVia,
  startApiProxy,
  statusWithToken,
  untilTokenRefused,
} from './kube-fault-helpers.ts';
import {
  appManifests,
  deployPipeline,
  exists,
  type KubeDeploymentView,
  kubeProject,
  productionOf,
  pushAndDeploy,
} from './kubernetes-deploy-helpers.ts';

// Failure paths of the Kubernetes target against the rig: after a first successful deployment, a
// broken release (invalid YAML, an unknown kind, an object the API server rejects) and a broken
// connection (a revoked token, an unreachable cluster) each fail the deployment with one clear
// line in the job log, change nothing in the cluster, and leave the first deployment current.

const run = randomBytes(2).toString('hex');

/** The deploy job of `dir/`, its web image tagged with the commit (so any apply would change it). */
const pipelineOf = (dir: string) =>
  deployPipeline(`
manifests: ${dir}/
images:
  web: registry.local/shop/web:$CI_COMMIT_SHORT_SHA
timeout: 60s`);

/** What an apply would change in the first deployment's objects. */
async function clusterState(rig: KubeRigClient, namespace: string) {
  const web = await rig.apps.readNamespacedDeployment({ namespace, name: 'web' });
  const config = await rig.core.readNamespacedConfigMap({ namespace, name: 'web-config' });
  return {
    images: (web.spec?.template.spec?.containers ?? []).map((c) => `${c.name}=${c.image}`),
    generation: web.metadata?.generation,
    deployment: web.metadata?.annotations?.['gantry.dev/deployment'],
    configVersion: config.metadata?.resourceVersion,
    configDeployment: config.metadata?.annotations?.['gantry.dev/deployment'],
  };
}

for (const dialect of DIALECTS) {
  describe(`Kubernetes deployment failures on ${dialect}`, {
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

    /** Deploys the app once (it must succeed); returns the deployment and the cluster's state. */
    async function firstDeployment(project: { id: number; clone: string }, namespace: string) {
      const v1 = await pushAndDeploy(t, project, {
        'k8s/app.yaml': appManifests(),
        '.gantry.yml': pipelineOf('k8s'),
      });
      assert.equal(v1.deployment.status, 'success', await trace(t, project.id, v1.deployment.deployable!.id));
      return { v1: v1.deployment, state: await clusterState(rig, namespace) };
    }

    /** A failed deployment's log; the first deployment still current, the cluster as it was. */
    async function assertFailedCleanly(
      project: { id: number },
      failed: KubeDeploymentView,
      first: { v1: KubeDeploymentView; state: Awaited<ReturnType<typeof clusterState>> },
      namespace: string,
    ): Promise<string> {
      const log = await trace(t, project.id, failed.deployable!.id);
      assert.equal(failed.status, 'failed', log);
      assert.deepEqual(
        await clusterState(rig, namespace),
        first.state,
        'the cluster is as the first deployment left it',
      );
      const production = await productionOf(t, project.id);
      assert.equal(production.last_successful_deployment?.id, first.v1.id);
      assert.equal(production.last_deployment?.id, failed.id);
      return log;
    }

    test('invalid YAML, an unknown kind and rejected objects fail before anything is applied', async () => {
      const path = `k8s-fail-${run}/${dialect}-manifests`;
      const project = await kubeProject(t, rig, work.path, path);
      const namespace = `k8s-fail-${run}-${dialect}-manifests-production`;
      const first = await firstDeployment(project, namespace);

      // Invalid YAML: the log names file, line and column.
      const yaml = await pushAndDeploy(t, project, {
        'yaml/app.yaml': appManifests(),
        'yaml/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n   labels: x\n',
        '.gantry.yml': pipelineOf('yaml'),
      });
      const yamlLog = await assertFailedCleanly(project, yaml.deployment, first, namespace);
      assert.match(yamlLog, /ERROR: yaml\/broken\.yaml:4:9: Nested mappings are not allowed/);

      // A kind the cluster does not serve: refused before anything changes.
      const widget = await pushAndDeploy(t, project, {
        'unknown-kind/app.yaml': appManifests(),
        'unknown-kind/widget.yaml':
          'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec: {}\n',
        '.gantry.yml': pipelineOf('unknown-kind'),
      });
      const widgetLog = await assertFailedCleanly(project, widget.deployment, first, namespace);
      assert.match(
        widgetLog,
        /ERROR: kind Widget in example\.com\/v1 is not served by the cluster \(no CRD installed\?\)/,
      );

      // An object the API server rejects (a selector its pod template does not match), with a new
      // ConfigMap and the app's new image beside it: the dry run refuses the set, nothing is applied.
      const rejected = await pushAndDeploy(t, project, {
        'rejected/app.yaml': appManifests({
          extra: `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-applied
data: { a: b }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mismatch
spec:
  selector: { matchLabels: { app: one } }
  template:
    metadata: { labels: { app: other } }
    spec:
      containers: [{ name: main, image: registry.local/shop/other:1 }]
`,
        }),
        '.gantry.yml': pipelineOf('rejected'),
      });
      const rejectedLog = await assertFailedCleanly(project, rejected.deployment, first, namespace);
      assert.match(
        rejectedLog,
        new RegExp(
          `ERROR: cannot apply Deployment ${namespace}/mismatch: the API server rejected it \\(422 Invalid\\): .*spec\\.template\\.metadata\\.labels: Invalid value: .*selector. does not match template .labels.`,
        ),
      );
      assert.doesNotMatch(rejectedLog, /ConfigMap \S+ (created|configured)/, 'nothing is reported applied');
      assert.ok(!(await exists(() => rig.core.readNamespacedConfigMap({ namespace, name: 'not-applied' }))));
      assert.ok(!(await exists(() => rig.apps.readNamespacedDeployment({ namespace, name: 'mismatch' }))));

      // An invalid change of a live object (a Deployment's selector is immutable): the dry run runs
      // against the live object, so this too is refused with nothing applied.
      const immutable = await pushAndDeploy(t, project, {
        'immutable/app.yaml': appManifests()
          .replace(
            'selector: { matchLabels: { app: web } }',
            'selector: { matchLabels: { app: web, tier: front } }',
          )
          .replace('metadata: { labels: { app: web } }', 'metadata: { labels: { app: web, tier: front } }'),
        '.gantry.yml': pipelineOf('immutable'),
      });
      const immutableLog = await assertFailedCleanly(project, immutable.deployment, first, namespace);
      assert.match(
        immutableLog,
        new RegExp(
          `ERROR: cannot apply Deployment ${namespace}/web: the API server rejected it \\(422 Invalid\\): .*spec\\.selector: Invalid value: .*field is immutable`,
        ),
      );
    });

    test('a revoked token: the cluster refuses the credentials', async () => {
      const home = await freshNamespace(rig, `revoked-${dialect}`);
      const account = await serviceAccountToken(rig, {
        namespace: home,
        name: 'gantry',
        clusterRole: 'cluster-admin',
      });
      const path = `k8s-fail-${run}/${dialect}-revoked`;
      const project = await kubeProject(t, rig, work.path, path, {
        api_url: rig.info.server,
        ca_pem: rig.info.caPem,
        token: account.token,
      });
      const namespace = `k8s-fail-${run}-${dialect}-revoked-production`;
      const first = await firstDeployment(project, namespace);

      await account.revoke();
      await untilTokenRefused(rig, account.token);
      assert.equal(await statusWithToken(rig, account.token), 401);
      const second = await pushAndDeploy(t, project, {
        'k8s/app.yaml': appManifests({ sidecar: 'registry.local/shop/sidecar:2' }),
        '.gantry.yml': pipelineOf('k8s'),
      });
      const log = await assertFailedCleanly(project, second.deployment, first, namespace);
      assert.match(
        log,
        /ERROR: the cluster refused the credentials \(401 Unauthorized\): the token or certificate is invalid or revoked/,
      );
    });

    test('an unreachable cluster: the log says it cannot be reached', async () => {
      const proxy = await startApiProxy(rig);
      try {
        const path = `k8s-fail-${run}/${dialect}-unreachable`;
        const kubeconfig = adminKubeconfigVia(rig, readFileSync(rig.info.kubeconfigPath, 'utf8'), proxy.url);
        const project = await kubeProject(t, rig, work.path, path, { kubeconfig });
        const namespace = `k8s-fail-${run}-${dialect}-unreachable-production`;
        const first = await firstDeployment(project, namespace);
        assert.match(await trace(t, project.id, first.v1.deployable!.id), new RegExp(`\\(${proxy.url}\\)`));

        await proxy.close();
        const second = await pushAndDeploy(t, project, {
          'k8s/app.yaml': appManifests({ sidecar: 'registry.local/shop/sidecar:2' }),
          '.gantry.yml': pipelineOf('k8s'),
        });
        const log = await assertFailedCleanly(project, second.deployment, first, namespace);
        assert.match(
          log,
          new RegExp(`ERROR: cannot reach the Kubernetes API at ${proxy.url}: connection refused`),
        );
      } finally {
        await proxy.close();
      }
    });
  });
}
