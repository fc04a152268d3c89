import type { Actor } from '../domain/actor.ts';
import type { DeployedImage } from '../domain/deployment-snapshot.ts';
import { conflict, GantryError, notFound } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type { ProjectAccess } from '../services/project-access.ts';
import type { ProjectRoleCheck } from '../services/project-role-check.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type {
  DeployedSnapshot,
  RegistryRepository,
  RegistryRepositoryListing,
  RegistryRepositoryRow,
  RegistryTagRow,
} from './registry-repository.ts';
import type { RegistryUpstream } from './registry-upstream.ts';

/** An environment running an image: its last successful deployment lists the image's digest. */
export interface EnvironmentRunning {
  id: number;
  name: string;
  deployment_id: number;
}

/** A tag with the environments that run its digest now. */
export interface RegistryTag extends RegistryTagRow {
  environments: EnvironmentRunning[];
}

/**
 * The registry's API: a project's image repositories and their tags as pushes recorded them, with
 * the environments each digest runs in (from deployment snapshots' `images`). Reporters read;
 * maintainers delete tags, which deletes the manifest in the registry backend too.
 */
export class RegistryService {
  readonly #rows: RegistryRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #upstream: RegistryUpstream | null;

  constructor(deps: {
    rows: RegistryRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    /** The backend; null while the registry is off. */
    upstream: RegistryUpstream | null;
  }) {
    this.#rows = deps.rows;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#upstream = deps.upstream;
  }

  async listRepositories(
    actor: Actor,
    projectRef: string,
    page: PageRequest,
  ): Promise<Page<RegistryRepositoryListing> & { project: ProjectRow }> {
    const project = await this.#access.require(actor, projectRef, 'read');
    const [items, total] = await Promise.all([
      this.#rows.listRepositories(project.id, page),
      this.#rows.countRepositories(project.id),
    ]);
    return { items, total, request: page, project };
  }

  async listTags(
    actor: Actor,
    projectRef: string,
    repositoryId: number,
    page: PageRequest,
  ): Promise<Page<RegistryTag> & { repository: RegistryRepositoryRow }> {
    const { repository } = await this.#repository(actor, projectRef, repositoryId);
    const [tags, total, deployed] = await Promise.all([
      this.#rows.listTags(repository.id, page),
      this.#rows.countTags(repository.id),
      this.#rows.deployedSnapshots(repository.project_id),
    ]);
    const running = environmentsByDigest(deployed);
    const items = tags.map((tag) => ({ ...tag, environments: running.get(tag.digest) ?? [] }));
    return { items, total, request: page, repository };
  }

  /**
   * Deletes a tag: the manifest it names is deleted in the backend, which removes every tag naming
   * the same digest there (Distribution cannot untag), so those are forgotten too.
   */
  async deleteTag(actor: Actor, projectRef: string, repositoryId: number, tagName: string): Promise<void> {
    const { project, repository } = await this.#repository(actor, projectRef, repositoryId);
    await this.#roles.require(actor, project, 'maintainer', 'deleting registry tags');
    const tag = await this.#rows.findTag(repository.id, tagName);
    if (!tag) throw notFound('tag');
    const upstream = this.#upstream;
    if (upstream === null) {
      throw conflict('the registry is off (GANTRY_REGISTRY), so its images cannot be deleted');
    }
    const response = await upstream.send(
      {
        method: 'DELETE',
        path: `/v2/${repository.name}/manifests/${tag.digest}`,
        headers: {},
        scope: `repository:${repository.name}:delete`,
      },
      null,
    );
    response.resume();
    // 404: already gone from the backend, which is what was asked.
    if (response.statusCode !== 202 && response.statusCode !== 404) {
      throw new GantryError(
        'unavailable',
        `the registry backend refused to delete ${repository.name}@${tag.digest} (HTTP ${response.statusCode})`,
      );
    }
    await this.#rows.deleteTags(repository.name, { digest: tag.digest });
  }

  async #repository(
    actor: Actor,
    projectRef: string,
    repositoryId: number,
  ): Promise<{ project: ProjectRow; repository: RegistryRepositoryRow }> {
    const project = await this.#access.require(actor, projectRef, 'read');
    const repository = await this.#rows.findRepository(project.id, repositoryId);
    if (!repository) throw notFound('registry repository');
    return { project, repository };
  }
}

/** Digest → the environments whose running snapshot lists an image with it. */
export function environmentsByDigest(
  deployed: readonly DeployedSnapshot[],
): Map<string, EnvironmentRunning[]> {
  const running = new Map<string, EnvironmentRunning[]>();
  for (const row of deployed) {
    const digests = new Set(
      snapshotImages(row.snapshot).flatMap((image) => (image.digest ? [image.digest] : [])),
    );
    for (const digest of digests) {
      const list = running.get(digest) ?? [];
      list.push({ id: row.environment_id, name: row.environment_name, deployment_id: row.deployment_id });
      running.set(digest, list);
    }
  }
  return running;
}

/**
 * The `images` of a snapshot of any kind that records them (Kubernetes, Podman), read without
 * knowing the kind, so a snapshot of a newer kind never breaks the listing.
 */
function snapshotImages(json: string): DeployedImage[] {
  try {
    const images = (JSON.parse(json) as { images?: unknown }).images;
    if (!Array.isArray(images)) return [];
    return images.filter(
      (image): image is DeployedImage =>
        typeof image === 'object' && image !== null && typeof (image as DeployedImage).digest === 'string',
    );
  } catch {
    return [];
  }
}
