import type { ReleaseSteps, SshSnapshot } from '../../domain/deployment-snapshot.ts';
import type { ReleaseSpec } from '../../pipeline/pipeline-definition.ts';
import { parseDefinition } from '../../scheduler/job-definition.ts';
import { jobSnapshot } from '../../scheduler/job-snapshot.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { DeploymentRepository, DeploymentRow } from '../../store/repositories/deployment-repository.ts';
import type { DeploymentStatusRepository } from '../../store/repositories/deployment-status-repository.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import { targetSecretContext } from '../../webhooks/webhook-secrets.ts';
import { findSnapshot } from '../deployment-snapshots.ts';
import { environmentPath } from '../environment-path.ts';
import { recordFailureStatus } from '../failure-status.ts';
import { gatherJobFiles, type JobFileSources } from '../job-files.ts';
import { shippedFiles } from '../shipped-files.ts';
import type { DeployOutcome, DeployRequest, Target } from '../target.ts';
import { deployRelease, stopRelease, switchRelease } from './releases.ts';
import { SshConnection } from './ssh-connection.ts';
import { endpointAddress, type SshEndpoint } from './ssh-endpoint.ts';
import { parseSshConfig, parseSshCredentials, type SshConfig, type SshHostConfig } from './ssh-settings.ts';

export interface SshTargetDeps extends JobFileSources {
  deployments: DeploymentRepository;
  /** Where a failed deployment's reason is recorded as a `failure` status. */
  statuses: DeploymentStatusRepository;
  secrets: SecretBox;
  /** Where workspaces and connection files live while a deployment runs. */
  scratchDir: string;
  variablesVersion(job: JobRow, environmentName: string): Promise<string | null>;
}

/** One host's part in a deployment: switched to the release, from `previous`. */
interface HostOutcome {
  host: SshHostConfig;
  previous: string | null;
}

/**
 * The built-in deployer for `deploy:` jobs on an SSH target: ships the job's files (`deploy:files`,
 * from the artifacts of the jobs it depends on) to every host as `releases/<deployment id>`, makes
 * it live by switching the `current` symlink (releases.ts), `parallelism` hosts at a time. A host
 * that fails (upload, `before`, health check) stops the rollout, and the hosts already switched are
 * switched back: the previous release stays live everywhere. A rollback switches every host back
 * to the release its snapshot names, while the hosts keep it.
 */
export class SshTarget implements Target {
  readonly kind = 'ssh';
  readonly #deps: SshTargetDeps;

