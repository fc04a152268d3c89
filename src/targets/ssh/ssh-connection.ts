import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostKeyFingerprints } from './host-keys.ts';
import { remoteScript } from './remote-script.ts';
import { shellQuote } from './shell-quote.ts';
import { endpointAddress, endpointLogin, endpointProblem, type SshEndpoint } from './ssh-endpoint.ts';
import { SshError, sshClientError } from './ssh-error.ts';
import { strictSshOptions } from './ssh-options.ts';

/** How {@link SshConnection.open} connects. */
export interface SshOpenOptions {
  /** A directory of Gantry's own; the connection's key, known_hosts and socket go into a 0700 dir inside it. */
  scratchDir: string;
  signal?: AbortSignal;
  /** TCP connect and SSH handshake limit (ssh's ConnectTimeout); default 15. */
  connectTimeoutSeconds?: number;
}

/** How {@link SshConnection.run} runs one command. */
export interface SshRunOptions {
  signal?: AbortSignal;
  /** Called with each piece of output (stdout and stderr merged), as it arrives. */
  onOutput?(text: string): void;
  /** Stops the command after this long and throws {@link SshError} `timeout`. */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Remote directory to run in. */
  cwd?: string;
}

/** What a command printed (the last {@link MAX_OUTPUT_LENGTH} characters) and its exit status. */
export interface SshRunResult {
  code: number;
  output: string;
}

const READY_LINE = 'gantry-ssh-ready';
const CLOSE_TIMEOUT_MS = 5_000;
/** Longest path a Unix socket may have (108 bytes on Linux, less elsewhere), with room to spare. */
const MAX_SOCKET_PATH = 100;
/** How much of a command's output {@link SshRunResult.output} keeps (the end). */
export const MAX_OUTPUT_LENGTH = 1024 * 1024;

/**
 * One authenticated SSH connection to a host (an OpenSSH ControlMaster), over which commands and
 * uploads run as multiplexed sessions. Host keys are checked strictly against the ones recorded at
 * registration; the key or password lives in 0600 files of a private directory until {@link close}.
 */
export class SshConnection {
  readonly endpoint: SshEndpoint;
  readonly #dir: string;
  readonly #socketDir: string;
  readonly #master: ChildProcessWithoutNullStreams;
  readonly #masterExited: Promise<void>;
  #closed = false;

  private constructor(
    endpoint: SshEndpoint,
    dir: string,
    socketDir: string,
    master: ChildProcessWithoutNullStreams,
  ) {
    this.endpoint = endpoint;
    this.#dir = dir;
    this.#socketDir = socketDir;
    this.#master = master;
    this.#masterExited = new Promise((resolve) => master.once('close', () => resolve()));
  }

  /**
   * Connects and authenticates. Throws {@link SshError}: `host_key_mismatch` / `unknown_host_key` when the
   * host presents a key that was not recorded (nothing is sent to it), `auth_failed`, `unreachable`,
   * `invalid` for unusable endpoint fields; the signal's reason when aborted.
   */
  static async open(endpoint: SshEndpoint, options: SshOpenOptions): Promise<SshConnection> {
    const problem = endpointProblem(endpoint);
    if (problem !== undefined) throw new SshError('invalid', problem);
    options.signal?.throwIfAborted();
    const dir = await mkdtemp(join(options.scratchDir, 'ssh-'));
    let socketDir = dir;
    try {
      if (join(dir, 'control').length > MAX_SOCKET_PATH)
        socketDir = await mkdtemp(join(tmpdir(), 'gantry-ssh-'));
      await writeFile(join(dir, 'known_hosts'), endsWithNewline(endpoint.knownHosts), { mode: 0o600 });
      if (endpoint.privateKey !== null) {
        await writeFile(join(dir, 'identity'), endsWithNewline(endpoint.privateKey), { mode: 0o600 });
      } else {
        await writeFile(join(dir, 'password'), endpoint.password ?? '', { mode: 0o600 });
        // Reads the password from its file, so it is never on a command line or in an environment.
        await writeFile(join(dir, 'askpass'), '#!/bin/sh\nexec cat "$GANTRY_SSH_PASSWORD_FILE"\n', {
          mode: 0o700,
        });
      }
      const connection = new SshConnection(
        endpoint,
        dir,
        socketDir,
        spawnSsh(
          sshArgs(endpoint, dir, socketDir, options.connectTimeoutSeconds),
          [
            '-o',
            'ControlMaster=yes',
            '-o',
            'ControlPersist=no',
            '--',
            endpoint.host,
            `echo ${READY_LINE}; exec cat >/dev/null`,
          ],
          sshEnv(dir),
        ),
      );
      await connection.#waitUntilReady(options.signal);
      return connection;
    } catch (error) {
      await removeDirs(dir, socketDir);
      throw error;
    }
  }

