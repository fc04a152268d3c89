import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** A long-running child process of the rig whose output goes to a log file. */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Settles when the process has exited. */
  readonly exited: Promise<void>;
  isRunning(): boolean;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs: number): Promise<void>;
  /** SIGKILL at once, synchronously (for the `exit` handler, which cannot wait). */
  kill(): void;
}

/**
 * Starts `file` with `args` in its own process group (so a terminal's Ctrl-C reaches only the rig, which
 * stops its daemons in order), output appended to `logPath`.
 */
export function startDaemon(name: string, file: string, args: readonly string[], logPath: string): Daemon {
  const log = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(file, args, { stdio: ['ignore', log, log], detached: true });
  } finally {
    closeSync(log);
  }
  let running = true;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  }).then(() => {
    running = false;
  });
  return {
    name,
    pid: child.pid ?? -1,
    logPath,
    exited,
    isRunning: () => running,
    logTail(lines = 30) {
      try {
        return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
    async stop(graceMs) {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    kill() {
      if (running) child.kill('SIGKILL');
    },
  };
}
