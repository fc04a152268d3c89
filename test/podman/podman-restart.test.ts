import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RestartableGantry, restartableGantry } from '../support/gantry-process.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { assertCrashFailsDeployment } from '../support/interrupted-deployment.ts';
import { cloneProject, pushFiles } from '../support/pipeline-helpers.ts';
import { ADMIN_TOKEN, freePort, type TestServer } from '../support/test-server.ts';
import { buildWebImage, cleanUpPodman, deployPipeline, podmanDependency } from './podman-helpers.ts';

// Kill -9 the server while a Podman deployment waits for its containers: after a restart the
// deployment is not left running — it fails with the reason, and nothing claims success.

const run = randomBytes(3).toString('hex');

describe('a Podman deployment interrupted by a server crash', podmanDependency.options, () => {
  let dataDir: string;
  let scratch: ScratchDir;
  let gantry: RestartableGantry;
  let image: string;

  before(async () => {
    podmanDependency.assertPresent();
    image = await buildWebImage(`gantry-test-${run}-web`, 'v1', 'never ready');
    dataDir = await mkdtemp(join(tmpdir(), 'gantry-podman-restart-'));
    scratch = await scratchDir();
    gantry = restartableGantry({ port: await freePort(), dataDir, adminToken: ADMIN_TOKEN });
  });
  after(async () => {
    await gantry?.kill();
    await cleanUpPodman(`podman-restart-${run}-`);
    await cleanUpPodman(`gantry-test-${run}`);
    await rm(dataDir, { recursive: true, force: true });
    await scratch?.cleanup();
  });

  test('is failed with the reason after a restart, not left running', async () => {
    await gantry.start();
    const path = `podman-restart-${run}/app`;
    const project = await gantry.api<{ id: number }>('POST', 'projects', { path });
    assert.equal(project.status, 201, JSON.stringify(project.body));
    const target = await gantry.api('POST', `projects/${project.body.id}/targets`, {
      name: 'host',
      kind: 'podman',
    });
    assert.equal(target.status, 201, JSON.stringify(target.body));
    const work = await cloneProject({ url: gantry.base() } as TestServer, path, join(scratch.path, 'work'));
    await pushFiles(work, {
      'app.yaml': `apiVersion: v1
kind: Pod
metadata: { name: slow }
spec:
  containers:
    - name: web
      image: ${image}
      ports: [{ containerPort: 8080 }]
      readinessProbe: { httpGet: { path: /never, port: 8080 } }
`,
      '.gantry.yml': deployPipeline('manifests: app.yaml\ntimeout: 10m'),
    });
    await assertCrashFailsDeployment(gantry, project.body.id, 'podman');
  });
});
