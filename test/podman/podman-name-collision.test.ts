import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { environment, environmentNamed } from '../deployments/deployment-helpers.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { trace } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  buildWebImage,
  cleanUpPodman,
  deployPipeline,
  httpText,
  podman,
  podmanDependency,
  podmanProject,
  pushAndDeploy,
} from './podman-helpers.ts';

// Projects `gx-…-a/b` and `gx-…/a-b` both name environment `prod`'s pods and volumes
// `gx-…-a-b-prod-…` on a host. The second to deploy is refused before anything changes: the first
// keeps running, with its volume and data. The check is on the host, not the store: one dialect.

const run = randomBytes(3).toString('hex');
const names = `gx-${run}`;

const manifests = (image: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: ${image}
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: 8080 } }
          volumeMounts: [{ name: data, mountPath: /www/data }]
      volumes: [{ name: data, persistentVolumeClaim: { claimName: data } }]
`;

describe('Podman environments whose names collide across projects', podmanDependency.options, () => {
  let t: TestServer;
  let work: { path: string; cleanup(): Promise<void> };
  let image: string;

  before(async () => {
    podmanDependency.assertPresent();
    image = await buildWebImage(`${names}-web`, 'v1', 'first project');
    t = await startTestServer('sqlite');
    work = await scratchDir();
    // Each project's clone in its own directory: the clones' names collide as the environments' do.
    await mkdir(join(work.path, 'first'));
    await mkdir(join(work.path, 'second'));
  });
  after(async () => {
    await t?.stop();
    await work?.cleanup();
    await cleanUpPodman(names);
  });

  test("the second project's deployment is refused, naming the pod and volume; the first keeps running with its data", async () => {
    const files = {
      'k8s/app.yaml': manifests(image),
      '.gantry.yml': deployPipeline('manifests: k8s/\ntimeout: 60s', ['prod']),
    };
    const prefix = `${names}-a-b-prod-`;

    const first = await podmanProject(t, join(work.path, 'first'), `${names}-a/b`);
    const deployed = (await pushAndDeploy(t, first, files, ['prod'])).deployments.prod!;
    assert.equal(deployed.status, 'success', await trace(t, first.id, deployed.deployable!.id));
    assert.equal(deployed.snapshot?.namePrefix, prefix);
    const url = `http://127.0.0.1:${deployed.snapshot!.ports[0]!.hostPort}`;
    await podman([
      'exec',
      `${prefix}web-pod-0-web`,
      '/bin/busybox',
      'sh',
      '-c',
      'echo kept > /www/data/marker',
    ]);
    const podId = (await podman(['pod', 'inspect', '--format', '{{.Id}}', `${prefix}web-pod-0`])).trim();

    const second = await podmanProject(t, join(work.path, 'second'), `${names}/a-b`);
    const refused = (await pushAndDeploy(t, second, files, ['prod'])).deployments.prod!;
    assert.equal(refused.status, 'failed');
    const log = await trace(t, second.id, refused.deployable!.id);
    assert.match(
      log,
      new RegExp(`pod ${prefix}web-pod-0 already exists on this host and belongs to another project`),
    );
    assert.match(
      log,
      new RegExp(`volume ${prefix}data already exists on this host and belongs to another project`),
    );
    assert.match(log, /nothing was changed: deploy this project to an environment of another name/);
    assert.doesNotMatch(log, /volume .* (kept|created)|pod .* started/);

    // The first project's pod is the same one, still serving its volume's data.
    assert.equal(
      (await podman(['pod', 'inspect', '--format', '{{.Id}}', `${prefix}web-pod-0`])).trim(),
      podId,
    );
    assert.equal(await httpText(url), 'first project');
    assert.equal(await httpText(`${url}/data/marker`), 'kept');

    // Each project's live status shows its own pods only.
    const statusOf = async (project: { id: number }) => {
      const prod = await environmentNamed(t, project.id, 'prod');
      const status = await t.api<{ pods: { name: string }[] }>(
        'GET',
        `projects/${project.id}/environments/${prod.id}/podman`,
      );
      assert.equal(status.status, 200, JSON.stringify(status.body));
      return { prod, pods: status.body.pods.map((pod) => pod.name) };
    };
    assert.deepEqual((await statusOf(first)).pods, [`${prefix}web-pod-0`]);
    const other = await statusOf(second);
    assert.deepEqual(other.pods, []);
    assert.equal((await environment(t, second.id, other.prod.id)).last_successful_deployment, null);
  });
});
