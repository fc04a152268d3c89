import assert from 'node:assert/strict';
import type { Fixture, Role, Rules } from '../support/authorization-rules.ts';

// Nothing listens on the discard port: test deliveries fail fast in the background, harmlessly.
const RECEIVER = 'http://127.0.0.1:9/hook';

/**
 * Project hooks and targets: maintainers (with the api scope even to read: URLs and payloads may
 * hold secrets) manage a project's; administrators manage instance targets.
 */
export function hookRules(): Rules {
  const maintainers: Role[] = ['maintainer', 'admin'];
  const withHook = async (f: Fixture) => {
    const id = await f.project();
    const hook = await f.t.api<{ id: number }>('POST', `projects/${id}/hooks`, {
      body: { url: RECEIVER, pipeline_events: true },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    return `/api/v1/projects/${id}/hooks/${hook.body.id}`;
  };
  const target = () => ({
    name: `t${Math.random().toString(36).slice(2, 10)}`,
    kind: 'external',
    url: RECEIVER,
  });
  const withProjectTarget = async (f: Fixture) => {
    const id = await f.project();
    const created = await f.t.api<{ id: number }>('POST', `projects/${id}/targets`, { body: target() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return `/api/v1/projects/${id}/targets/${created.body.id}`;
  };
  const withInstanceTarget = async (f: Fixture) => {
    const created = await f.t.api<{ id: number }>('POST', 'targets', { body: target() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return `/api/v1/targets/${created.body.id}`;
  };
  return {
    'GET /api/v1/projects/:id/hooks': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/hooks` }),
    },
    'POST /api/v1/projects/:id/hooks': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/hooks`,
        body: { url: RECEIVER, job_events: true },
      }),
    },
    'GET /api/v1/projects/:id/hooks/:hook_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'GET', path: await withHook(f) }),
    },
    'PUT /api/v1/projects/:id/hooks/:hook_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'PUT', path: await withHook(f), body: { deployment_events: true } }),
    },
    'DELETE /api/v1/projects/:id/hooks/:hook_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'DELETE', path: await withHook(f) }),
    },
    'GET /api/v1/projects/:id/hooks/:hook_id/events': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'GET', path: `${await withHook(f)}/events` }),
    },
    'POST /api/v1/projects/:id/hooks/:hook_id/test/:trigger': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'POST', path: `${await withHook(f)}/test/releases_events` }),
    },
    'GET /api/v1/projects/:id/targets': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/targets` }),
    },
    'POST /api/v1/projects/:id/targets': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/targets`,
        body: target(),
      }),
    },
    'GET /api/v1/projects/:id/targets/:target_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'GET', path: await withProjectTarget(f) }),
    },
    'PUT /api/v1/projects/:id/targets/:target_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'PUT',
        path: await withProjectTarget(f),
        body: { environment_scope: 'review/*' },
      }),
    },
    'DELETE /api/v1/projects/:id/targets/:target_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'DELETE', path: await withProjectTarget(f) }),
    },
    'GET /api/v1/targets': {
      allowed: ['admin'],
      call: async () => ({ method: 'GET', path: '/api/v1/targets' }),
    },
    'POST /api/v1/targets': {
      allowed: ['admin'],
      call: async () => ({ method: 'POST', path: '/api/v1/targets', body: target() }),
    },
    'GET /api/v1/targets/:target_id': {
      allowed: ['admin'],
      call: async (f) => ({ method: 'GET', path: await withInstanceTarget(f) }),
    },
    'PUT /api/v1/targets/:target_id': {
      allowed: ['admin'],
      call: async (f) => ({ method: 'PUT', path: await withInstanceTarget(f), body: { url: RECEIVER } }),
    },
    'DELETE /api/v1/targets/:target_id': {
      allowed: ['admin'],
      call: async (f) => ({ method: 'DELETE', path: await withInstanceTarget(f) }),
    },
  };
}
