import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * The shell a supervised command runs under (`sh -c SUPERVISOR sh COMMAND…`). Gantry holds its
 * standard input open: at the end of that input — Gantry stopping it, or Gantry dying, even by
 * SIGKILL, which closes the pipe — it sends the command SIGTERM, so the command never outlives
 * Gantry. Its first line of output is the command's pid; the command's own output goes to stderr.
 * It exits with the command's status (127: the command was not found).
 */
const SUPERVISOR = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- 1>&2 &',
  'child=$!',
  'echo "$child"',
  '{ while read -r _; do :; done; kill "$child"; } <&3 >/dev/null 2>&1 &',
  'watch=$!',
  'exec 3<&-',
  // (Quietly: no "Terminated" from the shell when the command was stopped.)
  'wait "$child" 2>/dev/null',
  'status=$?',
  'kill "$watch" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** The argv (`/bin/sh` first) that runs `argv` under the supervisor; spawn it with piped stdio. */
export function supervisedArgv(argv: readonly string[]): string[] {
  return ['/bin/sh', '-c', SUPERVISOR, 'sh', ...argv];
}

/** How a supervised command ended. */
export interface SupervisedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A command spawned with {@link supervisedArgv}: its pid (from the supervisor's first line), its
 * end, and a stop that ends the supervisor's input. Reads the supervisor's stdout itself.
 */
export class SupervisedProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves once the supervisor has exited and its pipes are closed. */
  readonly exited: Promise<SupervisedExit>;
  #pid: number | undefined;

  constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    let line = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      if (this.#pid !== undefined || line.includes('\n')) return;
      line += text;
      if (line.includes('\n')) this.#pid = Number.parseInt(line, 10) || undefined;
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.#pid = undefined;
        // Nothing is left to supervise: the end of input ends no one.
        child.stdin.destroy();
        resolve({ code, signal });
      });
    });
  }

  /** The command's process id while it runs (once the supervisor has said it). */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** Whether the supervisor still runs. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Stops the command: ends the supervisor's input (the command gets SIGTERM), then SIGKILLs both
   * should they still run after `graceMs`. Resolves once the supervisor has exited.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.running) {
      this.child.stdin.end();
      const pid = this.#pid;
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        if (pid !== undefined) killIfRunning(pid);
      }, graceMs);
      await this.exited;
      clearTimeout(timer);
    } else await this.exited;
  }
}

function killIfRunning(pid: number) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}
