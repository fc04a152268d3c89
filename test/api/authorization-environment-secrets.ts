import type { Fixture, Role, Rules } from '../support/authorization-rules.ts';

/**
 * Environment secrets: maintainers (and admins) only, with the `api` scope even to list them, as
 * CI/CD variables; developers and below get 403, outsiders 404.
 */
export function environmentSecretsRules(): Rules {
  const maintainers: Role[] = ['maintainer', 'admin'];
  const key = () => `K${Math.random().toString(36).slice(2, 10)}`;
  const withSecret = async (f: Fixture) => {
    const id = await f.project();
    const name = key();
    const created = await f.t.api('POST', `projects/${id}/environment_secrets`, {
      body: { key: name, value: 'v', environment_scope: 'production' },
    });
    if (created.status !== 201) throw new Error(`creating a secret: ${created.status}`);
    return `/api/v1/projects/${id}/environment_secrets/${name}?environment_scope=production`;
  };
  return {
    'GET /api/v1/projects/:id/environment_secrets': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'GET',
        path: `/api/v1/projects/${await f.project()}/environment_secrets`,
      }),
    },
    'POST /api/v1/projects/:id/environment_secrets': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/environment_secrets`,
        body: { key: key(), value: 'v' },
      }),
    },
    'PUT /api/v1/projects/:id/environment_secrets/:key': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'PUT', path: await withSecret(f), body: { value: 'changed' } }),
    },
    'DELETE /api/v1/projects/:id/environment_secrets/:key': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'DELETE', path: await withSecret(f) }),
    },
  };
}
