import { basename, join } from 'node:path';
import type { JobSpec } from '../job-spec.ts';
import { findExecutable } from './find-executable.ts';
import type { Executor } from './job-executor.ts';
import { DEFAULT_AFTER_SCRIPT_TIMEOUT_MS, DEFAULT_KILL_GRACE_MS, runJob } from './job-run.ts';
import type { JobWorkspace } from './job-workspace.ts';
import { runLoggedProcess } from './logged-process.ts';
import type { ScriptBackend, ScriptOutcome, ScriptRun } from './script-backend.ts';

/** Settings of {@link shellExecutor}. */
export interface ShellExecutorOptions {
  /** Parent of the jobs' workspaces (created when missing). */
  workDir: string;
  /** The git executable for checkouts; `git` from PATH by default. */
  gitBinary?: string;
  /** The shell for job scripts; by default bash when found on PATH, else `sh`. */
  shell?: string;
  /** Time between SIGTERM and SIGKILL when a job's processes are stopped (default 5 s). */
  killGraceMs?: number;
  /** `after_script`'s own time limit (default 5 minutes, as GitLab's). */
  afterScriptTimeoutMs?: number;
  /**
   * Podman's configuration for jobs that build images: `CONTAINERS_CONF` and
   * `CONTAINERS_REGISTRIES_CONF`. By default those of the runner's own environment, when set.
   */
  containersEnvironment?: Readonly<Record<string, string>>;
}

/** The variables of the runner's environment that pass to jobs: which Podman configuration to use. */
export const CONTAINERS_VARIABLES = ['CONTAINERS_CONF', 'CONTAINERS_REGISTRIES_CONF'] as const;

const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The shell executor: runs each job's scripts directly on this machine, as the runner's user, in
 * a process group of its own (killed as a whole on cancel and timeout). The job's environment is
 * built from scratch: PATH (the runner's), HOME (a per-job directory), LANG=C.UTF-8, SHELL,
 * Podman's configuration files (`containersEnvironment`), `REGISTRY_AUTH_FILE` in the job's temp
 * directory (so `podman login` in concurrent jobs never shares credentials) and the job's
 * variables; nothing else of the runner's environment passes through.
 */
export function shellExecutor(options: ShellExecutorOptions): Executor {
  let shell: Promise<string> | null = null;
  const resolveShell = (): Promise<string> => {
    shell ??=
      options.shell !== undefined
        ? findExecutable(options.shell).then((found) => found ?? options.shell ?? 'sh')
        : findExecutable('bash').then((found) => found ?? 'sh');
    return shell;
  };
  const settings = {
    workDir: options.workDir,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    afterScriptTimeoutMs: options.afterScriptTimeoutMs ?? DEFAULT_AFTER_SCRIPT_TIMEOUT_MS,
    gitBinary: options.gitBinary,
  };
  const containers = options.containersEnvironment ?? containersEnvironmentOf(process.env);
  return {
    async run(spec, io, signal) {
      const backend = shellBackend(await resolveShell(), settings.killGraceMs, containers);
      return runJob(spec, io, signal, backend, settings);
    },
  };
}

/** The {@link CONTAINERS_VARIABLES} set in `env`. */
export function containersEnvironmentOf(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(CONTAINERS_VARIABLES.flatMap((key) => (env[key] ? [[key, env[key]]] : [])));
}

function shellBackend(
  shell: string,
  graceMs: number,
  containers: Readonly<Record<string, string>>,
): ScriptBackend {
  const isBash = basename(shell) === 'bash';
  return {
    name: 'Shell',
    describe: (_spec: JobSpec) => [`Using ${shell} as the job shell`],
    prepare: async () => null,
    baseEnvironment: (workspace: JobWorkspace) => ({
      PATH: process.env.PATH || FALLBACK_PATH,
      HOME: workspace.home,
      LANG: 'C.UTF-8',
      SHELL: shell,
      ...containers,
      REGISTRY_AUTH_FILE: join(workspace.tempDir, 'auth.json'),
    }),
    async runScript(run: ScriptRun): Promise<ScriptOutcome> {
      const args = isBash ? ['--noprofile', '--norc', run.scriptPath] : [run.scriptPath];
      const result = await runLoggedProcess(shell, args, {
        cwd: run.workspace.dir,
        env: run.env,
        log: run.log,
        signal: run.signal,
        graceMs,
      });
      if (result.spawnError !== null)
        return { kind: 'system', message: `cannot start ${shell}: ${result.spawnError.message}` };
      if (result.aborted) return { kind: 'aborted' };
      if (result.code !== null) return { kind: 'exited', code: result.code };
      return { kind: 'killed', signal: result.signal ?? 'unknown signal' };
    },
  };
}
