import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { DEFAULT_REGISTRY_BINARY } from '../../src/config/server-config.ts';
import { podmanHostFilePaths } from '../../src/podman/podman-host-files.ts';
import { commandWorks, realDependency } from '../runner/real-dependency.ts';

const run = promisify(execFile);

/** Podman, Debian's docker-registry and a static busybox (the images' only binary). */
export const registryTools = realDependency(
  commandWorks('podman', ['--version']) && existsSync(DEFAULT_REGISTRY_BINARY) && existsSync('/bin/busybox'),
  'podman, docker-registry or busybox-static',
);

/** A random lower-case suffix, so parallel test files never share names. */
export const unique = () => Math.random().toString(36).slice(2, 10);

export const basic = (username: string, secret: string) =>
  `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;

/** Calls Gantry's `/v2/…` with optional Basic credentials; the body is parsed JSON when it is JSON. */
export async function v2(
  base: string,
  path: string,
  options: { method?: string; auth?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{
  status: number;
  headers: Headers;
  body: { errors?: Array<{ code: string; message: string }> } & Record<string, unknown>;
}> {
  const response = await fetch(`${base}${path}`, {
    method: options.method ?? 'GET',
    headers: { ...(options.auth && { authorization: options.auth }), ...options.headers },
    ...(options.body !== undefined && {
      body: typeof options.body === 'string' ? options.body : new Uint8Array(options.body),
    }),
  });
  const text = await response.text();
  let body: unknown = {};
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body: body as never };
}

/**
 * Runs podman as a server's jobs do: with the containers.conf and registries.conf the server wrote
 * under its data directory (runtime settings, Gantry's plain-HTTP registry marked insecure).
 */
export async function podman(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  const paths = podmanHostFilePaths(dataDir);
  return run('podman', args, {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      CONTAINERS_CONF: paths.containersConf,
      ...(existsSync(paths.registriesConf) && { CONTAINERS_REGISTRIES_CONF: paths.registriesConf }),
      ...env,
    },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** Builds the Containerfile in `context` as `reference`, offline (no pull, no network). */
export async function buildImage(dataDir: string, reference: string, context: string): Promise<void> {
  await podman(dataDir, ['build', '--quiet', '--pull=never', '--network', 'none', '-t', reference, context]);
}

/** Removes images by name, ignoring those already gone (after hooks). */
export async function removeImages(dataDir: string, names: string[]): Promise<void> {
  for (const name of names) await podman(dataDir, ['rmi', '--force', name]).catch(() => {});
}

/** A docker-registry of its own on a loopback TCP port, as an admin's external registry. */
export interface StandaloneRegistry {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's docker-registry on 127.0.0.1:`port` with storage in `dir`, and the `auth`
 * section given (htpasswd, token…); resolves once it answers `GET /v2/` (401 or 200).
 */
export async function startStandaloneRegistry(
  dir: string,
  port: number,
  auth: unknown,
): Promise<StandaloneRegistry> {
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    YAML.stringify({
      version: 0.1,
      log: { level: 'error', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'storage') }, delete: { enabled: true } },
      http: { addr: `127.0.0.1:${port}`, secret: 'test-secret' },
      auth,
    }),
  );
  const child = spawn(DEFAULT_REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const status = await fetch(`${url}/v2/`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200 || status === 401) break;
    if (child.exitCode !== null || attempt > 500) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not start on ${url}: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
