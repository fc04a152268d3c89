import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { findKubeTool } from '../../src/targets/kubernetes/kube-tools.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import {
  freshNamespace,
  type KubeRigClient,
  kubeRigSuiteOptions,
  serviceAccountToken,
  useKubeRig,
} from '../support/kube-rig.ts';
import { jobNamed, pipelineFor, pushFiles, trace, waitForPipeline } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { kubeProject } from './kubernetes-deploy-helpers.ts';

// A `script:` deployment job on an environment served by a Kubernetes target gets the target's
// credentials: KUBECONFIG (a file whose context namespace is the environment's) and KUBE_NAMESPACE.
// The embedded runner runs the script with the shell executor, so the bundled kubectl reaches the rig.

const run = randomBytes(2).toString('hex');

for (const dialect of DIALECTS) {
  describe(`Kubernetes credentials of script jobs on ${dialect}`, {
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

    test('KUBECONFIG (a file, namespace set) and KUBE_NAMESPACE reach the script', async () => {
      const kubectl = await findKubeTool('kubectl', 'to act on the rig from a script job');
      const project = await kubeProject(t, rig, work.path, `k8s-script-${run}/${dialect}`);
      const namespace = `k8s-script-${run}-${dialect}-production`;
      const probe = `probe-${randomBytes(3).toString('hex')}`;
      await rig.core.createNamespace({ body: { metadata: { name: namespace } } });
      await rig.core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: probe }, data: { a: 'b' } },
      });

      const sha = await pushFiles(project.clone, {
        '.gantry.yml': `deploy:
  environment:
    name: production
  script:
    - echo "namespace is $KUBE_NAMESPACE"
    - test -f "$KUBECONFIG" && echo "KUBECONFIG is a file"
    - ${kubectl} get configmap -o name
`,
      });
      const pipeline = await pipelineFor(t, project.id, sha);
      const { jobs } = await waitForPipeline(t, project.id, pipeline.id);
      const job = jobNamed(jobs, 'deploy');
      const log = await trace(t, project.id, job.id);
      assert.equal(job.status, 'success', log);
      assert.match(log, new RegExp(`namespace is ${namespace}\\b`));
      assert.match(log, /KUBECONFIG is a file/);
      // No --namespace: kubectl lists the environment's namespace because the kubeconfig says so.
      assert.match(log, new RegExp(`configmap/${probe}\\b`));
    });

    test('a token target: the kubeconfig carries the token, and KUBE_TOKEN is masked in the log', async () => {
      const kubectl = await findKubeTool('kubectl', 'to act on the rig from a script job');
      const home = await freshNamespace(rig, `script-token-${dialect}`);
      const account = await serviceAccountToken(rig, {
        namespace: home,
        name: 'deployer',
        clusterRole: 'cluster-admin',
      });
      const project = await kubeProject(t, rig, work.path, `k8s-script-${run}/${dialect}-token`, {
        api_url: rig.info.server,
        ca_pem: rig.info.caPem,
        token: account.token,
      });
      const namespace = `k8s-script-${run}-${dialect}-token-production`;
      const probe = `probe-${randomBytes(3).toString('hex')}`;
      await rig.core.createNamespace({ body: { metadata: { name: namespace } } });
      await rig.core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: probe }, data: { a: 'b' } },
      });

      const sha = await pushFiles(project.clone, {
        '.gantry.yml': `deploy:
  environment:
    name: production
  script:
    - echo "token is $KUBE_TOKEN"
    - ${kubectl} get configmap -o name
    - ${kubectl} auth whoami
`,
      });
      const pipeline = await pipelineFor(t, project.id, sha);
      const { jobs } = await waitForPipeline(t, project.id, pipeline.id);
      const job = jobNamed(jobs, 'deploy');
      const log = await trace(t, project.id, job.id);
      assert.equal(job.status, 'success', log);
      assert.match(log, /token is \[MASKED\]/);
      assert.ok(!log.includes(account.token), 'the token never appears in the log');
      assert.match(log, new RegExp(`configmap/${probe}\\b`));
      assert.match(log, new RegExp(`system:serviceaccount:${home}:deployer`), 'kubectl acts as the target');
    });
  });
}
