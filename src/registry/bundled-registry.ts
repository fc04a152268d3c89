import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';

/** Where the bundled registry keeps its files under Gantry's data directory. */
export interface BundledRegistryPaths {
  /** The image store: `<dataDir>/registry`. */
  storageDir: string;
  /** Private (0700) directory of the config and the socket: `<dataDir>/registry-run`. */
  runDir: string;
  configFile: string;
  socketPath: string;
}

/** A unix socket path longer than this does not fit in `sockaddr_un` on Linux. */
const MAX_SOCKET_PATH = 107;

export function bundledRegistryPaths(dataDir: string): BundledRegistryPaths {
  const runDir = join(dataDir, 'registry-run');
  return {
    storageDir: join(dataDir, 'registry'),
    runDir,
    configFile: join(runDir, 'config.yml'),
    socketPath: join(runDir, 'registry.sock'),
  };
}

/**
 * The `docker-registry` configuration of the bundled registry: filesystem storage, deletes
 * enabled, listening on a unix socket only Gantry's user can reach (no authentication of its own:
 * Gantry authenticates every request), relative `Location` URLs so uploads continue through
 * Gantry's `/v2/`, and a fixed HTTP secret so uploads survive a restart.
 */
export function bundledRegistryConfig(paths: BundledRegistryPaths, httpSecret: string): string {
  return YAML.stringify({
    version: 0.1,
    log: { level: 'warn', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: paths.storageDir },
      delete: { enabled: true },
      cache: { blobdescriptor: 'inmemory' },
    },
    http: { net: 'unix', addr: paths.socketPath, relativeurls: true, secret: httpSecret },
  });
}

/** Settings of {@link BundledRegistry}. */
export interface BundledRegistryOptions {
  binary: string;
  dataDir: string;
  /** Signs upload state; the same across restarts (derived from the server's key). */
  httpSecret: string;
  /** Gantry's notes about the process: exits, restarts, a registry left running. */
  log: (line: string) => void;
  /** Lines of the registry's own log (it logs every client error, a missing blob included). */
  output?: (line: string) => void;
  /** First wait before a restart after the process died; doubles up to 30 s. */
  restartDelayMs?: number;
}

const READY_TIMEOUT_MS = 15_000;
const MAX_RESTART_DELAY_MS = 30_000;
const STOP_GRACE_MS = 5_000;

/**
 * The shell that runs the registry (`sh -c SUPERVISOR sh BINARY CONFIG`). Gantry holds its stdin
 * open: at the end of that input — Gantry stopping it, or Gantry dying, even by SIGKILL — it stops
 * the registry, so no registry outlives its Gantry. Its first line of output is the registry's pid;
 * the registry's own log goes to stderr. It exits with the registry's status.
 */
const SUPERVISOR = [
  'exec 3<&0',
  '"$1" serve "$2" </dev/null 3<&- 1>&2 &',
  'registry=$!',
  'echo "$registry"',
  '{ cat <&3 >/dev/null; kill "$registry" 2>/dev/null; } &',
  'exec 3<&-',
  'wait "$registry"',
].join('\n');

/**
 * Runs `docker-registry serve` for Gantry: writes its config, starts it, restarts it whenever it
 * dies (with a growing delay), and stops it with the server — or when the server dies.
 */
export class BundledRegistry {
  readonly paths: BundledRegistryPaths;
  readonly #options: BundledRegistryOptions;
  #child: ChildProcess | null = null;
  #registryPid: number | undefined;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #restartDelay: number;

  constructor(options: BundledRegistryOptions) {
    this.#options = options;
    this.paths = bundledRegistryPaths(options.dataDir);
    this.#restartDelay = options.restartDelayMs ?? 1000;
    if (this.paths.socketPath.length > MAX_SOCKET_PATH) {
      throw new Error(
        `the bundled registry's socket ${this.paths.socketPath} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter data directory`,
      );
    }
  }

  /** The registry's process id while it runs (tests kill it to see it come back). */
  get pid(): number | undefined {
    return this.#registryPid;
  }

  /** Writes the config and starts the registry; resolves once it answers on its socket. */
  async start(): Promise<void> {
    const { paths } = this;
    await mkdir(paths.storageDir, { recursive: true, mode: 0o700 });
    await mkdir(paths.runDir, { recursive: true, mode: 0o700 });
    await writeFile(paths.configFile, bundledRegistryConfig(paths, this.#options.httpSecret), {
      mode: 0o600,
    });
    await this.#spawn();
  }

  /** Stops the registry (SIGTERM, SIGKILL after 5 s) and no longer restarts it. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child !== null && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      const registryPid = this.#registryPid;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        if (registryPid !== undefined) signalIfRunning(registryPid, 'SIGKILL');
      }, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.paths.socketPath, { force: true });
  }

  async #spawn(): Promise<void> {
    const { paths } = this;
    await rm(paths.socketPath, { force: true });
    // stop() may have run while this (re)start awaited: it found no process to stop.
    if (this.#stopping) return;
    this.#registryPid = undefined;
    const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'sh', this.#options.binary, paths.configFile], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    this.#child = child;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const recent: string[] = [];
    createInterface({ input: child.stdout! }).once('line', (line) => {
      this.#registryPid = Number(line) || undefined;
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 5) recent.shift();
      (this.#options.output ?? this.#options.log)(`docker-registry: ${line}`);
    });
    const startedAt = Date.now();
    child.once('close', (code, signal) => {
      // Ends the supervisor's watch of its stdin, should the registry have died by itself.
      child.stdin?.destroy();
      this.#registryPid = undefined;
      if (this.#stopping) return;
      // A registry that ran a while before dying starts again quickly; one that keeps dying, less often.
      if (Date.now() - startedAt > MAX_RESTART_DELAY_MS)
        this.#restartDelay = this.#options.restartDelayMs ?? 1000;
      this.#options.log(
        `the bundled registry exited (${signal ?? `code ${code}`}); restarting it in ${this.#restartDelay} ms${recent.length ? `; its last lines: ${recent.join(' | ')}` : ''}`,
      );
      this.#restartTimer = setTimeout(() => {
        this.#spawn().catch((error: unknown) =>
          this.#options.log(`restarting the bundled registry: ${String(error)}`),
        );
      }, this.#restartDelay);
      this.#restartDelay = Math.min(this.#restartDelay * 2, MAX_RESTART_DELAY_MS);
    });
    await Promise.race([this.#waitUntilAnswering(child), exited]);
  }

  /** Polls the socket until `GET /v2/` answers 200 (or the process ends, or 15 s pass). */
  async #waitUntilAnswering(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const running = () => child.exitCode === null && child.signalCode === null && !this.#stopping;
    while (Date.now() < deadline && running()) {
      if (await answers(this.paths.socketPath)) return;
      await sleep(20);
    }
    if (!running()) return;
    this.#options.log(
      `the bundled registry did not answer on ${this.paths.socketPath} within ${READY_TIMEOUT_MS} ms`,
    );
  }
}

/**
 * Sends `signal` to process `pid` unless it has exited already (ESRCH), which a process being
 * stopped may do at any moment; false when there was no such process.
 */
export function signalIfRunning(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/v2/', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('error', () => resolve(false));
    request.once('timeout', () => request.destroy());
  });
}
