import type { SftpSnapshot } from '../../domain/deployment-snapshot.ts';
import { GantryError } from '../../domain/errors.ts';
import { parseDefinition } from '../../scheduler/job-definition.ts';
import { jobSnapshot } from '../../scheduler/job-snapshot.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { DeploymentRepository } from '../../store/repositories/deployment-repository.ts';
import type { DeploymentStatusRepository } from '../../store/repositories/deployment-status-repository.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import { targetSecretContext } from '../../webhooks/webhook-secrets.ts';
import { findSnapshot } from '../deployment-snapshots.ts';
import { environmentPath } from '../environment-path.ts';
import { recordFailureStatus } from '../failure-status.ts';
import { gatherJobFiles, type JobFileSources } from '../job-files.ts';
import { shippedFiles } from '../shipped-files.ts';
import type { SshEndpoint } from '../ssh/ssh-endpoint.ts';
import type { DeployOutcome, DeployRequest, Target } from '../target.ts';
import { publishRelease } from './publish-release.ts';
import { checkedRemoteDir } from './release-state.ts';
import { remoteJoin, sftpOptionalCommand } from './sftp-batch.ts';
import { runSftpBatch } from './sftp-client.ts';
import { type SftpConfig, sftpEndpoint, sftpTargetSettings } from './sftp-settings.ts';
import { switchToRelease } from './switch-release.ts';

export interface SftpTargetDeps extends JobFileSources {
  deployments: DeploymentRepository;
  statuses: DeploymentStatusRepository;
  secrets: SecretBox;
  scratchDir: string;
  variablesVersion(job: JobRow, environmentName: string): Promise<string | null>;
}

/**
 * The built-in deployer for `deploy:` jobs on an SFTP target: publishes `deploy:files` to the
 * server's directory as `releases/<deployment id>` switched in by a `current` symlink where the
 * server allows it, a plain copy otherwise (publish-release.ts). A rollback switches `current` back
 * (release mode only: a copy keeps no releases); a stop removes `current`, keeping the releases.
 */
export class SftpTarget implements Target {
  readonly kind = 'sftp';
  readonly #deps: SftpTargetDeps;
  readonly #settings: ReturnType<typeof sftpTargetSettings>;

  constructor(deps: SftpTargetDeps) {
    this.#deps = deps;
    this.#settings = sftpTargetSettings(deps.scratchDir);
  }

  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    const { job, deployment, environment, target, log, signal } = request;
    const spec = parseDefinition(job.definition).deploy;
    if (!spec) throw new Error(`job ${job.name} has no deploy: settings`);
    const { config, endpoint } = this.#connection(target);
    const say = (line: string) => void log.line(line);
    const session = { scratchDir: this.#deps.scratchDir, signal, log: say };
    try {
      const source =
        deployment.rollback_of === null
          ? null
          : await findSnapshot(this.#deps.deployments, deployment.rollback_of, 'sftp');
      if (source) {
        if (source.snapshot.mode !== 'release') {
          throw new GantryError(
            'conflict',
            `deployment #${source.row.iid} was copied into ${source.snapshot.remoteDir} (the server allows no atomic switch), which keeps no releases to switch back to: deploy its commit again`,
          );
        }
        const { previous } = await switchToRelease(endpoint, {
          ...session,
          remoteDir: source.snapshot.remoteDir,
          release: source.snapshot.release,
        });
        await this.#record(deployment.id, { ...source.snapshot, previous });
        await log.line(`Release ${source.snapshot.release} is current again`);
        return { status: 'success' };
      }
      if (spec.files === null)
        throw new Error(
          `job ${job.name} deploys to an SFTP target: its deploy: needs files:, the directory to upload`,
        );
      const files = await gatherJobFiles(this.#deps, job, spec.files, this.#deps.scratchDir);
      try {
        if (!files.directory)
          throw new Error(`deploy:files names ${spec.files}, a file: an SFTP release is a directory`);
        const snapshot: SftpSnapshot = {
          kind: 'sftp',
          ...jobSnapshot(
            job,
            deployment,
            environment,
            await this.#deps.variablesVersion(job, environment.name),
          ),
          targetId: target.id,
          remoteDir: environmentPath(config.remote_dir, environment.slug),
          release: String(deployment.id),
          mode: null,
          previous: null,
          files: await shippedFiles(files.path),
        };
        await this.#record(deployment.id, snapshot);
        await log.line(
          `Uploading ${snapshot.files.length} files to ${config.user}@${endpoint.host}:${snapshot.remoteDir}`,
        );
        const published = await publishRelease(endpoint, {
          ...session,
          remoteDir: snapshot.remoteDir,
          release: snapshot.release,
          localDir: files.path,
          keepReleases: spec.release?.keepReleases ?? config.keep_releases,
        });
        await this.#record(deployment.id, {
          ...snapshot,
          mode: published.mode,
          previous: published.previous,
        });
        await log.line(
          published.mode === 'release'
            ? `Release ${snapshot.release} is current (${published.uploaded} files uploaded)`
            : `${published.uploaded} files copied into ${snapshot.remoteDir}: the server allows no atomic switch, so there is no release to roll back to`,
        );
      } finally {
        await files.dispose();
      }
      return { status: 'success' };
    } catch (error) {
      await recordFailureStatus(this.#deps.statuses, deployment.id, (error as Error).message);
      throw error;
    }
  }

  /** Takes an environment down: removes `current` (the releases stay, for a later rollback). */
  async stop(target: TargetRow, snapshot: SftpSnapshot): Promise<void> {
    if (snapshot.mode !== 'release') return;
    const { endpoint } = this.#connection(target);
    await runSftpBatch(
      endpoint,
      [sftpOptionalCommand('rm', remoteJoin(checkedRemoteDir(snapshot.remoteDir), 'current'))],
      {
        scratchDir: this.#deps.scratchDir,
        purpose: `remove ${snapshot.remoteDir}/current`,
        signal: AbortSignal.timeout(120_000),
      },
    );
  }

  #connection(target: TargetRow): { config: SftpConfig; endpoint: SshEndpoint } {
    const config = this.#settings.parseConfig(target.config);
    const credentials = this.#settings.parseCredentials(
      target.secret_encrypted === null
        ? null
        : this.#deps.secrets.decrypt(target.secret_encrypted, targetSecretContext(target.id)),
    );
    return { config, endpoint: sftpEndpoint(config, credentials) };
  }

  async #record(deploymentId: number, snapshot: SftpSnapshot): Promise<void> {
    await this.#deps.deployments.update(deploymentId, { snapshot: JSON.stringify(snapshot) });
  }
}
