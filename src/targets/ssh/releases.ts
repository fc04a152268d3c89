import { type HealthCheck, runHealthCheck } from './health-check.ts';
import { runBookkeeping, runRequiredCommand } from './remote-step.ts';
import { shellQuote } from './shell-quote.ts';
import type { SshConnection } from './ssh-connection.ts';
import { endpointAddress } from './ssh-endpoint.ts';
import { SshError } from './ssh-error.ts';

/** What every release operation is given. */
interface ReleaseStepOptions {
  /** Absolute directory holding `releases/` and the `current` symlink, e.g. `/srv/app`. */
  deployTo: string;
  signal?: AbortSignal;
  /** Receives what happens and every command's output, line by line (the caller masks secrets). */
  log(line: string): void;
}

/** What {@link deployRelease} deploys and how. */
export interface DeployReleaseOptions extends ReleaseStepOptions {
  /** The release's id, its directory name under `releases/` (e.g. the deployment id). */
  release: string;
  /** Local directory whose contents become the release. */
  localDir: string;
  /** Commands run in the new release's directory before the switch; any failing stops the deployment. */
  before: readonly string[];
  /** Commands run in `current` after the switch and the health check. */
  after: readonly string[];
  healthCheck: HealthCheck | null;
  /** How many releases to keep (at least the new one and the previous one are always kept). */
  keepReleases: number;
  /** Environment of the before, after and health check commands. */
  env: Record<string, string>;
}

/** What {@link switchRelease} switches to. */
export interface SwitchReleaseOptions extends ReleaseStepOptions {
  release: string;
  healthCheck: HealthCheck | null;
  after?: readonly string[];
  env?: Record<string, string>;
}

/** The releases on a host: `current` (what the symlink points at) and every release directory, newest first. */
export interface ReleaseListing {
  current: string | null;
  releases: string[];
}

/**
 * Deploys a new release on one host: uploads `localDir` into `releases/.<release>.partial` (left-over
 * partial uploads are deleted first), renames it to `releases/<release>` once complete, runs `before`
 * in it, switches `current` to it atomically, runs the health check (on failure `current` goes back to
 * the previous release, the new one is deleted, and {@link SshError} `health_check_failed` is thrown),
 * runs `after`, and prunes to the newest `keepReleases` releases, never the new or the previous one.
 */
export async function deployRelease(
  connection: SshConnection,
  options: DeployReleaseOptions,
): Promise<{ previous: string | null; removed: string[] }> {
  const root = checkedDeployTo(options.deployTo);
  const release = checkedRelease(options.release);
  const host = endpointAddress(connection.endpoint);
  const step = { cwd: root, signal: options.signal };
  const previous = currentOf(
    await runBookkeeping(
      connection,
      `prepare ${root}`,
      `mkdir -p -- ${shellQuote(root)}/releases && cd -- ${shellQuote(root)} && ` +
        `find releases -mindepth 1 -maxdepth 1 -name '.*.partial' -exec rm -rf -- {} + && ` +
        `rm -rf -- ${shellQuote(`releases/${release}`)} && ${READ_CURRENT}`,
      { signal: options.signal },
    ),
  );
  if (previous === release) throw new SshError('invalid', `release ${release} is already current on ${host}`);

  const partial = `releases/.${release}.partial`;
  options.log(`uploading ${options.localDir} to ${root}/${partial} on ${host}`);
  await connection.upload(options.localDir, `${root}/${partial}`, { signal: options.signal });
  await runBookkeeping(
    connection,
    `complete release ${release}`,
    `mv -T -- ${shellQuote(partial)} ${shellQuote(`releases/${release}`)} && touch -- ${shellQuote(`releases/${release}`)}`,
    step,
  );

  const commandOptions = { env: options.env, signal: options.signal, log: options.log };
  try {
    for (const command of options.before) {
      await runRequiredCommand(connection, 'before command', command, {
        ...commandOptions,
        cwd: `${root}/releases/${release}`,
      });
    }
  } catch (error) {
    await removeRelease(connection, root, release, options);
    throw error;
  }

  await goLive(connection, root, release, previous, options, () =>
    removeRelease(connection, root, release, afterFailure(options)),
  );

  const { releases } = await listReleases(connection, root);
  const kept = new Set([
    release,
    ...(previous === null ? [] : [previous]),
    ...releases.slice(0, options.keepReleases),
  ]);
  const removed = releases.filter((name) => !kept.has(name));
  if (removed.length > 0) {
    options.log(`removing old releases: ${removed.join(', ')}`);
    await runBookkeeping(
      connection,
      'remove old releases',
      `rm -rf -- ${removed.map((name) => shellQuote(`releases/${name}`)).join(' ')}`,
      step,
    );
  }
  return { previous, removed };
}

