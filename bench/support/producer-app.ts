import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { deployPipeline, podman } from '../../test/podman/podman-helpers.ts';
import { STATIC_BUSYBOX } from '../../test/runner/podman-test-image.ts';
import { apiRequest } from './api-request.ts';
import type { CleanupRegistry } from './cleanup-registry.ts';
import { basicAuth, gitOk, gitScratch } from './git-client.ts';
import { runCommand } from './run-command.ts';
import { sleep } from './sleep.ts';
import { temporaryDirectory } from './temporary-directory.ts';

// The application the environment operations benchmark deploys to Podman through Gantry: the log
// producer (log-producer/main.go) as the container's process, with a static busybox as /bin/sh
// for the shell benchmark and for writing the producer's control file.

const PRODUCER_SOURCE = fileURLToPath(new URL('./log-producer/main.go', import.meta.url));

/**
 * Builds `image` (`localhost/<name>:<tag>`): the producer compiled here (`CGO_ENABLED=0`, the
 * standard library only, so static; no module download: `GOPROXY=off`, `GOTOOLCHAIN=local`) and
 * busybox, `FROM scratch`.
 * @throws {Error} with go's or podman's message when either fails.
 */
export async function buildProducerImage(cleanup: CleanupRegistry, image: string): Promise<void> {
  const context = await temporaryDirectory(cleanup, 'gantry-bench-producer-', 'producer build directory');
  try {
    const source = join(context.path, 'src');
    await mkdir(source);
    await copyFile(PRODUCER_SOURCE, join(source, 'main.go'));
    const built = await runCommand(
      'go',
      ['build', '-trimpath', '-o', join(context.path, 'producer'), 'main.go'],
      {
        cwd: source,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? context.path,
          CGO_ENABLED: '0',
          GOPROXY: 'off',
          GOTOOLCHAIN: 'local',
          GOFLAGS: '',
        },
      },
    );
    if (built.code !== 0) throw new Error(`go build of the log producer failed:\n${built.stderr}`);
    await copyFile(STATIC_BUSYBOX, join(context.path, 'busybox'));
    await writeFile(
      join(context.path, 'Containerfile'),
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        'COPY busybox /bin/sh',
        'COPY producer /producer',
        'ENTRYPOINT ["/producer"]',
        '',
      ].join('\n'),
    );
    await podman(['build', '--pull=never', '--network', 'none', '--quiet', '--tag', image, context.path]);
  } finally {
    await context.release();
  }
}

/** One Deployment, `producer`, whose container `producer` runs the image's producer. */
export function producerManifest(image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: producer }
spec:
  selector: { matchLabels: { app: producer } }
  template:
    metadata: { labels: { app: producer } }
    spec:
      containers:
        - name: producer
          image: ${image}
