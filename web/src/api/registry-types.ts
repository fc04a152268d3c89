/**
 * The shapes of the container registry resources the UI reads from `/api/v1` (docs/api.md,
 * "Container registry"): a project's image repositories and their tags.
 */

/** `GET /projects/:id/registry/repositories`. */
export interface RegistryRepository {
  id: number;
  /** The name below the project's path (`web`); empty for the project's own image. */
  name: string;
  /** `group/project/web`. */
  path: string;
  /** Where to pull from: `registry.example.com/group/project/web`. */
  location: string;
  tags_count: number;
  created_at: string;
}

/** An environment whose current deployment runs a tag's digest. */
export interface RunningEnvironment {
  id: number;
  name: string;
  deployment_id: number;
}

/** `GET /projects/:id/registry/repositories/:repository_id/tags`. */
export interface RegistryTag {
  name: string;
  path: string;
  /** Where to pull the tag from: `registry.example.com/group/project/web:v1`. */
  location: string;
  digest: string;
  pushed_at: string | null;
  environments: RunningEnvironment[];
}