  /**
   * Runs a shell command on the host (in the login user's shell, stdin empty) and resolves with its exit
   * status and output, whatever the status. Throws {@link SshError} when the connection fails or
   * `timeoutMs` passes, the signal's reason when aborted; the command is stopped on the host then.
   */
  async run(command: string, options: SshRunOptions = {}): Promise<SshRunResult> {
    this.#assertOpen();
    const sentinel = `gantry-end-${randomBytes(12).toString('hex')}`;
    const script = remoteScript(command, { cwd: options.cwd, env: options.env }, sentinel);
    const child = this.#session(script.commandLine);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output = (output + text).slice(-MAX_OUTPUT_LENGTH);
      options.onOutput?.(text);
    });
    // The input stays open until the command ends: its end tells the host to stop the command.
    child.stdin.on('error', () => {});
    child.stdin.write(script.input);
    const ended = await this.#finish(child, [], options);
    return { code: ended.code, output };
  }

  /**
   * Copies the contents of a local directory into a remote one (created when missing) with
   * `tar c | ssh tar x`; file modes are kept, owners are the login user's. Throws {@link SshError}
   * `upload_failed` (or a connection reason), the signal's reason when aborted — then the remote
   * tar stops at the end of its input, leaving a partial directory behind.
   */
  async upload(localDir: string, remoteDir: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#assertOpen();
    const quoted = shellQuote(remoteDir);
    const child = this.#session(`mkdir -p -- ${quoted} && exec tar -x -o -f - -C ${quoted}`);
    const tar = spawn('tar', ['-C', localDir, '-c', '-f', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tarErrors = '';
    tar.stderr.setEncoding('utf8').on('data', (text: string) => (tarErrors += text));
    tar.stdout.pipe(child.stdin);
    child.stdin.on('error', () => {});
    const tarExited = new Promise<number | null>((resolve) => {
      tar.once('error', () => resolve(-1));
      tar.once('close', resolve);
    });
    let ended: { code: number; stderr: string };
    try {
      ended = await this.#finish(child, [tar], options);
    } catch (error) {
      tar.kill('SIGTERM');
      throw error;
    }
    if (ended.code !== 0) {
      // The host's side failed first: the local tar only lost its reader.
      tar.kill('SIGTERM');
      throw new SshError(
        'upload_failed',
        `upload to ${remoteDir} on ${endpointAddress(this.endpoint)} failed: ${ended.stderr.trim() || `exit status ${ended.code}`}`,
      );
    }
    // The host read the whole archive: the local tar is ending on its own (killing it here raced
    // its exit and turned a good upload into a failed one).
    const tarCode = await tarExited;
    if (tarCode !== 0) {
      throw new SshError(
        'upload_failed',
        `cannot read ${localDir} to upload it: ${tarErrors.trim() || `tar exited with ${tarCode}`}`,
      );
    }
  }

  /** Ends the connection and deletes its key, password and known_hosts files; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#master.stdin.end();
    const timer = setTimeout(() => this.#master.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    await this.#masterExited;
    clearTimeout(timer);
    await removeDirs(this.#dir, this.#socketDir);
  }

  async #waitUntilReady(signal: AbortSignal | undefined): Promise<void> {
    const master = this.#master;
    let stderr = '';
    master.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    master.stdin.on('error', () => {});
    const ready = await new Promise<boolean>((resolve, reject) => {
      let seen = '';
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      master.stdout.setEncoding('utf8').on('data', (text: string) => {
        seen += text;
        if (seen.includes(READY_LINE)) {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        }
      });
      master.once('error', reject);
      void this.#masterExited.then(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(false);
      });
    }).catch(async (error: unknown) => {
      master.kill('SIGTERM');
      await this.#masterExited;
      throw error;
    });
    if (ready) return;
    throw sshClientError(stderr, {
      address: endpointAddress(this.endpoint),
      login: endpointLogin(this.endpoint),
      recordedFingerprints: await hostKeyFingerprints(this.endpoint.knownHosts).catch(() => []),
    });
  }

  /** A session multiplexed over the master connection, running `commandLine` in the login shell. */
  #session(commandLine: string): ChildProcessWithoutNullStreams {
    return spawnSsh(
      sshArgs(this.endpoint, this.#dir, this.#socketDir, undefined),
      ['-o', 'ControlMaster=no', '-T', '--', this.endpoint.host, commandLine],
      sshEnv(this.#dir),
    );
  }

  /**
   * Waits for a session to end (stopping it and `helpers` on abort or timeout) and resolves with its
   * status and ssh's stderr; throws the connection failure when ssh itself failed (status 255).
   */
  async #finish(
    child: ChildProcessWithoutNullStreams,
    helpers: readonly { kill(signal: NodeJS.Signals): boolean }[],
    options: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    let stopped: unknown;
    const stop = (reason: unknown) => {
      stopped ??= reason;
      for (const process of [child, ...helpers]) process.kill('SIGTERM');
    };
    const onAbort = () => stop(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              stop(
                new SshError(
                  'timeout',
                  `command on ${endpointAddress(this.endpoint)} did not finish within ${options.timeoutMs! / 1000} s`,
                ),
              ),
            options.timeoutMs,
          );
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', resolve);
      });
      if (stopped !== undefined) throw stopped;
      if (code === 255 && stderr.trim() !== '') {
        throw sshClientError(stderr, {
          address: endpointAddress(this.endpoint),
          login: endpointLogin(this.endpoint),
          recordedFingerprints: [],
        });
      }
      return { code: code ?? 255, stderr };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdin.destroy();
    }
  }

  #assertOpen() {
    if (this.#closed) throw new Error(`the SSH connection to ${endpointLogin(this.endpoint)} is closed`);
  }
}