/**
 * Points `current` at a kept release (a rollback), then runs the health check — on failure `current`
 * goes back and {@link SshError} `health_check_failed` is thrown — and the `after` commands.
 */
export async function switchRelease(
  connection: SshConnection,
  options: SwitchReleaseOptions,
): Promise<{ previous: string | null }> {
  const root = checkedDeployTo(options.deployTo);
  const release = checkedRelease(options.release);
  const host = endpointAddress(connection.endpoint);
  const listing = await listReleases(connection, root);
  if (!listing.releases.includes(release)) {
    throw new SshError('invalid', `release ${release} is not kept in ${root}/releases on ${host}`);
  }
  const previous = listing.current;
  await goLive(connection, root, release, previous, { ...options, after: options.after ?? [] });
  return { previous };
}

/** Runs the stop command in `current` (in `deployTo` when no release is current); throws when it fails. */
export async function stopRelease(
  connection: SshConnection,
  options: ReleaseStepOptions & { command: string; env?: Record<string, string> },
): Promise<void> {
  const root = checkedDeployTo(options.deployTo);
  const { current } = await listReleases(connection, root);
  await runRequiredCommand(connection, 'stop command', options.command, {
    cwd: current === null ? root : `${root}/current`,
    env: options.env,
    signal: options.signal,
    log: options.log,
  });
}

/** The release `current` points at and the release directories, newest first (none when `deployTo` is missing). */
export async function listReleases(
  connection: SshConnection,
  deployTo: string,
  options: { signal?: AbortSignal } = {},
): Promise<ReleaseListing> {
  const root = checkedDeployTo(deployTo);
  const output = await runBookkeeping(
    connection,
    `list the releases in ${root}`,
    `cd -- ${shellQuote(root)} 2>/dev/null || exit 0; ${READ_CURRENT}; ls -1t releases 2>/dev/null || true`,
    { signal: options.signal },
  );
  const [first = '', ...rest] = output.split('\n');
  return { current: currentOf(first), releases: rest.filter((line) => line !== '') };
}

/** Prints `current`'s target (`releases/<id>`) as the first line; an empty line when there is none. */
const READ_CURRENT = `printf '%s\\n' "$(readlink current 2>/dev/null)"`;

function currentOf(output: string): string | null {
  const target = output.split('\n')[0]!.trim();
  return target.startsWith('releases/') ? target.slice('releases/'.length) : null;
}

/** How long putting the previous release back may take once a failure (or an abort) stopped a switch. */
const RESTORE_TIMEOUT_MS = 120_000;

/** The options of the steps that undo a failed switch: a signal of their own, the caller's may have aborted. */
function afterFailure<T extends ReleaseStepOptions>(options: T): T {
  return { ...options, signal: AbortSignal.timeout(RESTORE_TIMEOUT_MS) };
}

/**
 * Makes `release` live: switches `current` to it, runs `after` (a restart picks the release up), then
 * the health check, so the check sees the new release serving. Whatever fails from the switch on — an
 * `after` command, the check, an abort — puts `previous` back (and runs `after` there, so the
 * previous release is what serves again), runs `cleanUp`, and throws saying which release is current.
 */
