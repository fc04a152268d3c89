import { type Fixture, READERS, type Role, type Rules } from '../support/authorization-rules.ts';

/**
 * Looking into a running environment: containers and logs for reporters (read_api tokens too),
 * shells for maintainers with an `api` token, the shell record for maintainers. The environment
 * was never deployed, so allowed roles get an empty container list, and 409 ("nothing runs")
 * from the logs and the shell; what they do against real targets is tested in
 * test/operations/ and the targets' own tests.
 */
export function environmentOperationsRules(): Rules {
  let counter = 0;
  const environment = async (f: Fixture, suffix: string) => {
    const id = await f.project();
    const created = await f.t.api<{ id: number }>('POST', `projects/${id}/environments`, {
      body: { name: `operations-${counter++}` },
    });
    if (created.status !== 201) throw new Error(`creating an environment: ${created.status}`);
    return `/api/v1/projects/${id}/environments/${created.body.id}/${suffix}`;
  };
  const MAINTAINERS: readonly Role[] = ['maintainer', 'admin'];
  return {
    'GET /api/v1/projects/:id/environments/:environment_id/containers': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: await environment(f, 'containers') }),
    },
    'GET /api/v1/projects/:id/environments/:environment_id/logs': {
      projectScoped: true,
      allowed: READERS,
      allowedStatus: 409,
      call: async (f) => ({ method: 'GET', path: await environment(f, 'logs?follow=true'), stream: true }),
    },
    'GET /api/v1/projects/:id/environments/:environment_id/shell': {
      projectScoped: true,
      allowed: MAINTAINERS,
      allowedStatus: 409,
      call: async (f) => ({ method: 'GET', path: await environment(f, 'shell') }),
    },
    'GET /api/v1/projects/:id/environments/:environment_id/shell_sessions': {
      projectScoped: true,
      allowed: ['read_api', ...MAINTAINERS],
      call: async (f) => ({ method: 'GET', path: await environment(f, 'shell_sessions') }),
    },
  };
}
