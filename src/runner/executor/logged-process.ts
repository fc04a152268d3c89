import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { terminateProcessGroup } from './process-group.ts';

/** How one process of a job (a script shell, git, `podman run`) is started and stopped. */
export interface LoggedProcessOptions {
  cwd: string;
  /** The complete environment; nothing of the runner's own environment is added. */
  env: Record<string, string>;
  /** Receives stdout and stderr as they arrive. */
  log(chunk: Buffer): void;
  /** Stops the process (see `stop`) when aborted. */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL when the process group is terminated. */
  graceMs: number;
  /**
   * Replaces the default way of stopping on abort (terminate the process group). Used for
   * `podman run`, whose container lives outside the group. The group is terminated afterwards anyway.
   */
  stop?: () => Promise<void>;
}

/** How a logged process ended. */
export interface LoggedProcessResult {
  /** Exit code, or null when killed by a signal or never started. */
  code: number | null;
  /** The signal that killed it, if one did. */
  signal: NodeJS.Signals | null;
  /** True when `signal` aborted while it ran. */
  aborted: boolean;
  /** Set when the process could not be started at all (missing binary, bad cwd). */
  spawnError: Error | null;
}

/** After the process and its group are gone, how long to wait for its pipes to drain. */
const DRAIN_MS = 2_000;

/**
 * Runs `command` in a process group of its own, streaming its output to `log`, and resolves once it
 * has exited, every process left in its group has been terminated, and its output has been drained.
 * Leftover processes (`sleep 100 &` at the end of a script) are terminated when the main process
 * exits, as GitLab Runner does, so they cannot hold the job open or outlive it.
 */
export function runLoggedProcess(
  command: string,
  args: readonly string[],
  options: LoggedProcessOptions,
): Promise<LoggedProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let aborted = false;
    let stopping: Promise<void> | null = null;
    const pid = child.pid;
    const stop = (): Promise<void> => {
      if (stopping !== null) return stopping;
      const custom = options.stop?.() ?? Promise.resolve();
      stopping = custom
        .catch(() => {})
        .then(() => (pid === undefined ? undefined : terminateProcessGroup(pid, options.graceMs)));
      return stopping;
    };
    const onAbort = (): void => {
      aborted = true;
      void stop();
    };
    child.stdout.on('data', (chunk: Buffer) => options.log(chunk));
    child.stderr.on('data', (chunk: Buffer) => options.log(chunk));
    const closed = new Promise<void>((done) => child.once('close', () => done()));
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ code: null, signal: null, aborted, spawnError: error });
    });
    child.once('exit', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      void (async () => {
        if (pid !== undefined) {
          // A custom stop (podman) may still be cleaning up: let it finish first.
          await (stopping ?? Promise.resolve());
          await terminateProcessGroup(pid, options.graceMs);
        }
        // Escaped processes (setsid) could hold the pipes open forever: stop waiting after a while.
        const drained = await Promise.race([closed.then(() => true), sleep(DRAIN_MS).then(() => false)]);
        if (!drained) {
          child.stdout.destroy();
          child.stderr.destroy();
        }
        resolve({ code, signal, aborted, spawnError: null });
      })();
    });
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
