import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { AnsibleError } from './ansible-error.ts';
import { type AnsibleGroups, type AnsibleHost, inventoryProblem } from './ansible-inventory.ts';
import type { AnsibleCredentials } from './connection-vars.ts';
import { type PlayRecap, parsePlayRecap, recapPassed } from './play-recap.ts';
import { playbookPath } from './playbook-path.ts';
import { createPlaybookWorkspace } from './playbook-workspace.ts';

/** One ansible-playbook run: which playbook of which checkout, against which hosts, how. */
export interface PlaybookRun {
  /** The checked-out repository; ansible-playbook runs in it. */
  workDir: string;
  /** The playbook's path in {@link workDir}. */
  playbook: string;
  hosts: AnsibleHost[];
  /** Group name → inventory names of its hosts. */
  groups?: AnsibleGroups;
  credentials: AnsibleCredentials;
  /** Passed to the playbook as extra vars (strings, as environments hold them). */
  extraVars: Record<string, string>;
  /** A dry run: `--check --diff`. */
  check: boolean;
  /** A directory of Gantry's own; the run's private directory is made (and removed) inside it. */
  scratchDir: string;
  signal: AbortSignal;
  /** Called with each line ansible-playbook prints (stdout and stderr), unmasked. */
  log(line: string): void;
  /** Stops the run after this long and throws {@link AnsibleError} `timeout`. */
  timeoutMs?: number;
}

/** How a run ended. */
export interface PlaybookResult {
  /** Exit status 0 and no host failed or unreachable in the recap. */
  ok: boolean;
  recap: PlayRecap[];
  exitCode: number;
}

/** The program run, found on PATH. */
export const ANSIBLE_PLAYBOOK = 'ansible-playbook';
/** How long a stopped run gets to end before its process group is killed. */
const STOP_GRACE_MS = 5_000;
/** Ansible refuses extra vars whose names are not identifiers. */
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Runs a playbook from the repository against the hosts over SSH (host keys strictly checked
 * against the recorded ones) and resolves with the PLAY RECAP, whatever the outcome of the tasks.
 * Throws {@link AnsibleError} `invalid` (bad playbook path, inventory or var name; nothing is run),
 * `not_installed`, `timeout`; the signal's reason when aborted. A stopped run's processes (Ansible's
 * workers and their ssh) are ended with it; the run's files are removed in every case.
 */
export async function runPlaybook(run: PlaybookRun): Promise<PlaybookResult> {
  const groups = run.groups ?? {};
  const problem = inventoryProblem(run.hosts, groups, run.credentials);
  if (problem !== undefined) throw new AnsibleError('invalid', problem);
  const badName = Object.keys(run.extraVars).find((name) => !VAR_NAME.test(name));
  if (badName !== undefined)
    throw new AnsibleError(
      'invalid',
      `extra var name ${JSON.stringify(badName)} must be letters, digits and '_'`,
    );
  const playbook = await playbookPath(run.workDir, run.playbook);
  run.signal.throwIfAborted();

  const workspace = await createPlaybookWorkspace(run.scratchDir, {
    hosts: run.hosts,
    groups,
    credentials: run.credentials,
    extraVars: run.extraVars,
  });
  try {
    const args = [...workspace.args, ...(run.check ? ['--check', '--diff'] : []), '--', playbook];
    const { exitCode, output } = await runAnsible(args, workspace.env, run);
    const recap = parsePlayRecap(output);
    return { ok: exitCode === 0 && recapPassed(recap), recap, exitCode };
  } finally {
    await workspace.remove();
  }
}

/**
 * Runs ansible-playbook in its own process group (so stopping it also ends its forked workers and
 * their ssh), passing each output line to `log`, and resolves with its exit status and the output
 * from the last PLAY RECAP on.
 */
async function runAnsible(
  args: string[],
  env: Record<string, string>,
  run: Pick<PlaybookRun, 'workDir' | 'signal' | 'log' | 'timeoutMs'>,
): Promise<{ exitCode: number; output: string }> {
  const child = spawn(ANSIBLE_PLAYBOOK, args, {
    cwd: run.workDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let recapLines: string[] = [];
  const lines = (stream: Readable, keep: boolean) =>
    new Promise<void>((resolve) => {
      const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
      reader.on('line', (line) => {
        run.log(line);
        if (!keep) return;
        if (line.startsWith('PLAY RECAP')) recapLines = [];
        recapLines.push(line);
      });
      reader.once('close', resolve);
    });
  const streamsDone = Promise.all([lines(child.stdout, true), lines(child.stderr, false)]);

  let stopped: unknown;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (reason: unknown) => {
    if (stopped !== undefined) return;
    stopped = reason;
    signalGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), STOP_GRACE_MS);
  };
  const onAbort = () => stop(run.signal.reason);
  run.signal.addEventListener('abort', onAbort, { once: true });
  const timeout =
    run.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            stop(
              new AnsibleError(
                'timeout',
                `ansible-playbook did not finish within ${run.timeoutMs! / 1000} s`,
              ),
            ),
          run.timeoutMs,
        );
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT'
            ? new AnsibleError(
                'not_installed',
                `${ANSIBLE_PLAYBOOK} not found on PATH: install Ansible (Debian: apt-get install ansible)`,
              )
            : error,
        ),
      );
      child.once('close', (code, signal) =>
        resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])),
      );
    });
    await streamsDone;
    if (stopped !== undefined) throw stopped;
    return { exitCode, output: recapLines.join('\n') };
  } finally {
    clearTimeout(timeout);
    clearTimeout(killTimer);
    run.signal.removeEventListener('abort', onAbort);
    // Workers that outlived ansible-playbook itself (it was killed) must not outlive the run.
    signalGroup(child.pid, 'SIGKILL');
  }
}

/** Sends a signal to the process group led by `pid`, when it still exists. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has ended.
  }
}