  constructor(deps: SshTargetDeps) {
    this.#deps = deps;
  }

  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    const { job, deployment, environment, target, log } = request;
    const spec = parseDefinition(job.definition).deploy;
    if (!spec) throw new Error(`job ${job.name} has no deploy: settings`);
    const config = parseSshConfig(target.config);
    // deploy:timeout bounds the whole rollout, commands and health checks included.
    const signal =
      spec.timeoutSeconds === null
        ? request.signal
        : AbortSignal.any([request.signal, AbortSignal.timeout(spec.timeoutSeconds * 1000)]);
    const source =
      deployment.rollback_of === null
        ? null
        : await findSnapshot(this.#deps.deployments, deployment.rollback_of, 'ssh');
    const deployTo = source?.snapshot.deployTo ?? environmentPath(config.deploy_to, environment.slug);
    await log.line(
      `Deploying to ${environment.name}: SSH target "${target.name}", ${config.hosts.length} host${config.hosts.length === 1 ? '' : 's'} ` +
        `(${config.parallelism} at a time), releases in ${deployTo}`,
    );
    try {
      if (source) {
        await log.line(`Rolling back to release ${source.snapshot.release} (deployment #${source.row.iid})`);
        const snapshot: SshSnapshot = { ...source.snapshot, hosts: [] };
        await this.#record(deployment, snapshot, []);
        const steps = source.snapshot.steps;
        await this.#rollOut({ ...request, signal }, config, snapshot, steps, (connection, host) =>
          switchRelease(connection, {
            deployTo,
            release: snapshot.release,
            healthCheck: steps.healthCheck,
            after: steps.after,
            env: releaseEnvironment(request, snapshot.release),
            signal,
            log: (line) => void log.line(`${endpointAddress(host)}: ${line}`),
          }),
        );
        await log.line(`Release ${snapshot.release} is live again on every host`);
        return { status: 'success' };
      }
      if (spec.files === null) {
        throw new Error(
          `job ${job.name} deploys to an SSH target: its deploy: needs files:, the path of what to ship`,
        );
      }
      const files = await gatherJobFiles(this.#deps, job, spec.files, this.#deps.scratchDir);
      try {
        if (!files.directory)
          throw new Error(`deploy:files names ${spec.files}, a file: an SSH release is a directory`);
        const shipped = await shippedFiles(files.path);
        await log.line(`Shipping ${shipped.length} files from ${spec.files} as release ${deployment.id}`);
        const steps = releaseSteps(spec.release, config);
        const snapshot: SshSnapshot = {
          kind: 'ssh',
          ...jobSnapshot(
            job,
            deployment,
            environment,
            await this.#deps.variablesVersion(job, environment.name),
          ),
          targetId: target.id,
          deployTo,
          release: String(deployment.id),
          files: shipped,
          hosts: [],
          steps,
        };
        await this.#record(deployment, snapshot, []);
        await this.#rollOut({ ...request, signal }, config, snapshot, steps, (connection, host) =>
          deployRelease(connection, {
            deployTo,
            release: snapshot.release,
            localDir: files.path,
            before: steps.before,
            after: steps.after,
            healthCheck: steps.healthCheck,
            keepReleases: steps.keepReleases,
            env: releaseEnvironment(request, snapshot.release),
            signal,
            log: (line) => void log.line(`${endpointAddress(host)}: ${line}`),
          }),
        );
      } finally {
        await files.dispose();
      }
      await log.line(`Release ${deployment.id} is live on every host`);
      return { status: 'success' };
    } catch (error) {
      await recordFailureStatus(this.#deps.statuses, deployment.id, (error as Error).message);
      throw error;
    }
  }

