import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GantryError } from '../../domain/errors.ts';
import { containersConf } from '../../podman/containers-conf.ts';
import type { PodmanConfig, PodmanCredentials } from './podman-settings.ts';
import { supervisedArgv } from './supervised-process.ts';

/** How to reach one Podman host. */
export interface PodmanHostOptions {
  config: PodmanConfig;
  credentials: PodmanCredentials;
  /** Parent of the session's directory (containers.conf, SSH key, YAML files), created when missing. */
  scratchDir: string;
  /** The podman executable; `podman` from PATH by default. */
  binary?: string;
  /** A registries.conf for `CONTAINERS_REGISTRIES_CONF` (Gantry's plain-HTTP registry), used when the file exists. */
  registriesConf?: string;
}

/** One podman command's limits. */
export interface PodmanRun {
  signal?: AbortSignal;
  /** Killed after this long; default 2 minutes. */
  timeoutMs?: number;
}

/** How a podman command ended. */
export interface PodmanOutput {
  code: number;
  stdout: string;
  /** Standard error, or both streams in arrival order with `mergeOutput`. */
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * A session with one Podman host: every command runs as `podman [--url URL --identity KEY] …`
 * with `CONTAINERS_CONF` pointing at a containers.conf written from the target's settings (runtime,
 * cgroup manager, rlimits), so `kube play` gets them too. The SSH key lives in a 0600 file of the
 * session's 0700 directory, removed by {@link close}.
 */
export class PodmanHost {
  readonly config: PodmanConfig;
  /** The session's own directory (for YAML files handed to podman). */
  readonly dir: string;
  readonly #binary: string;
  readonly #globalArgs: string[];
  readonly #env: NodeJS.ProcessEnv;

  private constructor(
    config: PodmanConfig,
    dir: string,
    binary: string,
    globalArgs: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.config = config;
    this.dir = dir;
    this.#binary = binary;
    this.#globalArgs = globalArgs;
    this.#env = env;
  }

