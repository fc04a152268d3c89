import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { environment, environmentNamed } from '../deployments/deployment-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { eventually, trace } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  buildWebImage,
  cleanUpPodman,
  deployPipeline,
  httpText,
  type PodmanDeploymentView,
  podman,
  podmanDependency,
  podmanProject,
  pushAndDeploy,
} from './podman-helpers.ts';

// The Podman target end to end on this host's real Podman: deploy, the environment URL answering,
// upgrade, rollback, a volume surviving re-deploys, a crashing release failing fast with its exit
// code and logs, partial rollout, two environments side by side, the status API and stop.

const run = randomBytes(3).toString('hex');
const imagePrefix = `gantry-test-${run}`;

interface StatusView {
  target: { id: number; name: string };
  pods: {
    name: string;
    status: string;
    containers: {
      name: string;
      image: string;
      digest: string | null;
      state: string;
      restarts: number;
      ports: { host_ip: string; host_port: number; container_port: number }[];
    }[];
  }[];
}

/** A claim, a ConfigMap, a Service (skipped) and a Deployment of `web` (8080) and `sidecar` (8081). */
function manifests(options: { sidecar: string; webCommand?: string[] }): string {
  const command = options.webCommand ? `\n          command: ${JSON.stringify(options.webCommand)}` : '';
  return `apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { greeting: hello }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
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
          image: web${command}
          ports: [{ containerPort: 8080 }]
          env: [{ name: GREETING, valueFrom: { configMapKeyRef: { name: settings, key: greeting } } }]
          readinessProbe: { httpGet: { path: /, port: 8080 } }
          volumeMounts: [{ name: data, mountPath: /www/data }]
        - name: sidecar
          image: ${options.sidecar}
          command: ["/bin/busybox", "httpd", "-f", "-p", "8081", "-h", "/www"]
          ports: [{ containerPort: 8081, name: side }]
          readinessProbe: { tcpSocket: { port: side } }
      volumes: [{ name: data, persistentVolumeClaim: { claimName: data } }]
`;
}

function pipeline(web: string, options: { environments?: string[]; containers?: string } = {}): string {
  return deployPipeline(
    `
manifests: k8s/
images:
  web: ${web}
${options.containers ?? ''}
timeout: 60s`,
    options.environments,
  );
}

