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
import { recordFailureStatus } from '../failure-status.ts';
import { gatherJobFiles, type JobFileSources } from '../job-files.ts';
import { shippedFiles } from '../shipped-files.ts';
import type { DeployOutcome, DeployRequest, Target } from '../target.ts';
import { deployRelease, stopRelease, switchRelease } from './releases.ts';
import { SshConnection } from './ssh-connection.ts';
import type { SshEndpoint } from './ssh-endpoint.ts';
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
    const source =
      deployment.rollback_of === null
        ? null
        : await findSnapshot(this.#deps.deployments, deployment.rollback_of, 'ssh');
    await log.line(
      `Deploying to ${environment.name}: SSH target "${target.name}", ${config.hosts.length} host${config.hosts.length === 1 ? '' : 's'} ` +
        `(${config.parallelism} at a time), releases in ${config.deploy_to}`,
    );
    try {
      if (source) return await this.#rollBack(request, config, source.snapshot);
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
          deployTo: config.deploy_to,
          release: String(deployment.id),
          files: shipped,
          hosts: [],
          steps,
        };
        await this.#deps.deployments.update(deployment.id, { snapshot: JSON.stringify(snapshot) });
        const outcomes = await this.#rollOut(request, config, (connection, host) =>
          deployRelease(connection, {
            deployTo: config.deploy_to,
            release: snapshot.release,
            localDir: files.path,
            before: steps.before,
            after: steps.after,
            healthCheck: steps.healthCheck,
            keepReleases: steps.keepReleases,
            env: releaseEnvironment(request, snapshot.release),
            signal: request.signal,
            log: (line) => void log.line(`${hostName(host)}: ${line}`),
          }),
        );
        await this.#recordHosts(deployment, snapshot, outcomes);
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

  /** Takes down what a deployment made live: runs its stop command on every host (target teardown). */
  async stop(target: TargetRow, snapshot: SshSnapshot, log: (line: string) => void): Promise<void> {
    const config = parseSshConfig(target.config);
    const command = snapshot.steps.stop;
    if (command === null) {
      log(`no deploy:stop command: release ${snapshot.release} stays on the hosts`);
      return;
    }
    for (const host of config.hosts) {
      const connection = await this.#connect(target, config, host, AbortSignal.timeout(300_000));
      try {
        await stopRelease(connection, {
          deployTo: config.deploy_to,
          command,
          signal: AbortSignal.timeout(300_000),
          log: (line) => log(`${hostName(host)}: ${line}`),
        });
      } finally {
        await connection.close();
      }
    }
  }

  async #rollBack(request: DeployRequest, config: SshConfig, source: SshSnapshot): Promise<DeployOutcome> {
    const { deployment, log } = request;
    await log.line(`Rolling back to release ${source.release} (deployment #${source.release})`);
    const snapshot: SshSnapshot = { ...source, hosts: [] };
    await this.#deps.deployments.update(deployment.id, { snapshot: JSON.stringify(snapshot) });
    const outcomes = await this.#rollOut(request, config, (connection, host) =>
      switchRelease(connection, {
        deployTo: config.deploy_to,
        release: source.release,
        healthCheck: source.steps.healthCheck,
        after: source.steps.after,
        signal: request.signal,
        log: (line) => void log.line(`${hostName(host)}: ${line}`),
      }),
    );
    await this.#recordHosts(deployment, snapshot, outcomes);
    await log.line(`Release ${source.release} is live again on every host`);
    return { status: 'success' };
  }

  /**
   * Runs `step` on the hosts, `parallelism` at a time; when one fails, switches the hosts done so
   * far back to their previous release and throws the failure.
   */
  async #rollOut(
    request: DeployRequest,
    config: SshConfig,
    step: (connection: SshConnection, host: SshHostConfig) => Promise<{ previous: string | null }>,
  ): Promise<HostOutcome[]> {
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
        else failures.push(`${hostName(wave[index]!)}: ${(result.reason as Error).message}`);
      }
      if (failures.length > 0) {
        await this.#switchBack(request, config, done);
        throw new Error(failures.join('\n'));
      }
    }
    return done;
  }

  /** After a failure: hosts already switched go back to what they ran (a host that ran nothing keeps the release). */
  async #switchBack(request: DeployRequest, config: SshConfig, done: HostOutcome[]): Promise<void> {
    const { log } = request;
    for (const { host, previous } of done) {
      if (previous === null) {
        await log.line(`${hostName(host)}: ran no release before; the new one stays`);
        continue;
      }
      try {
        const connection = await this.#connect(request.target, config, host, AbortSignal.timeout(120_000));
        try {
          await switchRelease(connection, {
            deployTo: config.deploy_to,
            release: previous,
            healthCheck: null,
            signal: AbortSignal.timeout(120_000),
            log: (line) => void log.line(`${hostName(host)}: ${line}`),
          });
        } finally {
          await connection.close();
        }
        await log.line(`${hostName(host)}: switched back to release ${previous}`);
      } catch (error) {
        await log.line(
          `${hostName(host)}: could not switch back to release ${previous}: ${(error as Error).message}`,
        );
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

  async #recordHosts(
    deployment: DeploymentRow,
    snapshot: SshSnapshot,
    outcomes: HostOutcome[],
  ): Promise<void> {
    const hosts = outcomes.map(({ host, previous }) => ({ host: host.host, port: host.port, previous }));
    await this.#deps.deployments.update(deployment.id, { snapshot: JSON.stringify({ ...snapshot, hosts }) });
  }
}

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

function hostName(host: Pick<SshHostConfig, 'host' | 'port'>): string {
  return host.host.includes(':') ? `[${host.host}]:${host.port}` : `${host.host}:${host.port}`;
}
