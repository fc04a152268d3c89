import {
  AUTHENTICATED,
  DEVELOPERS,
  type Fixture,
  READERS,
  type Role,
  type Rules,
} from '../support/authorization-rules.ts';

/**
 * Environments: reporters (and read_api tokens) read; developers create, update and stop stale
 * ones; maintainers delete and clean up review apps. The matrix is open to every signed-in user
 * and shows each only their own projects.
 */
export function environmentsRules(): Rules {
  const maintainers: Role[] = ['maintainer', 'admin'];
  let counter = 0;
  const withEnvironment = async (f: Fixture, state?: 'stopped') => {
    const id = await f.project();
    const created = await f.t.api<{ id: number }>('POST', `projects/${id}/environments`, {
      body: { name: `review/e${counter++}` },
    });
    if (created.status !== 201) throw new Error(`creating an environment: ${created.status}`);
    if (state) {
      await f.t.server.store.db
        .updateTable('environments')
        .set({ state })
        .where('id', '=', created.body.id)
        .execute();
    }
    return `/api/v1/projects/${id}/environments/${created.body.id}`;
  };
  return {
    'GET /api/v1/projects/:id/environments': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/environments` }),
    },
    'GET /api/v1/projects/:id/environments/folders': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({
        method: 'GET',
        path: `/api/v1/projects/${await f.project()}/environments/folders`,
      }),
    },
    'GET /api/v1/projects/:id/environments/:environment_id': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: await withEnvironment(f) }),
    },
    'POST /api/v1/projects/:id/environments': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/environments`,
        body: { name: 'staging' },
      }),
    },
    'PUT /api/v1/projects/:id/environments/:environment_id': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({
        method: 'PUT',
        path: await withEnvironment(f),
        body: { external_url: 'https://review.example.com' },
      }),
    },
    'DELETE /api/v1/projects/:id/environments/:environment_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'DELETE', path: await withEnvironment(f, 'stopped') }),
    },
    'POST /api/v1/projects/:id/environments/stop_stale': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/environments/stop_stale?before=2021-01-01T00:00:00Z`,
      }),
    },
    'DELETE /api/v1/projects/:id/environments/review_apps': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'DELETE',
        path: `/api/v1/projects/${await f.project()}/environments/review_apps?dry_run=false`,
      }),
    },
    'GET /api/v1/environments/matrix': {
      allowed: AUTHENTICATED,
      call: async () => ({ method: 'GET', path: '/api/v1/environments/matrix' }),
    },
  };
}
