import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** A running throwaway Maven repository: nginx serving a directory over WebDAV on loopback. */
export interface RunningMavenRepository {
  /** Base URL of the repository, with a trailing slash, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  /** The user allowed to PUT and DELETE; anyone may GET. */
  username: string;
  password: string;
  /** The directory on disk holding the repository's files (the server's document root). */
  root: string;
  /** Stops nginx and deletes its files; safe to call twice. */
  stop(): Promise<void>;
}

const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx'];
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

function findNginx(): string | undefined {
  return NGINX_CANDIDATES.find((path) => existsSync(path));
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why {@link startMavenRepository} cannot run here (nginx or htpasswd missing), or undefined when it can. */
export function mavenRepositoryUnavailableReason(): string | undefined {
  const missing = [
    ...(findNginx() === undefined ? ['nginx (Debian nginx or nginx-light, with the WebDAV module)'] : []),
    ...(hasCommand('htpasswd') ? [] : ['htpasswd (Debian apache2-utils)']),
  ];
  return missing.length === 0
    ? undefined
    : `missing ${missing.join(' and ')}: install them with \`bash scripts/setup.sh --test\``;
}

function nginxConfig(dir: string, port: number): string {
  // Workers of a master started as root would drop to `nobody`, which cannot write the temp dir.
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  return `${user}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  types { application/java-archive jar; text/xml xml pom; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/repository;
    client_max_body_size 0;
    location / {
      dav_methods PUT DELETE MKCOL;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
      autoindex on;
      limit_except GET HEAD {
        auth_basic "Gantry test Maven repository";
        auth_basic_user_file ${dir}/htpasswd;
      }
    }
  }
}
`;
}

async function waitUntilServing(url: string, child: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let log = '';
  try {
    log = readFileSync(join(dir, 'error.log'), 'utf8');
  } catch {
    // No log written.
  }
  throw new Error(
    `nginx did not serve ${url} within ${READY_TIMEOUT_MS} ms (exit code ${child.exitCode}):\n${log}`,
  );
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGQUIT is nginx's graceful stop; SIGKILL after the timeout in case a worker hangs.
  child.kill('SIGQUIT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts nginx with WebDAV on a free loopback port, in a fresh temporary directory: anonymous GET,
 * PUT and DELETE only with basic auth (a random password in an htpasswd file), parent directories
 * created on PUT — what Maven's deploy needs from a repository.
 * @throws when nginx or htpasswd is missing ({@link mavenRepositoryUnavailableReason}), or nginx does not start.
 */
export async function startMavenRepository(): Promise<RunningMavenRepository> {
  const reason = mavenRepositoryUnavailableReason();
  if (reason !== undefined) throw new Error(reason);
  const nginx = findNginx() as string;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-maven-repo-'));
  const root = join(dir, 'repository');
  mkdirSync(root);
  mkdirSync(join(dir, 'tmp'));
  const username = 'deployer';
  const password = randomBytes(12).toString('hex');
  execFileSync('htpasswd', ['-c', '-b', '-m', join(dir, 'htpasswd'), username, password], {
    stdio: 'ignore',
  });
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port));
  const child = spawn(
    nginx,
    ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    {
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}/`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(url, child, dir);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, username, password, root, stop };
}
