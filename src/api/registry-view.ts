import { Type } from 'typebox';
import type { RegistryRepositoryListing } from '../registry/registry-repository.ts';
import type { RegistryTag } from '../registry/registry-service.ts';

const Timestamp = Type.String({ format: 'date-time' });

/**
 * A registry repository as GitLab's API shows it: `path` the full name (`group/app/web`), `name`
 * the part after the project's path (empty for the project's own image), `location` what
 * `podman pull` takes.
 */
export const RegistryRepositoryView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  path: Type.String(),
  project_id: Type.Integer(),
  location: Type.String(),
  tags_count: Type.Integer(),
  created_at: Timestamp,
});

export const registryRepositoryView = (
  repository: RegistryRepositoryListing,
  projectPath: string,
  host: string,
) => ({
  id: repository.id,
  name: repository.name.slice(projectPath.length + 1),
  path: repository.name,
  project_id: repository.project_id,
  location: `${host}/${repository.name}`,
  tags_count: repository.tags_count,
  created_at: repository.created_at,
});

/** A tag, its digest, and the environments whose last successful deployment runs that digest. */
export const RegistryTagView = Type.Object({
  name: Type.String(),
  path: Type.String(),
  location: Type.String(),
  digest: Type.String(),
  pushed_at: Timestamp,
  environments: Type.Array(
    Type.Object({ id: Type.Integer(), name: Type.String(), deployment_id: Type.Integer() }),
  ),
});

export const registryTagView = (tag: RegistryTag, repositoryName: string, host: string) => ({
  name: tag.name,
  path: `${repositoryName}:${tag.name}`,
  location: `${host}/${repositoryName}:${tag.name}`,
  digest: tag.digest,
  pushed_at: tag.pushed_at,
  environments: tag.environments,
});
