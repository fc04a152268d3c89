import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RestartableGantry, restartableGantry } from '../support/gantry-process.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { assertCrashFailsDeployment } from '../support/interrupted-deployment.ts';
import {
  type KubeRigClient,
  kubeRigSuiteOptions,
  READY_AFTER_ANNOTATION,
  useKubeRig,
} from '../support/kube-rig.ts';
import { cloneProject, pushFiles } from '../support/pipeline-helpers.ts';
import { ADMIN_TOKEN, freePort, type TestServer } from '../support/test-server.ts';
import { deployPipeline } from './kubernetes-deploy-helpers.ts';

// Kill -9 the server while a Kubernetes deployment waits for its pods: after a restart the
// deployment is not left running — it fails with the reason, and nothing claims success.

const SLOW = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: slow
spec:
  replicas: 1
  selector: { matchLabels: { app: slow } }
  template:
    metadata:
      labels: { app: slow }
      annotations: { ${READY_AFTER_ANNOTATION}: "600000" }
    spec:
      containers: [{ name: slow, image: registry.local/slow:1 }]
`;

describe('a Kubernetes deployment interrupted by a server crash', kubeRigSuiteOptions(), () => {
  let rig: KubeRigClient;
  let dataDir: string;
  let scratch: ScratchDir;
  let port: number;
  let gantry: RestartableGantry;

  before(async () => {
    rig = await useKubeRig();
    dataDir = await mkdtemp(join(tmpdir(), 'gantry-kube-restart-'));
    scratch = await scratchDir();
    port = await freePort();
    gantry = restartableGantry({ port, dataDir, adminToken: ADMIN_TOKEN });
  });
  after(async () => {
    await gantry?.kill();
    await rm(dataDir, { recursive: true, force: true });
    await scratch?.cleanup();
  });

  test('is failed with the reason after a restart, not left running', async () => {
    await gantry.start();
    const path = `restart-${Date.now().toString(36)}/app`;
    const project = await gantry.api<{ id: number }>('POST', 'projects', { path });
    assert.equal(project.status, 201, JSON.stringify(project.body));
    const target = await gantry.api('POST', `projects/${project.body.id}/targets`, {
      name: 'rig',
      kind: 'kubernetes',
      kubernetes: { kubeconfig: readFileSync(rig.info.kubeconfigPath, 'utf8') },
    });
    assert.equal(target.status, 201, JSON.stringify(target.body));
    const work = await cloneProject({ url: gantry.base() } as TestServer, path, join(scratch.path, 'work'));
    mkdirSync(join(work, 'k8s'));
    await pushFiles(work, {
      'k8s/slow.yaml': SLOW,
      '.gantry.yml': deployPipeline('manifests: k8s/\ntimeout: 10m'),
    });
    await assertCrashFailsDeployment(gantry, project.body.id, 'kubernetes');
  });
});
