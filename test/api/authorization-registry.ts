import { existsSync } from 'node:fs';
import { DEFAULT_REGISTRY_BINARY } from '../../src/config/server-config.ts';
import {
  AUTHENTICATED,
  DEVELOPERS,
  type Expectation,
  type Fixture,
  READERS,
  type Rules,
} from '../support/authorization-rules.ts';

/**
 * The registry API (reporters read, maintainers delete tags) and Gantry's `/v2/` (HTTP Basic:
 * any valid credential logs in; reporters and read_api tokens pull, developers push, maintainers
 * delete). `/v2/` refuses with 403 whether or not the project can be seen. The test server runs the
 * bundled registry when docker-registry is installed; otherwise the registry is off and requests
 * that pass authorization get the registry's "off" answer.
 */
export function registryRules(): Rules {
  const registryOn = existsSync(DEFAULT_REGISTRY_BINARY);
  const whenOff = (status: Expectation): { allowedStatus?: Expectation } =>
    registryOn ? {} : { allowedStatus: status };
  const maintainers = ['maintainer', 'admin'] as const;
  const zeroDigest = `sha256:${'0'.repeat(64)}`;
  const name = async (f: Fixture): Promise<{ id: number; path: string }> => {
    const id = await f.project();
    const project = await f.t.api<{ path_with_namespace: string }>('GET', `projects/${id}`);
    return { id, path: project.body.path_with_namespace.toLowerCase() };
  };
  /** A project with a recorded repository and tag (as a push through /v2/ records them). */
  const tagged = async (f: Fixture): Promise<string> => {
    const { id, path } = await name(f);
    const db = f.t.server.store.db;
    const now = new Date().toISOString();
    const repository = await db
      .insertInto('registry_repositories')
      .values({ project_id: id, name: `${path}/web`, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('registry_tags')
      .values({ repository_id: repository.id, name: 'v1', digest: zeroDigest, pushed_at: now })
      .execute();
    return `/api/v1/projects/${id}/registry/repositories/${repository.id}`;
  };
  return {
    'GET /api/v1/projects/:id/registry/repositories': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({
        method: 'GET',
        path: `/api/v1/projects/${await f.project()}/registry/repositories`,
      }),
    },
    'GET /api/v1/projects/:id/registry/repositories/:repository_id/tags': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `${await tagged(f)}/tags` }),
    },
    'DELETE /api/v1/projects/:id/registry/repositories/:repository_id/tags/:tag_name': {
      projectScoped: true,
      allowed: maintainers,
      // The tag's manifest is not in the backend: already gone, which is what deleting asks.
      ...whenOff(409),
      call: async (f) => ({ method: 'DELETE', path: `${await tagged(f)}/tags/v1` }),
    },
    'GET /v2': {
      allowed: AUTHENTICATED,
      ...whenOff(404),
      call: async () => ({ method: 'GET', path: '/v2/', basic: true }),
    },
    'GET /v2/*': {
      allowed: READERS,
      // Nothing was pushed: the registry does not know the name (404), after authorization.
      allowedStatus: 404,
      call: async (f) => ({ method: 'GET', path: `/v2/${(await name(f)).path}/tags/list`, basic: true }),
    },
    'POST /v2/*': {
      allowed: DEVELOPERS,
      ...whenOff(404),
      call: async (f) => ({
        method: 'POST',
        path: `/v2/${(await name(f)).path}/blobs/uploads/`,
        basic: true,
      }),
    },
    'PATCH /v2/*': {
      allowed: DEVELOPERS,
      allowedStatus: 404,
      call: async (f) => ({
        method: 'PATCH',
        path: `/v2/${(await name(f)).path}/blobs/uploads/0b7f0000-aaaa-bbbb-cccc-000000000000`,
        body: 'layer bytes',
        headers: { 'content-type': 'application/octet-stream' },
        basic: true,
      }),
    },
    'PUT /v2/*': {
      allowed: DEVELOPERS,
      allowedStatus: 404,
      call: async (f) => ({
        method: 'PUT',
        path: `/v2/${(await name(f)).path}/blobs/uploads/0b7f0000-aaaa-bbbb-cccc-000000000000?digest=${zeroDigest}`,
        body: 'layer bytes',
        headers: { 'content-type': 'application/octet-stream' },
        basic: true,
      }),
    },
    'DELETE /v2/*': {
      allowed: maintainers,
      allowedStatus: 404,
      call: async (f) => ({
        method: 'DELETE',
        path: `/v2/${(await name(f)).path}/manifests/${zeroDigest}`,
        basic: true,
      }),
    },
  };
}
