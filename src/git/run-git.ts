import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { type GitEnvironmentOptions, gitEnvironment } from './git-environment.ts';

/** How to run one git command. */
export interface RunGitOptions extends GitEnvironmentOptions {
  /** Working directory; for bare repositories prefer `--git-dir` in the arguments. */
  cwd?: string;
  /** Kill git (SIGKILL) after this many milliseconds and fail with `timedOut` set. */
  timeoutMs?: number;
  /** The git executable; `git` from PATH by default. */
  gitBinary?: string;
}

/** What a successful git command printed. */
export interface GitOutput {
  stdout: string;
  stderr: string;
}

/** A git command that could not start, exited non-zero, was killed or timed out. */
export class GitCommandError extends Error {
  /** Exit code, or null when git was killed or never started. */
  readonly exitCode: number | null;
  /** True when `timeoutMs` elapsed. */
  readonly timedOut: boolean;
  /** Everything git wrote to stderr (may carry secrets the caller must redact before showing it). */
  readonly stderr: string;

  constructor(message: string, exitCode: number | null, stderr: string, timedOut: boolean) {
    super(message);
    this.name = 'GitCommandError';
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.timedOut = timedOut;
  }
}

/**
 * Starts git without a shell, with the clean environment of {@link gitEnvironment}, in a process
 * group of its own so {@link killGit} also stops the helpers it spawns (`git-remote-https`,
 * `upload-pack`, `pack-objects`, hooks); killing git alone would leave them holding the pipes open.
 */
export function spawnGit(
  args: readonly string[],
  options: RunGitOptions = {},
  stdio: SpawnOptions['stdio'] = ['ignore', 'pipe', 'pipe'],
): ChildProcess {
  return spawn(options.gitBinary ?? 'git', args, {
    cwd: options.cwd,
    env: gitEnvironment(options),
    stdio,
    detached: true,
  });
}

/** Kills a process started by {@link spawnGit} together with everything it started. */
export function killGit(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  // Signal the group even when git itself has exited: its helpers may still be running.
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The whole group is already gone.
  }
}

/**
 * Runs git without a shell and with the clean environment of {@link gitEnvironment}; resolves with
 * its output when it exits 0, rejects with {@link GitCommandError} otherwise. The error message
 * names only the subcommand, never the arguments, because arguments can carry URLs.
 */
export function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitOutput> {
  const subcommand = args.find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? 'git';
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, options);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGit(child);
          }, options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GitCommandError(`git ${subcommand} could not start: ${error.message}`, null, '', false));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      if (code === 0) {
        resolve({ stdout: out, stderr: err });
        return;
      }
      const how = timedOut
        ? `timed out after ${options.timeoutMs} ms`
        : code === null
          ? `was killed by ${signal}`
          : `exited with ${code}`;
      reject(new GitCommandError(`git ${subcommand} ${how}`, code, err, timedOut));
    });
  });
}
