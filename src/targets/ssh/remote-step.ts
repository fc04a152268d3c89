import type { SshConnection } from './ssh-connection.ts';
import { SshError } from './ssh-error.ts';

/** Where a step runs and where its output goes. */
export interface RemoteStepOptions {
  cwd: string;
  env?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Receives `$ command`, then each line the command prints (the caller masks secrets). */
  log(line: string): void;
}

/**
 * Runs one user command (a `before`, `after`, health or stop command) on the host, logging it and its
 * output line by line, and resolves with its exit status.
 */
export async function runLoggedCommand(
  connection: SshConnection,
  command: string,
  options: RemoteStepOptions,
): Promise<number> {
  options.log(`$ ${command}`);
  let partial = '';
  try {
    const { code } = await connection.run(command, {
      cwd: options.cwd,
      env: options.env,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      onOutput(text) {
        const lines = (partial + text).split('\n');
        partial = lines.pop()!;
        for (const line of lines) options.log(line);
      },
    });
    return code;
  } finally {
    if (partial !== '') options.log(partial);
  }
}

/** {@link runLoggedCommand}, throwing {@link SshError} `command_failed` (naming `what`) unless it exits with 0. */
export async function runRequiredCommand(
  connection: SshConnection,
  what: string,
  command: string,
  options: RemoteStepOptions,
): Promise<void> {
  const code = await runLoggedCommand(connection, command, options);
  if (code !== 0) throw new SshError('command_failed', `${what} failed with exit status ${code}: ${command}`);
}

/**
 * Runs one of Gantry's own bookkeeping commands (mkdir, rename, symlink) and returns its output;
 * throws {@link SshError} `command_failed` with that output when it fails.
 */
export async function runBookkeeping(
  connection: SshConnection,
  what: string,
  command: string,
  options: { cwd?: string; signal?: AbortSignal },
): Promise<string> {
  const { code, output } = await connection.run(command, options);
  if (code !== 0)
    throw new SshError('command_failed', `cannot ${what}: ${output.trim() || `exit status ${code}`}`);
  return output;
}