/** The options every ssh process of a connection shares: strict host keys, its own files, no user config. */
function sshArgs(
  endpoint: SshEndpoint,
  dir: string,
  socketDir: string,
  connectTimeoutSeconds: number | undefined,
): string[] {
  const options = [
    ...strictSshOptions(
      {
        knownHosts: join(dir, 'known_hosts'),
        identity: endpoint.privateKey === null ? null : join(dir, 'identity'),
      },
      connectTimeoutSeconds,
    ),
    'LogLevel=ERROR',
    `ControlPath=${join(socketDir, 'control')}`,
  ];
  return [
    '-F',
    'none',
    ...options.flatMap((option) => ['-o', option]),
    '-p',
    String(endpoint.port),
    '-l',
    endpoint.user,
  ];
}

/** ssh's environment: no agent, no user's home (so no ~/.ssh), and the askpass program for passwords. */
function sshEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    LANG: 'C',
    SSH_ASKPASS: join(dir, 'askpass'),
    SSH_ASKPASS_REQUIRE: 'force',
    GANTRY_SSH_PASSWORD_FILE: join(dir, 'password'),
  };
}

function spawnSsh(args: string[], rest: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  return spawn('ssh', [...args, ...rest], { env, stdio: 'pipe' });
}

function endsWithNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

async function removeDirs(...dirs: string[]) {
  for (const dir of new Set(dirs)) await rm(dir, { recursive: true, force: true });
}
