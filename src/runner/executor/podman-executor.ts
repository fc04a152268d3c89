import { randomBytes } from 'node:crypto';
import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobSpec } from '../job-spec.ts';
import type { Executor } from './job-executor.ts';
import { DEFAULT_AFTER_SCRIPT_TIMEOUT_MS, DEFAULT_KILL_GRACE_MS, runJob } from './job-run.ts';
import type { JobWorkspace } from './job-workspace.ts';
import { runLoggedProcess } from './logged-process.ts';
import { splitPodmanEnvironment } from './podman-env.ts';
import type { ScriptBackend, ScriptOutcome, ScriptRun } from './script-backend.ts';

/** When podman pulls the job's image (`podman run --pull`). */
export type PodmanPullPolicy = 'always' | 'missing' | 'never' | 'newer';

/** Settings of {@link podmanExecutor}. */
export interface PodmanExecutorOptions {
  /** Parent of the jobs' workspaces (created when missing); mounted into containers at the same path. */
  workDir: string;
  /** The podman executable; `podman` from PATH by default. */
  podmanBinary?: string;
  /** The git executable for checkouts (on the host); `git` from PATH by default. */
  gitBinary?: string;
  /** OCI runtime (`podman --runtime`); default `runc`. An empty string leaves podman's own choice. */
  runtime?: string;
  /** `podman --cgroup-manager`; default `cgroupfs`. An empty string leaves podman's own choice. */
  cgroupManager?: string;
  /** `--ulimit` values; default {@link DEFAULT_PODMAN_ULIMITS}. */
  ulimits?: string[];
  /** The container's network; default `none` (no network at all). */
  network?: 'none' | 'host';
  /** Default `missing`; tests use `never` so nothing is ever fetched from outside. */
  pullPolicy?: PodmanPullPolicy;
  /** Image for jobs without `image:`; such jobs fail when this is not set either. */
  defaultImage?: string;
  /** Time between SIGTERM and SIGKILL when a job's container is stopped (default 5 s; podman counts whole seconds). */
  killGraceMs?: number;
  /** `after_script`'s own time limit (default 5 minutes, as GitLab's). */
  afterScriptTimeoutMs?: number;
}

/**
 * Rlimits for job containers. Podman's defaults (nofile and nproc at 1048576) are above the hard
 * limits of a VM without CAP_SYS_RESOURCE, where runc then fails with "error setting rlimit type
 * 7 (then 6): operation not permitted"; explicit values at or below the host's hard limits work.
 */
export const DEFAULT_PODMAN_ULIMITS: readonly string[] = ['nofile=1024:1024', 'nproc=4096:4096'];

/** Label put on every job container, holding the job id. */
export const JOB_CONTAINER_LABEL = 'io.gantry.job';

/**
 * The Podman executor: checkout, dependencies and artifacts happen on the host as for the shell
 * executor; `before_script` + `script` and `after_script` each run in a fresh `podman run --rm`
 * container of the job's image, named `gantry-job-<id>-<random>`, with the checkout and the job's
 * temp dir (HOME, file variables, scripts) mounted at their host paths. Variables reach it through
 * `--env-file` (mode 0600, outside the mounts, deleted afterwards) and, for multi-line values, a
 * sourced file — never through podman's arguments. The shell is bash when the image has it, else
 * `sh`. Cancel and timeout stop the container (`podman stop`: SIGTERM, SIGKILL after the grace) and
 * remove it (`podman rm -f`), so nothing is left running. Everything podman needs is passed as
 * flags (`--runtime`, `--cgroup-manager`, `--ulimit`), so no global containers.conf is required.
 */
export function podmanExecutor(options: PodmanExecutorOptions): Executor {
  const settings = {
    workDir: options.workDir,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    afterScriptTimeoutMs: options.afterScriptTimeoutMs ?? DEFAULT_AFTER_SCRIPT_TIMEOUT_MS,
    gitBinary: options.gitBinary,
  };
  const backend = podmanBackend(options, settings.killGraceMs);
  return { run: (spec, io, signal) => runJob(spec, io, signal, backend, settings) };
}

/** Global podman flags for every invocation (`--runtime`, `--cgroup-manager`). */
export function podmanGlobalArgs(
  options: Pick<PodmanExecutorOptions, 'runtime' | 'cgroupManager'>,
): string[] {
  const args: string[] = [];
  const runtime = options.runtime ?? 'runc';
  const cgroupManager = options.cgroupManager ?? 'cgroupfs';
  if (runtime !== '') args.push('--runtime', runtime);
  if (cgroupManager !== '') args.push('--cgroup-manager', cgroupManager);
  return args;
}

/** What one job container is started with. */
export interface JobContainerArgs {
  name: string;
  image: string;
  workspace: Pick<JobWorkspace, 'dir' | 'tempDir'>;
  envFile: string;
  scriptPath: string;
  /** The sourced `export` file, or empty. */
  exportsPath: string;
  /** File the container's shell creates first, proving the container started. */
  startedMarker: string;
  jobId: number;
}

/**
 * The complete `podman run` argument list for one script step (without the podman binary). The
 * entry shell records that it started, sources the multi-line variables, then hands over to bash
 * (or sh) running the generated script.
 */
