import { join } from 'node:path';
import type { MavenSnapshot } from '../../domain/deployment-snapshot.ts';
import { GantryError } from '../../domain/errors.ts';
import { expandVariables } from '../../pipeline/index.ts';
import type { MavenSpec } from '../../pipeline/pipeline-definition.ts';
import { parseDefinition } from '../../scheduler/job-definition.ts';
import { jobSnapshot } from '../../scheduler/job-snapshot.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { DeploymentRepository } from '../../store/repositories/deployment-repository.ts';
import type { DeploymentStatusRepository } from '../../store/repositories/deployment-status-repository.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import { targetSecretContext } from '../../webhooks/webhook-secrets.ts';
import { findSnapshot } from '../deployment-snapshots.ts';
import { recordFailureStatus } from '../failure-status.ts';
import { gatherJobFiles, type JobFileSources } from '../job-files.ts';
import type { DeployOutcome, DeployRequest, Target } from '../target.ts';
import type { MavenCoordinates, MavenFile } from './maven-coordinates.ts';
import { mavenRepository, mavenTargetSettings } from './maven-settings.ts';
import { promoteVersion } from './promote-version.ts';
import { publishArtifacts } from './publish-artifacts.ts';
import type { MavenRepository } from './repository-client.ts';

export interface MavenTargetDeps extends JobFileSources {
  deployments: DeploymentRepository;
  statuses: DeploymentStatusRepository;
  secrets: SecretBox;
  scratchDir: string;
  /** The job's variables, to expand the coordinates (`version: $CI_COMMIT_TAG`). */
  jobVariables(job: JobRow): Promise<Map<string, string>>;
  variablesVersion(job: JobRow, environmentName: string): Promise<string | null>;
}

const settings = mavenTargetSettings();

/**
 * The built-in deployer for `deploy:` jobs on a Maven repository target: publishes the files
 * `deploy:maven` names (among `deploy:files`) as one version in the standard layout
 * (publish-artifacts.ts: checksums, metadata, a release never overwritten). A rollback makes the
 * snapshot's version the latest again (promote-version.ts); a stop removes nothing — a repository
 * keeps what it published, and its consumers may depend on it.
 */
export class MavenTarget implements Target {
  readonly kind = 'maven';
  readonly #deps: MavenTargetDeps;

  constructor(deps: MavenTargetDeps) {
    this.#deps = deps;
  }

  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    const { job, deployment, environment, target, log, signal } = request;
    const spec = parseDefinition(job.definition).deploy;
    if (!spec) throw new Error(`job ${job.name} has no deploy: settings`);
    const repository = this.#repository(target);
    const say = (line: string) => void log.line(line);
    try {
      const source =
        deployment.rollback_of === null
          ? null
          : await findSnapshot(this.#deps.deployments, deployment.rollback_of, 'maven');
      if (source) {
        const { groupId, artifactId, version } = source.snapshot;
        await log.line(
          `Making ${groupId}:${artifactId}:${version} the latest version again in ${repository.url}`,
        );
        await promoteVersion(repository, source.snapshot, { signal, log: say });
        await this.#deps.deployments.update(deployment.id, { snapshot: JSON.stringify(source.snapshot) });
        return { status: 'success' };
      }
      if (spec.files === null || spec.maven === null) {
        throw new GantryError(
          'validation_failed',
          `job ${job.name} deploys to a Maven repository: its deploy: needs files: and maven: (group_id, artifact_id, version, artifacts)`,
        );
      }
      const coordinates = await this.#coordinates(job, spec.maven);
      const snapshot: MavenSnapshot = {
        kind: 'maven',
        ...jobSnapshot(
          job,
          deployment,
          environment,
          await this.#deps.variablesVersion(job, environment.name),
        ),
        targetId: target.id,
        repositoryUrl: repository.url,
        ...coordinates,
        uploaded: [],
      };
      await this.#deps.deployments.update(deployment.id, { snapshot: JSON.stringify(snapshot) });
      await log.line(
        `Publishing ${coordinates.groupId}:${coordinates.artifactId}:${coordinates.version} to ${repository.url}`,
      );
      const files = await gatherJobFiles(this.#deps, job, spec.files, this.#deps.scratchDir);
      try {
        const base = files.directory ? files.path : join(files.path, '..');
        const published = await publishArtifacts(repository, coordinates, mavenFiles(base, spec.maven), {
          pom: spec.maven.pom === null ? null : insideFiles(base, spec.maven.pom),
          signal,
          log: say,
        });
        await this.#deps.deployments.update(deployment.id, {
          snapshot: JSON.stringify({ ...snapshot, uploaded: published.uploaded }),
        });
      } finally {
        await files.dispose();
      }
      return { status: 'success' };
    } catch (error) {
      await recordFailureStatus(this.#deps.statuses, deployment.id, (error as Error).message);
      throw error;
    }
  }

  async #coordinates(job: JobRow, spec: MavenSpec): Promise<MavenCoordinates> {
    const variables = await this.#deps.jobVariables(job);
    const expand = (text: string) => expandVariables(text, (name) => variables.get(name));
    return {
      groupId: expand(spec.groupId),
      artifactId: expand(spec.artifactId),
      version: expand(spec.version),
    };
  }

  #repository(target: TargetRow): MavenRepository {
    return mavenRepository(
      settings.parseConfig(target.config),
      settings.parseCredentials(
        target.secret_encrypted === null
          ? null
          : this.#deps.secrets.decrypt(target.secret_encrypted, targetSecretContext(target.id)),
      ),
    );
  }
}

/** The files of `deploy:maven:artifacts`, inside `base`; the extension from the name when not given. */
export function mavenFiles(base: string, spec: MavenSpec): MavenFile[] {
  return spec.artifacts.map(({ file, classifier, extension }) => {
    const name = file.split('/').pop() ?? file;
    const guessed = name.endsWith('.tar.gz') ? 'tar.gz' : (name.split('.').pop() ?? '');
    return { path: insideFiles(base, file), classifier, extension: extension ?? guessed };
  });
}

/** `file` inside `base`; a path leading out of it is refused. */
function insideFiles(base: string, file: string): string {
  const path = join(base, file);
  if (!path.startsWith(`${base}/`)) {
    throw new GantryError('validation_failed', `deploy:maven names ${file}, which leads out of deploy:files`);
  }
  return path;
}