describe('Podman target', podmanDependency.options, () => {
  const images: Record<string, string> = {};

  before(async () => {
    podmanDependency.assertPresent();
    images.web1 = await buildWebImage(`${imagePrefix}-web`, 'v1', 'version 1');
    images.web2 = await buildWebImage(`${imagePrefix}-web`, 'v2', 'version 2');
    images.side1 = await buildWebImage(`${imagePrefix}-side`, 'v1', 'sidecar 1');
    images.side2 = await buildWebImage(`${imagePrefix}-side`, 'v2', 'sidecar 2');
  });
  after(async () => {
    await cleanUpPodman(`podman-${run}-`);
    await cleanUpPodman(imagePrefix);
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
        await cleanUpPodman(`podman-${run}-${dialect}-`);
      });

      test('deploy, upgrade, rollback, volume kept, crash fails fast, partial rollout, two environments, status, stop', async () => {
        const path = `podman-${run}/${dialect}`;
        const project = await podmanProject(t, work.path, path);
        const prefix = `podman-${run}-${dialect}-production-`;
        const logOf = (d: PodmanDeploymentView) => trace(t, project.id, d.deployable!.id);

        // 1. First deployment: the environment URL is the published port, and answers v1.
        const v1 = await pushAndDeploy(t, project, {
          'k8s/app.yaml': manifests({ sidecar: images.side1! }),
          '.gantry.yml': pipeline(images.web1!),
        });
        const first = v1.deployments.production!;
        assert.equal(first.status, 'success', await logOf(first));
        const snapshot = first.snapshot!;
        assert.equal(snapshot.kind, 'podman');
        assert.equal(snapshot.namePrefix, prefix);
        assert.deepEqual(snapshot.inventory.map((ref) => `${ref.kind}/${ref.name}`).sort(), [
          `ConfigMap/${prefix}settings`,
          `Deployment/${prefix}web`,
          `PersistentVolumeClaim/${prefix}data`,
        ]);
        assert.deepEqual(snapshot.volumes, [{ claim: 'data', volume: `${prefix}data` }]);
        const web = snapshot.images.find((image) => image.container === 'web');
        assert.equal(web?.image, images.web1);
        assert.match(web?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
        const webPort = snapshot.ports.find((port) => port.container === 'web');
        assert.equal(webPort?.hostIp, '127.0.0.1');
        const production = await environmentNamed(t, project.id, 'production');
        const url = (await environment(t, project.id, production.id)) as unknown as { external_url: string };
        assert.equal(url.external_url, `http://127.0.0.1:${webPort?.hostPort}`);
        assert.equal(await httpText(url.external_url), 'version 1');
        const log1 = await logOf(first);
        assert.match(log1, /Service web skipped: Podman has no Services/);
        assert.match(log1, new RegExp(`volume ${prefix}data created`));
        assert.match(log1, /container web is running and ready \(HTTP GET :8080\/\)/);
        assert.match(log1, /container sidecar is running and ready \(TCP :8081\)/);
        assert.match(log1, /Environment URL: http:\/\/127\.0\.0\.1:\d+/);

        // Data written into the claim's volume is served from it (mounted at /www/data).
        await podman([
          'exec',
          `${prefix}web-pod-0-web`,
          '/bin/busybox',
          'sh',
          '-c',
          'echo kept > /www/data/marker',
        ]);
        assert.equal(await httpText(`${url.external_url}/data/marker`), 'kept');

        // 2. v2, with a staging environment beside production: same URL for production, v2 on both,
        // staging on its own port, pods and volume; the volume's data survived the re-deploy.
        const v2 = await pushAndDeploy(
          t,
          project,
          {
            'k8s/app.yaml': manifests({ sidecar: images.side1! }),
            '.gantry.yml': pipeline(images.web2!, { environments: ['production', 'staging'] }),
          },
          ['production', 'staging'],
        );
        const second = v2.deployments.production!;
        const staging = v2.deployments.staging!;
        assert.equal(second.status, 'success', await logOf(second));
        assert.equal(staging.status, 'success', await logOf(staging));
        assert.equal(await httpText(url.external_url), 'version 2');
        assert.equal(
          await httpText(`${url.external_url}/data/marker`),
          'kept',
          'the volume survives re-deploys',
        );
        assert.match(await logOf(second), new RegExp(`volume ${prefix}data kept`));
        const stagingPort = staging.snapshot!.ports.find((port) => port.container === 'web')!.hostPort;
        assert.notEqual(stagingPort, webPort?.hostPort);
        assert.equal(staging.snapshot!.namePrefix, `podman-${run}-${dialect}-staging-`);
        assert.equal(await httpText(`http://127.0.0.1:${stagingPort}`), 'version 2');
        assert.equal(await httpText(`http://127.0.0.1:${webPort?.hostPort}`), 'version 2');

        // 3. Rollback to the first deployment: v1 answers again, at the same URL.
        const rollback = await t.api<PodmanDeploymentView>(
          'POST',
          `projects/${project.id}/deployments/${first.id}/rollback`,
        );
        assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
        const rolledBack = await eventually(
          async () => {
            const d = await t.api<PodmanDeploymentView>(
              'GET',
              `projects/${project.id}/deployments/${rollback.body.id}`,
            );
            return ['success', 'failed', 'canceled'].includes(d.body.status) ? d.body : undefined;
          },
          () => 'the rollback did not end',
        );
        assert.equal(rolledBack.status, 'success', await logOf(rolledBack));
        assert.equal(rolledBack.rollback_of, first.id);
        assert.match(await logOf(rolledBack), /Applying the snapshot of deployment #1/);
        assert.equal(await httpText(url.external_url), 'version 1');
        assert.equal(await httpText(`${url.external_url}/data/marker`), 'kept');

        // 4. Partial rollout: only web changes; the sidecar keeps the image it runs.
        const partial = await pushAndDeploy(t, project, {
          'k8s/app.yaml': manifests({ sidecar: images.side2! }),
          '.gantry.yml': pipeline(images.web2!, { containers: 'containers: [web]' }),
        });
        const third = partial.deployments.production!;
        assert.equal(third.status, 'success', await logOf(third));
        assert.match(await logOf(third), new RegExp(`sidecar keeps ${images.side1!.replace(/[.]/g, '\\.')}`));
        assert.equal(await httpText(url.external_url), 'version 2');
        assert.equal(
          await httpText(
            `http://127.0.0.1:${third.snapshot!.ports.find((p) => p.container === 'sidecar')!.hostPort}`,
          ),
          'sidecar 1',
        );

        // 5. The status API: the pod, its containers running with their images and digests.
        const status = await t.api<StatusView>(
          'GET',
          `projects/${project.id}/environments/${production.id}/podman`,
        );
        assert.equal(status.status, 200, JSON.stringify(status.body));
        assert.deepEqual(status.body.target, { id: project.targetId, name: 'host' });
        assert.deepEqual(
          status.body.pods.map((pod) => pod.name),
          [`${prefix}web-pod-0`],
        );
        const [pod] = status.body.pods;
        assert.equal(pod!.status, 'Running');
        const byName = Object.fromEntries(pod!.containers.map((c) => [c.name, c]));
        assert.equal(byName.web?.state, 'running');
        assert.equal(byName.web?.image, images.web2);
        assert.match(byName.web?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
        assert.equal(byName.web?.restarts, 0);
        assert.deepEqual(byName.web?.ports, [
          { host_ip: '127.0.0.1', host_port: webPort!.hostPort, container_port: 8080 },
        ]);
        assert.equal(byName.sidecar?.image, images.side1);

        // 6. A release whose container exits at start fails fast with its exit code and log lines;
        // the previous deployment stays the current one.
        const crash = await pushAndDeploy(t, project, {
          'k8s/app.yaml': manifests({
            sidecar: images.side1!,
            webCommand: ['/bin/busybox', 'sh', '-c', 'echo the database URL is missing >&2; exit 3'],
          }),
          '.gantry.yml': pipeline(images.web2!),
        });
        const crashed = crash.deployments.production!;
        assert.equal(crashed.status, 'failed');
        const crashLog = await logOf(crashed);
        assert.match(crashLog, /container web (exited with code 3|restarted \d+ times? \(exit code 3\))/);
        assert.match(crashLog, /the database URL is missing/);
        assert.doesNotMatch(crashLog, /not ready after/);
        const statuses = await t.api<{ state: string; description: string }[]>(
          'GET',
          `projects/${project.id}/deployments/${crashed.id}/statuses`,
        );
        assert.equal(statuses.body[0]?.state, 'failure');
        assert.match(statuses.body[0]?.description ?? '', /exit code 3|code 3/);
        assert.match(statuses.body[0]?.description ?? '', /the database URL is missing/);
        const afterCrash = await environment(t, project.id, production.id);
        assert.equal(afterCrash.last_successful_deployment?.id, third.id);

        // 7. Stop: the containers go, the named volume and its data stay.
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
        assert.equal(
          (await podman(['pod', 'ps', '--filter', `name=${prefix}`, '--format', '{{.Name}}'])).trim(),
          '',
        );
        assert.equal(
          (await podman(['volume', 'ls', '--filter', `name=${prefix}data`, '--format', '{{.Name}}'])).trim(),
          `${prefix}data`,
        );
        const gone = await t.api<StatusView>(
          'GET',
          `projects/${project.id}/environments/${production.id}/podman`,
        );
        assert.deepEqual(gone.body.pods, []);
        // Staging still runs.
        assert.equal(await httpText(`http://127.0.0.1:${stagingPort}`), 'version 2');
      });
    });
  }
});
