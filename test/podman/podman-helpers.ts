import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { containersConf } from '../../src/podman/containers-conf.ts';
import {
  type DeploymentView,
  deployment,
  deploymentEnds,
  deploymentsOf,
} from '../deployments/deployment-helpers.ts';
import { isStaticElf, STATIC_BUSYBOX } from '../runner/podman-test-image.ts';
import { commandWorks, realDependency } from '../runner/real-dependency.ts';
import { cloneProject, eventually, pushFiles } from '../support/pipeline-helpers.ts';
import type { TestServer } from '../support/test-server.ts';

// What the Podman target's end-to-end tests share: podman with the host settings this machine
// needs, images built here from a static busybox, projects with a Podman target, pushes and reads.

const run = promisify(execFile);

/** Podman, runc, catatonit (pods' infra) and busybox-static: fail in CI when missing, skip elsewhere. */
export const podmanDependency = realDependency(
  commandWorks('podman', ['--version']) &&
    commandWorks('runc', ['--version']) &&
    commandWorks('catatonit', ['--version']),
  'podman, runc and catatonit (the Podman target tests run real pods)',
);

let configDir: Promise<string> | undefined;

/** Runs podman as Gantry's Podman target does (runc, cgroupfs, explicit rlimits); returns stdout. */
export async function podman(args: readonly string[]): Promise<string> {
  configDir ??= mkdtemp(join(tmpdir(), 'gantry-podman-test-')).then(async (dir) => {
    await writeFile(join(dir, 'containers.conf'), containersConf());
    return dir;
  });
  const conf = join(await configDir, 'containers.conf');
  const { stdout } = await run('podman', [...args], {
    env: { ...process.env, CONTAINERS_CONF: conf },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/**
 * Builds `localhost/<name>:<tag>`: a `FROM scratch` image of a static busybox whose httpd serves
 * /www, where index.html says `content`. Nothing is pulled or pushed.
 */
export async function buildWebImage(name: string, tag: string, content: string): Promise<string> {
  assert.ok(await isStaticElf(STATIC_BUSYBOX), `${STATIC_BUSYBOX} must be a static binary (busybox-static)`);
  const context = await mkdtemp(join(tmpdir(), 'gantry-podman-image-'));
  try {
    await copyFile(STATIC_BUSYBOX, join(context, 'busybox'));
    await writeFile(join(context, 'index.html'), `${content}\n`);
    await writeFile(
      join(context, 'Containerfile'),
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        'COPY index.html /www/index.html',
        'ENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]',
        '',
      ].join('\n'),
    );
    const image = `localhost/${name}:${tag}`;
    await podman(['build', '--pull=never', '--network', 'none', '--quiet', '--tag', image, context]);
    return image;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** Removes what a test made on the host: pods, volumes and images whose names start with `prefix`. */
export async function cleanUpPodman(prefix: string): Promise<void> {
  const lines = async (args: string[]) =>
    (await podman(args).catch(() => ''))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith(prefix) || line.startsWith(`localhost/${prefix}`));
  const pods = await lines(['pod', 'ps', '--format', '{{.Name}}']);
  if (pods.length > 0)
    await podman(['pod', 'rm', '--force', '--ignore', '--time', '0', ...pods]).catch(() => '');
  const volumes = await lines(['volume', 'ls', '--format', '{{.Name}}']);
  if (volumes.length > 0) await podman(['volume', 'rm', '--force', ...volumes]).catch(() => '');
  const images = await lines(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  if (images.length > 0) await podman(['rmi', '--force', ...images]).catch(() => '');
}

/** A project whose target for every environment is the local Podman host (registered over the API). */
export async function podmanProject(
  t: TestServer,
  work: string,
  path: string,
  podmanSettings: Record<string, unknown> = {},
): Promise<{ id: number; clone: string; targetId: number }> {
  const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const target = await t.api<{ id: number; podman: { version: string | null } }>(
    'POST',
    `projects/${created.body.id}/targets`,
    { body: { name: 'host', kind: 'podman', podman: podmanSettings } },
  );
  assert.equal(target.status, 201, JSON.stringify(target.body));
  assert.match(target.body.podman.version ?? '', /^\d+\.\d+/);
  const clone = await cloneProject(t, path, join(work, path.replace(/\//g, '-')));
  return { id: created.body.id, clone, targetId: target.body.id };
}

export interface PodmanDeploymentView extends DeploymentView {
  snapshot: {
    kind: string;
    sha: string;
    namePrefix: string;
    inventory: { kind: string; name: string }[];
    ports: { pod: string; container: string; containerPort: number; hostIp: string; hostPort: number }[];
    volumes: { claim: string; volume: string }[];
    images: { container: string; image: string; digest: string | null }[];
    manifests: { kind: string; metadata: { name: string } }[];
  } | null;
}

/** Pushes files and waits for every deployment of the push's pipeline to end; by environment name. */
export async function pushAndDeploy(
  t: TestServer,
  project: { id: number; clone: string },
  files: Record<string, string>,
  environments = ['production'],
): Promise<{ sha: string; deployments: Record<string, PodmanDeploymentView> }> {
  const before = new Set((await deploymentsOf(t, project.id)).map((d) => d.id));
  for (const name of Object.keys(files)) mkdirSync(dirname(join(project.clone, name)), { recursive: true });
  const sha = await pushFiles(project.clone, files);
  const created = await eventually(
    async () => {
      const found = (await deploymentsOf(t, project.id)).filter((d) => d.sha === sha && !before.has(d.id));
      return found.length === environments.length ? found : undefined;
    },
    () => `not ${environments.length} deployments for ${sha}`,
  );
  const deployments: Record<string, PodmanDeploymentView> = {};
  for (const found of created) {
    const ended = await deploymentEnds(t, project.id, found.id);
    deployments[ended.environment.name] = (await deployment(t, project.id, ended.id)) as PodmanDeploymentView;
  }
  return { sha, deployments };
}

/** A pipeline of `deploy:` jobs, one per environment, each with `deploy` as its settings. */
export function deployPipeline(deploy: string, environments = ['production']): string {
  return environments
    .flatMap((name) => [
      `deploy-${name}:`,
      '  environment:',
      `    name: ${name}`,
      '  deploy:',
      ...deploy
        .trim()
        .split('\n')
        .map((line) => `    ${line}`),
      '',
    ])
    .join('\n');
}

/** GET a URL on loopback; the body's text. */
export async function httpText(url: string): Promise<string> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url}: ${response.status}`);
  return (await response.text()).trim();
}