  /**
   * Takes down what a deployment made live: runs its stop command on every host (target teardown);
   * a host that fails does not keep the others from stopping, and fails the stop naming it.
   */
  async stop(target: TargetRow, snapshot: SshSnapshot, log: (line: string) => void): Promise<void> {
    const config = parseSshConfig(target.config);
    const command = snapshot.steps.stop;
    if (command === null) {
      log(`no deploy:stop command: release ${snapshot.release} stays on the hosts`);
      return;
    }
    const failures: string[] = [];
    for (const host of config.hosts) {
      const signal = AbortSignal.timeout(STOP_TIMEOUT_MS);
      try {
        const connection = await this.#connect(target, config, host, signal);
        try {
          await stopRelease(connection, {
            deployTo: snapshot.deployTo,
            command,
            signal,
            log: (line) => log(`${endpointAddress(host)}: ${line}`),
          });
        } finally {
          await connection.close();
        }
      } catch (error) {
        failures.push(`${endpointAddress(host)}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join('\n'));
  }

  /**
   * Runs `step` on the hosts, `parallelism` at a time, recording after each wave which hosts run
   * the release (a server stopped mid-rollout leaves that record); when one fails, switches the
   * hosts done so far back to their previous release and throws the failure.
   */
  async #rollOut(
    request: DeployRequest,
    config: SshConfig,
    snapshot: SshSnapshot,
    steps: ReleaseSteps,
    step: (connection: SshConnection, host: SshHostConfig) => Promise<{ previous: string | null }>,
  ): Promise<void> {
    const done: HostOutcome[] = [];
    for (let start = 0; start < config.hosts.length; start += config.parallelism) {
      const wave = config.hosts.slice(start, start + config.parallelism);
      const results = await Promise.allSettled(
        wave.map(async (host) => {
          const connection = await this.#connect(request.target, config, host, request.signal);
          try {
            return { host, previous: (await step(connection, host)).previous };
          } finally {
            await connection.close();
          }
        }),
      );
      const failures: string[] = [];
      for (const [index, result] of results.entries()) {
        if (result.status === 'fulfilled') done.push(result.value);
        else failures.push(`${endpointAddress(wave[index]!)}: ${(result.reason as Error).message}`);
      }
      await this.#record(request.deployment, snapshot, done);
      if (failures.length > 0) {
        await this.#switchBack(request, config, snapshot, steps, done);
        throw new Error(failures.join('\n'));
      }
    }
  }

  /**
   * After a failure: hosts already switched go back to what they ran, their `after` commands run
   * again there (a host that ran nothing before keeps the release).
   */
  async #switchBack(
    request: DeployRequest,
    config: SshConfig,
    snapshot: SshSnapshot,
    steps: ReleaseSteps,
    done: HostOutcome[],
  ): Promise<void> {
    const { log } = request;
    for (const { host, previous } of done) {
      const where = endpointAddress(host);
      if (previous === null) {
        await log.line(`${where}: ran no release before; the new one stays`);
        continue;
      }
      const signal = AbortSignal.timeout(SWITCH_BACK_TIMEOUT_MS);
      try {
        const connection = await this.#connect(request.target, config, host, signal);
        try {
          await switchRelease(connection, {
            deployTo: snapshot.deployTo,
            release: previous,
            healthCheck: null,
            after: steps.after,
            env: releaseEnvironment(request, previous),
            signal,
            log: (line) => void log.line(`${where}: ${line}`),
          });
        } finally {
          await connection.close();
        }
        await log.line(`${where}: switched back to release ${previous}`);
      } catch (error) {
        await log.line(`${where}: could not switch back to release ${previous}: ${(error as Error).message}`);
      }
    }
  }

  async #connect(
    target: TargetRow,
    config: SshConfig,
    host: SshHostConfig,
    signal: AbortSignal,
  ): Promise<SshConnection> {
    const credentials = parseSshCredentials(
      target.secret_encrypted === null
        ? null
        : this.#deps.secrets.decrypt(target.secret_encrypted, targetSecretContext(target.id)),
    );
    const endpoint: SshEndpoint = {
      host: host.host,
      port: host.port,
      user: config.user,
      knownHosts: host.known_hosts,
      privateKey: credentials.private_key,
      password: credentials.password,
    };
    return SshConnection.open(endpoint, { scratchDir: this.#deps.scratchDir, signal });
  }

  /** The snapshot with the hosts that run the release so far. */
  async #record(deployment: DeploymentRow, snapshot: SshSnapshot, outcomes: HostOutcome[]): Promise<void> {
    const hosts = outcomes.map(({ host, previous }) => ({ host: host.host, port: host.port, previous }));
    await this.#deps.deployments.update(deployment.id, { snapshot: JSON.stringify({ ...snapshot, hosts }) });
  }
}

/** How long a host's stop command may run. */
const STOP_TIMEOUT_MS = 300_000;
/** How long switching one host back after a failed rollout may take. */
const SWITCH_BACK_TIMEOUT_MS = 120_000;

/** The steps of `deploy:` with the target's defaults filled in. */
export function releaseSteps(
  spec: ReleaseSpec | null,
  config: Pick<SshConfig, 'keep_releases'>,
): ReleaseSteps {
  return {
    before: spec?.before ?? [],
    after: spec?.after ?? [],
    healthCheck: spec?.healthCheck ?? null,
    keepReleases: spec?.keepReleases ?? config.keep_releases,
    stop: spec?.stop ?? null,
  };
}

/** What `before`, `after` and the health check command see besides the host's own environment. */
function releaseEnvironment(request: DeployRequest, release: string): Record<string, string> {
  const { environment, deployment } = request;
  return {
    GANTRY_RELEASE: release,
    CI_ENVIRONMENT_NAME: environment.name,
    CI_ENVIRONMENT_SLUG: environment.slug,
    CI_COMMIT_SHA: deployment.sha,
    CI_COMMIT_REF_NAME: deployment.ref,
  };
}
