import type { S3Snapshot } from '../../domain/deployment-snapshot.ts';
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
import type { DeployOutcome, DeployRequest, Target } from '../target.ts';
import { deleteObjects } from './bucket-objects.ts';
import { restoreFiles } from './restore-files.ts';
import type { S3Location } from './s3-location.ts';
import { parseS3Config, parseS3Credentials } from './s3-settings.ts';
import { s3Client } from './s3-target-settings.ts';
import { syncDirectory } from './sync-directory.ts';

export interface S3TargetDeps extends JobFileSources {
  deployments: DeploymentRepository;
  statuses: DeploymentStatusRepository;
  secrets: SecretBox;
  scratchDir: string;
  variablesVersion(job: JobRow, environmentName: string): Promise<string | null>;
}

/**
 * The built-in deployer for `deploy:` jobs on an S3 target: syncs `deploy:files` (a directory of the
 * job's files) to the bucket and prefix, with content types, Cache-Control rules and, when asked,
 * removed files deleted (sync-directory.ts: nothing live changes until every new file is
 * uploaded). The snapshot lists every live object with its ETag and kept version; a rollback
 * copies those versions back (restore-files.ts); a stop deletes the live objects.
 */
export class S3Target implements Target {
  readonly kind = 's3';
  readonly #deps: S3TargetDeps;

  constructor(deps: S3TargetDeps) {
    this.#deps = deps;
  }

  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    const { job, deployment, environment, target, log, signal } = request;
    const spec = parseDefinition(job.definition).deploy;
    if (!spec) throw new Error(`job ${job.name} has no deploy: settings`);
    const config = parseS3Config(target.config);
    const client = this.#client(target);
    const say = (line: string) => void log.line(line);
    try {
      const source =
        deployment.rollback_of === null
          ? null
          : await findSnapshot(this.#deps.deployments, deployment.rollback_of, 's3');
      if (source) {
        const location = { bucket: source.snapshot.bucket, prefix: source.snapshot.prefix };
        await log.line(
          `Rolling back s3://${location.bucket}/${location.prefix} to deployment #${source.row.iid}`,
        );
        const restored = await restoreFiles(client, location, source.snapshot.files, {
          deleteOthers: source.snapshot.deleteRemoved,
          signal,
          log: say,
        });
        await this.#record(deployment.id, { ...source.snapshot, files: restored.files });
        await log.line(`${restored.uploaded} files copied back, ${restored.unchanged} already right`);
        return { status: 'success' };
      }
      if (spec.files === null) {
        throw new Error(
          `job ${job.name} deploys to an S3 target: its deploy: needs files:, the directory to publish`,
        );
      }
      const location: S3Location = {
        bucket: config.bucket,
        prefix: environmentPath(config.prefix, environment.slug),
      };
      const deleteRemoved = spec.site?.deleteRemoved ?? false;
      const snapshot: S3Snapshot = {
        kind: 's3',
        ...jobSnapshot(
          job,
          deployment,
          environment,
          await this.#deps.variablesVersion(job, environment.name),
        ),
        targetId: target.id,
        bucket: location.bucket,
        prefix: location.prefix,
        versioning: config.versioning,
        deleteRemoved,
        files: [],
      };
      await this.#record(deployment.id, snapshot);
      await log.line(
        `Publishing ${spec.files} to s3://${location.bucket}/${location.prefix} (${environment.name})`,
      );
      const files = await gatherJobFiles(this.#deps, job, spec.files, this.#deps.scratchDir);
      try {
        if (!files.directory)
          throw new Error(`deploy:files names ${spec.files}, a file: an S3 target publishes a directory`);
        const synced = await syncDirectory(client, location, files.path, {
          deploymentId: deployment.id,
          deleteRemoved,
          cacheControl: spec.site?.cacheControl ?? [],
          contentTypes: spec.site?.contentTypes ?? {},
          versioning: config.versioning,
          signal,
          log: say,
        });
        await this.#record(deployment.id, { ...snapshot, files: synced.files });
        await log.line(
          `${synced.files.length} files live: ${synced.uploaded} written, ${synced.unchanged} unchanged, ${synced.deleted.length} deleted`,
        );
      } finally {
        await files.dispose();
      }
      return { status: 'success' };
    } catch (error) {
      await recordFailureStatus(this.#deps.statuses, deployment.id, (error as Error).message);
      throw error;
    } finally {
      client.destroy();
    }
  }

  /** Takes down what a deployment published: deletes its live objects (kept versions stay). */
  async stop(target: TargetRow, snapshot: S3Snapshot): Promise<void> {
    const client = this.#client(target);
    try {
      await deleteObjects(
        client,
        { bucket: snapshot.bucket, prefix: snapshot.prefix },
        snapshot.files.map((file) => file.key),
      );
    } finally {
      client.destroy();
    }
  }

  #client(target: TargetRow) {
    const credentials = parseS3Credentials(
      target.secret_encrypted === null
        ? null
        : this.#deps.secrets.decrypt(target.secret_encrypted, targetSecretContext(target.id)),
    );
    return s3Client(parseS3Config(target.config), credentials);
  }

  async #record(deploymentId: number, snapshot: S3Snapshot): Promise<void> {
    await this.#deps.deployments.update(deploymentId, { snapshot: JSON.stringify(snapshot) });
  }
}
