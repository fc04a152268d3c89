import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** Environment variable holding the URL of a PostgreSQL server that tests may create databases on. */
export const POSTGRES_URL_ENV = 'GANTRY_TEST_POSTGRES_URL';

/** A running throwaway PostgreSQL server. */
export interface RunningPostgres {
  /** Superuser URL of the server's `postgres` database, e.g. `postgres://postgres@127.0.0.1:5433/postgres`. */
  url: string;
  /** Stops the server (fast shutdown, ending open connections) and deletes its files; safe to call twice. */
  stop(): Promise<void>;
}

/** Thrown by {@link startPostgres} when no PostgreSQL server binaries are installed. */
export class PostgresNotInstalledError extends Error {
  constructor() {
    super(
      'PostgreSQL server binaries (initdb, postgres) not found: tried `pg_config --bindir` and /usr/lib/postgresql/*/bin; ' +
        'install them with `bash scripts/setup.sh --test`',
    );
    this.name = 'PostgresNotInstalledError';
  }
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;

/**
 * Returns the directory holding `initdb` and `postgres`, or `undefined` when PostgreSQL is not installed.
 * `pg_config --bindir` wins when it points at server binaries (on Debian, libpq-dev's pg_config points at
 * /usr/bin, which has none); otherwise the newest /usr/lib/postgresql/<version>/bin.
 */
export function findPostgresBinDir(): string | undefined {
  const hasServer = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
  try {
    const dir = execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (dir && hasServer(dir)) return dir;
  } catch {
    // pg_config missing: fall through to Debian's layout.
  }
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root);
  } catch {
    return undefined;
  }
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a) || b.localeCompare(a));
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (hasServer(dir)) return dir;
  }
  return undefined;
}

/** Reads {@link POSTGRES_URL_ENV}; an empty value counts as unset. */
export function postgresUrlFromEnv(): string | undefined {
  const url = process.env[POSTGRES_URL_ENV]?.trim();
  return url ? url : undefined;
}

/**
 * Starts a throwaway PostgreSQL server: a fresh cluster in a temporary directory, listening only on
 * 127.0.0.1 at a free port (its unix socket stays inside the temporary directory), tuned for speed over
 * durability. As root, the server runs as the `postgres` OS user because initdb and postgres refuse root.
 *
 * @throws {PostgresNotInstalledError} when the server binaries are missing.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new PostgresNotInstalledError();

  const owner = serverOwner();
  const baseDir = mkdtempSync(join(tmpdir(), 'gantry-pg-'));
  const dataDir = join(baseDir, 'data');
  const logPath = join(baseDir, 'postgres.log');
  const removeDir = () => rmSync(baseDir, { recursive: true, force: true, maxRetries: 3 });
  try {
    if (owner) chownSync(baseDir, owner.uid, owner.gid);
    await run(
      join(binDir, 'initdb'),
      // Fixed encoding and locale so results do not depend on the host's LANG (which may give SQL_ASCII).
      ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'],
      baseDir,
      owner,
    );
  } catch (error) {
    removeDir();
    throw error;
  }

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const logFd = openSync(logPath, 'w');
    // Detached (its own process group) so that a terminal's Ctrl-C reaches only us, and the server stays up
    // until stop() once the tests have finished; its output goes to a log file, read only on failure.
    const child = spawn(
      join(binDir, 'postgres'),
      [
        '-D',
        dataDir,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-k',
        baseDir,
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { cwd: baseDir, env: serverEnv(), stdio: ['ignore', logFd, logFd], detached: true, ...owner },
    );
    closeSync(logFd);
    let gone = false;
    const exited = exitOf(child).then(() => {
      gone = true;
    });
    // If this process ends without calling stop(), do not leave the server running.
    const killOnExit = () => {
      child.kill('SIGQUIT');
      removeDir();
    };
    process.once('exit', killOnExit);

    const outcome = await waitReady(dataDir, () => gone);
    if (outcome === 'ready') {
      let stopping: Promise<void> | undefined;
      return {
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        stop: () => {
          stopping ??= (async () => {
            process.removeListener('exit', killOnExit);
            await stopChild(child, exited);
            removeDir();
          })();
          return stopping;
        },
      };
    }

    process.removeListener('exit', killOnExit);
    if (outcome === 'timeout') await stopChild(child, exited);
    const log = readLog(logPath);
    // Another process may take the port between our probe and the server's bind: try another one.
    if (outcome === 'exited' && /Address already in use/i.test(log) && attempt < PORT_ATTEMPTS) continue;
    removeDir();
    throw new Error(
      outcome === 'timeout'
        ? `PostgreSQL did not become ready within ${READY_TIMEOUT_MS} ms; its log:\n${log}`
        : `PostgreSQL exited during startup; its log:\n${log}`,
    );
  }
}

let databaseCounter = 0;

/**
 * Creates an empty database with a unique name (`t_<pid>_<counter>_<random>`) on the server at `adminUrl`,
 * which must allow `CREATE DATABASE`, and returns a URL for it with the same credentials.
 */
export async function createTestDatabase(adminUrl: string): Promise<string> {
  databaseCounter += 1;
  const name = `t_${process.pid}_${databaseCounter}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // The name is built from digits, hex and underscores only, so quoting it is enough.
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Owner {
  uid: number;
  gid: number;
}

/** The identity to run the server as: the `postgres` OS user when we are root, else ourselves. */
function serverOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const fields = line?.split(':');
  const uid = Number(fields?.[2]);
  const gid = Number(fields?.[3]);
  if (!fields || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error(
      'running as root, but there is no `postgres` OS user to run PostgreSQL as (initdb refuses root)',
    );
  }
  return { uid, gid };
}

/** The environment for PostgreSQL processes, without PG* variables that could redirect them. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PG') && !key.startsWith('LC_') && key !== 'LANG') env[key] = value;
  }
  env.LANG = 'C';
  return env;
}

function run(file: string, args: string[], cwd: string, owner: Owner | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd,
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...owner,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${file} failed (${signal ?? `exit code ${code}`}):\n${output}`));
    });
  });
}

/** Asks the kernel for a free loopback port by binding port 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    // A spawn failure emits 'error' and may never emit 'exit'.
    child.once('error', () => resolve());
  });
}

/**
 * Waits until postmaster.pid reports `ready`, as pg_ctl does; polling it is cheaper than connecting and
 * sees readiness within a few milliseconds.
 */
async function waitReady(dataDir: string, isGone: () => boolean): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const pidFile = join(dataDir, 'postmaster.pid');
  while (Date.now() < deadline) {
    if (isGone()) return 'exited';
    try {
      // Line 8 holds the postmaster's status since PostgreSQL 10.
      if (readFileSync(pidFile, 'utf8').split('\n')[7]?.trim() === 'ready') return 'ready';
    } catch {
      // Not written yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return 'timeout';
}

/** Fast shutdown (SIGINT); immediate shutdown (SIGQUIT) and then SIGKILL if the server lingers. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGKILL'] as const) {
    if (gone || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
    });
    const lingering = await Promise.race([exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (!lingering) return;
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '(no log)';
  }
}