export function podmanRunArgs(options: PodmanExecutorOptions, container: JobContainerArgs): string[] {
  const entry = [
    ': > "$3" || exit 125',
    'if [ -n "$2" ]; then . "$2"; fi',
    'if command -v bash >/dev/null 2>&1; then exec bash --noprofile --norc "$1"; fi',
    'exec sh "$1"',
  ].join('\n');
  return [
    ...podmanGlobalArgs(options),
    'run',
    '--rm',
    '--name',
    container.name,
    '--label',
    `${JOB_CONTAINER_LABEL}=${container.jobId}`,
    '--pull',
    options.pullPolicy ?? 'missing',
    '--network',
    options.network ?? 'none',
    ...(options.ulimits ?? DEFAULT_PODMAN_ULIMITS).flatMap((ulimit) => ['--ulimit', ulimit]),
    '--env-file',
    container.envFile,
    '--volume',
    `${container.workspace.dir}:${container.workspace.dir}`,
    '--volume',
    `${container.workspace.tempDir}:${container.workspace.tempDir}`,
    '--workdir',
    container.workspace.dir,
    '--entrypoint',
    '/bin/sh',
    container.image,
    '-c',
    entry,
    'sh',
    container.scriptPath,
    container.exportsPath,
    container.startedMarker,
  ];
}

function podmanBackend(options: PodmanExecutorOptions, graceMs: number): ScriptBackend {
  const podman = options.podmanBinary ?? 'podman';
  const globalArgs = podmanGlobalArgs(options);
  const imageOf = (spec: JobSpec): string | null => spec.image ?? options.defaultImage ?? null;
  // The podman client gets a minimal environment too; nothing in it reaches the container.
  const clientEnv = (): Record<string, string> => {
    const env: Record<string, string> = {
      PATH: process.env.PATH || '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
    };
    for (const key of ['HOME', 'XDG_RUNTIME_DIR', 'CONTAINERS_CONF', 'CONTAINERS_STORAGE_CONF']) {
      const value = process.env[key];
      if (value !== undefined && value !== '') env[key] = value;
    }
    return env;
  };
  const quiet = (args: readonly string[], cwd = '/'): Promise<number | null> =>
    runLoggedProcess(podman, [...globalArgs, ...args], {
      cwd,
      env: clientEnv(),
      log: () => {},
      graceMs,
    }).then((result) => (result.spawnError !== null ? null : result.code));
  const graceSeconds = Math.max(0, Math.ceil(graceMs / 1000));
  const removeContainer = async (name: string): Promise<void> => {
    await quiet(['stop', '--ignore', '--time', String(graceSeconds), name]);
    await quiet(['rm', '--force', '--ignore', '--time', '0', name]);
  };

  return {
    name: 'Podman',
    describe(spec) {
      const image = imageOf(spec);
      const network = options.network ?? 'none';
      return image === null ? [] : [`Using image ${image} (network ${network})`];
    },
    async prepare(spec) {
      const image = imageOf(spec);
      if (image === null) return 'the job has no image: and the runner has no default image';
      if ((options.pullPolicy ?? 'missing') !== 'never') return null;
      const exists = await quiet(['image', 'exists', image]);
      if (exists === null) return `cannot run ${podman}`;
      return exists === 0 ? null : `image ${image} is not present and the pull policy is never`;
    },
    baseEnvironment: (workspace) => ({ HOME: workspace.home, LANG: 'C.UTF-8' }),
    async runScript(run: ScriptRun): Promise<ScriptOutcome> {
      const image = imageOf(run.spec);
      if (image === null) return { kind: 'system', message: 'no image' };
      const name = `gantry-job-${run.spec.id}-${randomBytes(4).toString('hex')}`;
      const { envFile, exports } = splitPodmanEnvironment(run.env);
      const envFilePath = join(run.workspace.privateDir, `${run.step}.env`);
      const exportsPath = exports === '' ? '' : join(run.workspace.tempDir, `${run.step}.env.sh`);
      const startedMarker = join(run.workspace.tempDir, `${run.step}.started`);
      try {
        await writeFile(envFilePath, envFile, { mode: 0o600 });
        if (exportsPath !== '') await writeFile(exportsPath, exports, { mode: 0o600 });
        const args = podmanRunArgs(options, {
          name,
          image,
          workspace: run.workspace,
          envFile: envFilePath,
          scriptPath: run.scriptPath,
          exportsPath,
          startedMarker,
          jobId: run.spec.id,
        });
        const result = await runLoggedProcess(podman, args, {
          cwd: run.workspace.dir,
          env: clientEnv(),
          log: run.log,
          signal: run.signal,
          graceMs,
          stop: () => removeContainer(name),
        });
        if (result.aborted) {
          // The container may have been created after the stop above ran.
          await removeContainer(name);
          return { kind: 'aborted' };
        }
        if (result.spawnError !== null)
          return { kind: 'system', message: `cannot run ${podman}: ${result.spawnError.message}` };
        const started = await access(startedMarker).then(
          () => true,
          () => false,
        );
        if (!started) {
          await removeContainer(name);
          return {
            kind: 'system',
            message: `podman could not start the job container from ${image} (exit code ${result.code ?? result.signal})`,
          };
        }
        if (result.code !== null) return { kind: 'exited', code: result.code };
        return { kind: 'killed', signal: result.signal ?? 'unknown signal' };
      } finally {
        await rm(envFilePath, { force: true });
        if (exportsPath !== '') await rm(exportsPath, { force: true });
        await rm(startedMarker, { force: true });
      }
    },
  };
}
