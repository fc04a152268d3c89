import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { containersConf } from '../../src/podman/containers-conf.ts';
import { deploymentEnds, deploymentsOf, environmentNamed } from '../deployments/deployment-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { eventually, pushFiles, trace } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  buildWebImage,
  cleanUpPodman,
  deployPipeline,
  httpText,
  podmanDependency,
  podmanProject,
  pushAndDeploy,
} from './podman-helpers.ts';

// A Podman target reached through `podman --url` (a Podman service on a unix socket, as a remote
// host's is over SSH), target settings checked on save, and a deployment canceled while it waits.

const run = randomBytes(3).toString('hex');
const imagePrefix = `gantry-test-${run}`;

function app(probePath: string): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: app }
spec:
  containers:
    - name: web
      image: web
      ports: [{ containerPort: 8080 }]
      readinessProbe: { httpGet: { path: ${probePath}, port: 8080 } }
`;
}

describe('Podman target over podman --url', podmanDependency.options, () => {
  let service: ChildProcess | undefined;
  let scratch: { path: string; cleanup(): Promise<void> };
  let socket: string;
  let image: string;

  before(async () => {
    podmanDependency.assertPresent();
    image = await buildWebImage(`${imagePrefix}-web`, 'v1', 'remote 1');
    scratch = await scratchDir('gantry-podman-service-');
    socket = join(scratch.path, 'podman.sock');
    const conf = join(scratch.path, 'containers.conf');
    await writeFile(conf, containersConf());
    // The service runs the containers, so it needs the host settings; the client's do not reach it.
    service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
      env: { ...process.env, CONTAINERS_CONF: conf },
      stdio: 'ignore',
    });
    await eventually(
      () =>
        access(socket).then(
          () => true,
          () => undefined,
        ),
      () => `podman system service did not create ${socket}`,
      30_000,
    );
  });
  after(async () => {
    if (service?.pid !== undefined) {
      const exited = new Promise((resolve) => service!.once('exit', resolve));
      service.kill();
      await exited;
    }
    await cleanUpPodman(`podman-${run}-`);
    await cleanUpPodman(imagePrefix);
    await scratch?.cleanup();
  });

  for (const dialect of DIALECTS) {
    describe(`on ${dialect}`, dialectSuiteOptions(dialect), () => {
      let t: TestServer;
      let work: { path: string; cleanup(): Promise<void> };

      before(async () => {
        t = await startTestServer(dialect);
        work = await scratchDir();
      });
      after(async () => {
        await t?.stop();
        await work?.cleanup();
      });

      test('settings are checked on save, with errors that say what is wrong', async () => {
        const project = await t.api<{ id: number }>('POST', 'projects', {
          body: { path: `podman-${run}/${dialect}-settings` },
        });
        const create = (body: Record<string, unknown>) =>
          t.api<{ error: { message: string; details: { path: string }[] } }>(
            'POST',
            `projects/${project.body.id}/targets`,
            {
              body: { name: `t-${randomBytes(2).toString('hex')}`, kind: 'podman', ...body },
            },
          );
        const unreachable = await create({ podman: { url: `unix://${scratch.path}/nothing.sock` } });
        assert.equal(unreachable.status, 400);
        assert.match(
          unreachable.body.error.message,
          /^Podman on unix:\/\/\S+nothing\.sock does not answer: cannot reach Podman at/,
        );
        const noKey = await create({ podman: { url: 'ssh://core@192.0.2.1/run/podman/podman.sock' } });
        assert.equal(noKey.status, 400);
        assert.equal(noKey.body.error.details[0]?.path, '/podman/ssh_key');
        const badAddress = await create({ podman: { publish_address: 'everywhere' } });
        assert.equal(badAddress.body.error.details[0]?.path, '/podman/publish_address');
        const wrongField = await create({ url: 'https://hooks.example' });
        assert.equal(wrongField.status, 400);
        assert.match(wrongField.body.error.message, /a podman target takes podman: settings, not url/);
        const notPodman = await t.api<{ error: { message: string } }>(
          'POST',
          `projects/${project.body.id}/targets`,
          {
            body: { name: 'hook', kind: 'external', url: 'https://hooks.example/x', podman: {} },
          },
        );
        assert.equal(notPodman.status, 400);
        assert.match(notPodman.body.error.message, /an? external target takes no podman: settings/);

        const saved = await create({ podman: { url: `unix://${socket}`, publish_address: '127.0.0.1' } });
        assert.equal(saved.status, 201, JSON.stringify(saved.body));
        const view = saved.body as unknown as { id: number; url: null; podman: Record<string, unknown> };
        assert.equal(view.url, null);
        assert.deepEqual(view.podman, {
          url: `unix://${socket}`,
          runtime: 'runc',
          cgroup_manager: 'cgroupfs',
          ulimits: ['nofile=1024:1024', 'nproc=4096:4096'],
          publish_address: '127.0.0.1',
          tls_verify: true,
          ssh_key_set: false,
          version: view.podman.version,
        });
        assert.match(String(view.podman.version), /^\d+\.\d+/);
        const updated = await t.api<{ podman: { tls_verify: boolean; url: string } }>(
          'PUT',
          `projects/${project.body.id}/targets/${view.id}`,
          { body: { podman: { tls_verify: false } } },
        );
        assert.equal(updated.status, 200, JSON.stringify(updated.body));
        assert.equal(updated.body.podman.tls_verify, false);
        assert.equal(updated.body.podman.url, `unix://${socket}`, 'what an update leaves out stays');
      });

      test('deploys through the service, shows the status, stops; a deployment waiting for readiness is canceled', async () => {
        const path = `podman-${run}/${dialect}`;
        const project = await podmanProject(t, work.path, path, { url: `unix://${socket}` });
        const pipeline = deployPipeline(`
manifests: app.yaml
images:
  web: ${image}
timeout: 60s`);
        const v1 = await pushAndDeploy(t, project, { 'app.yaml': app('/'), '.gantry.yml': pipeline });
        const first = v1.deployments.production!;
        assert.equal(first.status, 'success', await trace(t, project.id, first.deployable!.id));
        const production = await environmentNamed(t, project.id, 'production');
        const url = (production as unknown as { external_url: string }).external_url;
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(await httpText(url), 'remote 1');
        assert.match(await trace(t, project.id, first.deployable!.id), /Podman target "host" \(unix:\/\//);
        const status = await t.api<{
          pods: { name: string; containers: { name: string; state: string }[] }[];
        }>('GET', `projects/${project.id}/environments/${production.id}/podman`);
        assert.equal(status.status, 200, JSON.stringify(status.body));
        assert.deepEqual(
          status.body.pods.map((pod) => [pod.name, pod.containers.map((c) => `${c.name}:${c.state}`)]),
          [[`podman-${run}-${dialect}-production-app`, ['web:running']]],
        );

        // A release whose readiness probe never passes waits; canceling the job ends it at once.
        const before = new Set((await deploymentsOf(t, project.id)).map((d) => d.id));
        const sha = await pushFiles(project.clone, { 'app.yaml': app('/missing') });
        const waiting = await eventually(
          async () => {
            const d = (await deploymentsOf(t, project.id)).find((x) => x.sha === sha && !before.has(x.id));
            if (!d?.deployable) return undefined;
            return (await trace(t, project.id, d.deployable.id)).includes('Waiting for the containers')
              ? d
              : undefined;
          },
          () => 'the deployment did not start waiting',
        );
        const cancel = await t.api('POST', `projects/${project.id}/jobs/${waiting.deployable!.id}/cancel`);
        assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
        const canceled = await deploymentEnds(t, project.id, waiting.id);
        assert.equal(canceled.status, 'canceled');
        const current = await environmentNamed(t, project.id, 'production');
        assert.equal(current.last_successful_deployment?.id, first.id);

        // Stop: the pod is gone from the host.
        const stop = await t.api('POST', `projects/${project.id}/environments/${production.id}/stop`);
        assert.equal(stop.status, 200, JSON.stringify(stop.body));
        await eventually(
          async () =>
            (await environmentNamed(t, project.id, 'production')).state === 'stopped' ? true : undefined,
          () => 'production did not stop',
        );
        const after = await t.api<{ pods: unknown[] }>(
          'GET',
          `projects/${project.id}/environments/${production.id}/podman`,
        );
        assert.deepEqual(after.body.pods, []);
      });
    });
  }
});