`;
}

/** The producer deployed by Gantry: where its environment's API is, and its container on the host. */
export interface DeployedProducer {
  projectId: number;
  environmentId: number;
  /** `<url>/api/v1/projects/<id>/environments/<environment_id>`. */
  environmentUrl: string;
  /** Podman's name of the container (`<pod>-producer`). */
  container: string;
  /** How long from the push until the deployment succeeded, in seconds. */
  deploySeconds: number;
}

const DEPLOY_TIMEOUT_MS = 180_000;
const FINISHED = new Set(['success', 'failed', 'canceled', 'skipped']);

/**
 * Creates project `path` with a Podman target (the server's own host), pushes the producer's
 * manifest and a `deploy:` job for `production` with real git over HTTP, and waits until that
 * deployment succeeded.
 * @throws {Error} when a request fails or the deployment ends otherwise (with its job's log).
 */
export async function deployProducer(options: {
  cleanup: CleanupRegistry;
  url: string;
  token: string;
  path: string;
  image: string;
}): Promise<DeployedProducer> {
  const { url, token } = options;
  const api = async <T>(method: string, path: string, body?: unknown, expected = 200) =>
    (await apiRequest<T>(url, method, path, token, body, expected)).body;
  const project = await api<{ id: number }>('POST', '/projects', { path: options.path }, 201);
  await api('POST', `/projects/${project.id}/targets`, { name: 'host', kind: 'podman', podman: {} }, 201);

  const scratch = await gitScratch(options.cleanup, {
    GIT_AUTHOR_NAME: 'Gantry Bench',
    GIT_AUTHOR_EMAIL: 'bench@gantry.invalid',
    GIT_COMMITTER_NAME: 'Gantry Bench',
    GIT_COMMITTER_EMAIL: 'bench@gantry.invalid',
  });
  const auth = basicAuth('admin', token);
  const work = { dir: join(scratch.dir, 'app'), env: scratch.env };
  await gitOk(scratch, ['clone', '--quiet', `${url}/${options.path}.git`, work.dir], auth);
  await mkdir(join(work.dir, 'k8s'));
  await writeFile(join(work.dir, 'k8s', 'producer.yaml'), producerManifest(options.image));
  await writeFile(join(work.dir, '.gantry.yml'), deployPipeline('manifests: k8s/\ntimeout: 120s'));
  await gitOk(work, ['add', '.']);
  await gitOk(work, ['commit', '--quiet', '-m', 'the log producer']);
  const sha = await gitOk(work, ['rev-parse', 'HEAD']);
  const pushed = performance.now();
  await gitOk(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], auth);
  await scratch.release();

  interface DeploymentJson {
    id: number;
    sha: string;
    status: string;
    environment: { id: number };
    deployable: { id: number } | null;
  }
  const deadline = Date.now() + DEPLOY_TIMEOUT_MS;
  let deployment: DeploymentJson | undefined;
  while (deployment === undefined || !FINISHED.has(deployment.status)) {
    if (Date.now() > deadline) {
      throw new Error(
        `the deployment of ${sha} did not finish in ${DEPLOY_TIMEOUT_MS / 1000} s: ${JSON.stringify(deployment)}`,
      );
    }
    await sleep(250);
    const list = await api<DeploymentJson[]>('GET', `/projects/${project.id}/deployments?per_page=20`);
    deployment = list.find((found) => found.sha === sha);
  }
  if (deployment.status !== 'success') {
    const trace =
      deployment.deployable === null
        ? ''
        : await fetch(`${url}/api/v1/projects/${project.id}/jobs/${deployment.deployable.id}/trace`, {
            headers: { authorization: `Bearer ${token}` },
          }).then((response) => response.text());
    throw new Error(`the deployment ended ${deployment.status}:\n${trace.slice(-4000)}`);
  }
  const deploySeconds = (performance.now() - pushed) / 1000;
  const environmentUrl = `${url}/api/v1/projects/${project.id}/environments/${deployment.environment.id}`;
  const containers = await api<{ containers: { pod: string; container: string; state: string }[] }>(
    'GET',
    `/projects/${project.id}/environments/${deployment.environment.id}/containers`,
  );
  const producer = containers.containers.find((found) => found.container === 'producer');
  if (producer?.state !== 'running') {
    throw new Error(`no running producer container: ${JSON.stringify(containers)}`);
  }
  return {
    projectId: project.id,
    environmentId: deployment.environment.id,
    environmentUrl,
    container: `${producer.pod}-producer`,
    deploySeconds,
  };
}

/**
 * Asks the producer for a burst: `tag`-tagged lines at `bytesPerSecond` for `seconds`, by writing
 * its control file inside the container (`podman exec`, renamed into place so it is never read
 * half-written).
 */
export async function startBurst(
  container: string,
  burst: { tag: string; bytesPerSecond: number; seconds: number },
): Promise<void> {
  if (!/^\w+$/.test(burst.tag))
    throw new Error(`a burst's tag must be letters and digits, got "${burst.tag}"`);
  const line = `${burst.tag} ${Math.round(burst.bytesPerSecond)} ${burst.seconds}`;
  await podman([
    'exec',
    container,
    '/bin/busybox',
    'sh',
    '-c',
    `echo "${line}" > /produce.new && /bin/busybox mv /produce.new /produce`,
  ]);
}

/** The host pids of the container's conmon and of its process (the producer). */
export async function containerPids(container: string): Promise<{ conmon: number; producer: number }> {
  const [conmon, producer] = (
    await podman(['inspect', '--format', '{{.State.ConmonPid}} {{.State.Pid}}', container])
  )
    .trim()
    .split(' ')
    .map(Number);
  if (!Number.isInteger(conmon) || !Number.isInteger(producer) || !conmon || !producer) {
    throw new Error(`podman inspect gave no pids for ${container}`);
  }
  return { conmon, producer };
}