  /** Writes the session's files; {@link close} removes them. */
  static async open(options: PodmanHostOptions): Promise<PodmanHost> {
    await mkdir(options.scratchDir, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(options.scratchDir, 'podman-'));
    try {
      const { config, credentials } = options;
      const confPath = join(dir, 'containers.conf');
      await writeFile(
        confPath,
        containersConf({
          runtime: config.runtime,
          cgroupManager: config.cgroup_manager,
          ulimits: config.ulimits,
        }),
        { mode: 0o600 },
      );
      const globalArgs: string[] = [];
      if (config.url !== null) globalArgs.push('--url', config.url);
      if (config.url !== null && credentials.ssh_key !== null) {
        const identity = join(dir, 'identity');
        const key = credentials.ssh_key.endsWith('\n') ? credentials.ssh_key : `${credentials.ssh_key}\n`;
        await writeFile(identity, key, { mode: 0o600 });
        globalArgs.push('--identity', identity);
      }
      const env: NodeJS.ProcessEnv = { ...process.env, CONTAINERS_CONF: confPath };
      delete env.CONTAINER_HOST;
      delete env.CONTAINER_SSHKEY;
      if (options.registriesConf && (await exists(options.registriesConf)))
        env.CONTAINERS_REGISTRIES_CONF = options.registriesConf;
      return new PodmanHost(config, dir, options.binary ?? 'podman', globalArgs, env);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** How logs and errors name the host: `the Gantry server` or the URL. */
  get where(): string {
    return this.config.url ?? 'the Gantry server';
  }

  /** Whether the host is the Gantry server's own (no URL, or a local unix socket). */
  get local(): boolean {
    return this.config.url === null || this.config.url.startsWith('unix://');
  }

  /**
   * The host name published ports are reached at from here: the publish address, unless it is a
   * wildcard — then loopback for the local host, the URL's host for an SSH one. Null when the
   * ports cannot be reached from the Gantry server (published on a remote host's loopback).
   */
  get reachableAddress(): string | null {
    const address = this.config.publish_address;
    const wildcard = address === '0.0.0.0' || address === '::';
    const remote = this.config.url?.startsWith('ssh://') ? new URL(this.config.url).hostname : null;
    if (remote === null) return wildcard ? '127.0.0.1' : address;
    if (wildcard) return remote.replace(/^\[|\]$/g, '');
    return /^127\.|^::1$/.test(address) ? null : address;
  }

  /** Writes a file into the session's directory; returns its path. */
  async file(name: string, content: string): Promise<string> {
    const path = join(this.dir, name);
    await writeFile(path, content, { mode: 0o600 });
    return path;
  }

  /**
   * Runs podman and returns its standard output.
   * @throws GantryError('unavailable') when podman is missing, the host cannot be reached or
   *   refuses permission; an Error naming the command and podman's message when it fails otherwise;
   *   the signal's reason when aborted.
   */
  async run(args: readonly string[], run: PodmanRun = {}): Promise<string> {
    const output = await this.attempt(args, run);
    if (output.code !== 0) throw this.failure(args, output.stderr);
    return output.stdout;
  }

  /** Runs podman and parses its JSON output. */
  async json<T>(args: readonly string[], run: PodmanRun = {}): Promise<T> {
    const stdout = await this.run(args, run);
    return (stdout.trim() === '' ? null : JSON.parse(stdout)) as T;
  }

  /**
   * Runs podman and returns how it ended, whatever its exit code. With `mergeOutput`, both streams
   * go to `stderr` in arrival order (container logs).
   * @throws as {@link run} when podman cannot run at all.
   */
  attempt(args: readonly string[], run: PodmanRun & { mergeOutput?: boolean } = {}): Promise<PodmanOutput> {
    const signals = [AbortSignal.timeout(run.timeoutMs ?? DEFAULT_TIMEOUT_MS)];
    if (run.signal) signals.push(run.signal);
    const signal = AbortSignal.any(signals);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortReason(signal, args));
      const child = spawn(this.#binary, [...this.#globalArgs, ...args], {
        env: this.#env,
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let size = 0;
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_OUTPUT_BYTES) into.push(chunk);
      };
      child.stdout.on('data', collect(run.mergeOutput ? stderr : stdout));
      child.stderr.on('data', collect(stderr));
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.name === 'AbortError') return reject(abortReason(signal, args));
        reject(this.startFailure(error));
      });
      child.on('close', (code) => {
        if (signal.aborted) return reject(abortReason(signal, args));
        resolve({
          code: code ?? -1,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
      });
    });
  }

  /**
   * Starts podman with pipes to its standard streams, for commands that stream or run on (`logs
   * --follow`, a terminal, an API service): the caller reads them and ends the process. That podman
   * could not start comes as the child's `error` event; {@link startFailure} says it as {@link run}
   * would. With `supervised`, podman runs under the shell of supervised-process.ts (wrap the child
   * in a SupervisedProcess), so that it never outlives Gantry; podman missing is then exit code 127.
   */
  spawn(args: readonly string[], options: { supervised?: boolean } = {}): ChildProcessWithoutNullStreams {
    const argv = [this.#binary, ...this.#globalArgs, ...args];
    const [file, ...rest] = options.supervised ? supervisedArgv(argv) : argv;
    return spawn(file!, rest, { env: this.#env, stdio: 'pipe' });
  }

  /** The error for podman failing to start at all (`error` of a spawned child). */
  startFailure(error: NodeJS.ErrnoException): GantryError {
    if (error.code === 'ENOENT') {
      return new GantryError(
        'unavailable',
        `podman is not installed on the Gantry server (${this.#binary} not found): install it, e.g. apt-get install podman`,
      );
    }
    return new GantryError('unavailable', `podman could not start: ${error.message}`);
  }

  /** The error for a podman command that failed with `stderr`. */
  failure(args: readonly string[], stderr: string): Error {
    const detail = podmanMessage(stderr);
    const command = `podman ${args.slice(0, 2).join(' ')}`;
    if (
      /cannot connect to podman|unable to connect to podman|ssh: |connection refused|no route to host|i\/o timeout/i.test(
        stderr,
      )
    ) {
      return new GantryError('unavailable', `cannot reach Podman at ${this.where}: ${detail}`);
    }
    if (/permission denied/i.test(stderr)) {
      return new GantryError(
        'unavailable',
        `${command} on ${this.where}: permission denied (${detail}); Gantry's user needs the right to use Podman there (root, or rootless Podman for that user)`,
      );
    }
    return new Error(`${command} failed on ${this.where}: ${detail}`);
  }

  /** Removes the session's files. */
  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * What podman said, without its log noise: the last `Error:` line when there is one (podman's
 * own message), else the last line that is not a log record.
 */
export function podmanMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const error = lines.findLast((line) => line.startsWith('Error: '));
  if (error) return error.slice('Error: '.length);
  const plain = lines.filter((line) => !/^time="[^"]*" level=/.test(line));
  return plain.at(-1) ?? lines.at(-1) ?? 'no message';
}

function abortReason(signal: AbortSignal, args: readonly string[]): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof DOMException && reason.name === 'TimeoutError')
    return new Error(`podman ${args.slice(0, 2).join(' ')} did not finish in time`);
  return reason instanceof Error ? reason : new Error(String(reason));
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