async function goLive(
  connection: SshConnection,
  root: string,
  release: string,
  previous: string | null,
  options: ReleaseStepOptions & {
    after: readonly string[];
    healthCheck: HealthCheck | null;
    env?: Record<string, string>;
  },
  cleanUp: () => Promise<void> = async () => {},
): Promise<void> {
  const host = endpointAddress(connection.endpoint);
  const runAfter = async (stepOptions: ReleaseStepOptions) => {
    for (const command of options.after) {
      await runRequiredCommand(connection, 'after command', command, {
        env: options.env,
        signal: stepOptions.signal,
        log: options.log,
        cwd: `${root}/current`,
      });
    }
  };
  await switchCurrent(connection, root, release, options);
  try {
    await runAfter(options);
    if (options.healthCheck !== null) {
      await runHealthCheck(connection, options.healthCheck, {
        env: options.env,
        signal: options.signal,
        log: options.log,
        cwd: `${root}/current`,
      });
    }
  } catch (error) {
    const undo = afterFailure(options);
    let now = previous === null ? 'no release is current' : `release ${previous} is current again`;
    try {
      await restore(connection, root, previous, undo);
      if (previous !== null) await runAfter(undo);
      await cleanUp();
    } catch (undoError) {
      now = `putting ${previous === null ? 'no release' : `release ${previous}`} back failed too: ${(undoError as Error).message}`;
    }
    options.log(now);
    if (error instanceof SshError)
      throw new SshError(error.reason, `release ${release} on ${host}: ${error.message}; ${now}`);
    throw error;
  }
}

/** Points `current` at a release atomically: a new symlink renamed over the old one. */
async function switchCurrent(
  connection: SshConnection,
  root: string,
  release: string,
  options: ReleaseStepOptions,
) {
  options.log(`switching ${root}/current to releases/${release}`);
  await runBookkeeping(
    connection,
    `switch ${root}/current to ${release}`,
    `ln -sfn -- ${shellQuote(`releases/${release}`)} .current.tmp && mv -T -- .current.tmp current`,
    { cwd: root, signal: options.signal },
  );
}

/** Puts `current` back where it was before a failed switch (removes it when there was none). */
async function restore(
  connection: SshConnection,
  root: string,
  previous: string | null,
  options: ReleaseStepOptions,
) {
  if (previous !== null) return switchCurrent(connection, root, previous, options);
  options.log(`removing ${root}/current: there was no release before`);
  await runBookkeeping(connection, `remove ${root}/current`, 'rm -f current', {
    cwd: root,
    signal: options.signal,
  });
}

async function removeRelease(
  connection: SshConnection,
  root: string,
  release: string,
  options: ReleaseStepOptions,
) {
  options.log(`removing failed release ${release}`);
  await runBookkeeping(
    connection,
    `remove release ${release}`,
    `rm -rf -- ${shellQuote(`releases/${release}`)}`,
    {
      cwd: root,
      signal: options.signal,
    },
  );
}

/** The deploy directory without a trailing slash; refuses relative paths, `..`, and `/` itself. */
function checkedDeployTo(deployTo: string): string {
  const root = deployTo.replace(/\/+$/, '');
  if (!root.startsWith('/') || root.split('/').includes('..') || /[\n\0]/.test(root)) {
    throw new SshError('invalid', `deploy directory ${JSON.stringify(deployTo)} is not an absolute path`);
  }
  return root;
}

/** A release id is one directory name: letters, digits, `_`, `-`, `.`, not starting with `.` or `-`. */
function checkedRelease(release: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(release)) {
    throw new SshError(
      'invalid',
      `release id ${JSON.stringify(release)} is not a directory name (letters, digits, _ . -)`,
    );
  }
  return release;
}
