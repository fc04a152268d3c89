import assert from 'node:assert/strict';
import {
  AUTHENTICATED,
  type Fixture,
  READERS,
  type Role,
  type Rules,
} from '../support/authorization-rules.ts';
import { recordDeployment } from '../support/deployment-rows.ts';

/**
 * Protected environments, freeze periods, deployment approvals and the audit log: maintainers
 * (and their read_api tokens, for reading) manage a project's rules and read its log; admins own
 * instance freeze periods and the instance log; approvers of a protected environment decide on
 * its blocked deployments, which every project reader may list.
 */
export function governanceRules(): Rules {
  const maintainers: Role[] = ['maintainer', 'admin'];
  const maintainerReaders: Role[] = ['read_api', 'maintainer', 'admin'];
  const weekend = { freeze_start: '0 23 * * 5', freeze_end: '0 7 * * 1' };
  const name = () => `env-${Math.random().toString(36).slice(2, 10)}`;

  const withProtectedEnvironment = async (f: Fixture) => {
    const id = await f.project();
    const env = name();
    const created = await f.t.api('POST', `projects/${id}/protected_environments`, { body: { name: env } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return `/api/v1/projects/${id}/protected_environments/${env}`;
  };
  const withFreezePeriod = async (f: Fixture) => {
    const id = await f.project();
    const created = await f.t.api<{ id: number }>('POST', `projects/${id}/freeze_periods`, { body: weekend });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return `/api/v1/projects/${id}/freeze_periods/${created.body.id}`;
  };
  const instanceFreezePeriod = async (f: Fixture) => {
    const created = await f.t.api<{ id: number }>('POST', 'freeze_periods', { body: weekend });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return `/api/v1/freeze_periods/${created.body.id}`;
  };

  // One project per fixture whose production needs one approval from developers; each call gets a
  // blocked deployment of its own there.
  const approvalProjects = new WeakMap<Fixture, Promise<number>>();
  const approvalProject = (f: Fixture) => {
    let made = approvalProjects.get(f);
    if (made === undefined) {
      made = (async () => {
        const projectId = await f.project();
        const rule = await f.t.api('POST', `projects/${projectId}/protected_environments`, {
          body: {
            name: 'production',
            required_approval_count: 1,
            approval_rules: [{ access_level: 30 }],
            allow_self_approval: true,
          },
        });
        assert.equal(rule.status, 201, JSON.stringify(rule.body));
        return projectId;
      })();
      approvalProjects.set(f, made);
    }
    return made;
  };
  const blockedDeployment = async (f: Fixture) => {
    const projectId = await approvalProject(f);
    const id = await recordDeployment(f.t.server.store.db, {
      projectId,
      environment: 'production',
      userId: f.users.admin,
      sha: 'b'.repeat(40),
    });
    return `/api/v1/projects/${projectId}/deployments/${id}`;
  };

  return {
    'GET /api/v1/projects/:id/protected_environments': {
      projectScoped: true,
      allowed: maintainerReaders,
      call: async (f) => ({
        method: 'GET',
        path: `/api/v1/projects/${await f.project()}/protected_environments`,
      }),
    },
    'POST /api/v1/projects/:id/protected_environments': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/protected_environments`,
        body: { name: 'review/*', deploy_access_levels: [{ access_level: 30 }] },
      }),
    },
    'GET /api/v1/projects/:id/protected_environments/:name': {
      projectScoped: true,
      allowed: maintainerReaders,
      call: async (f) => ({ method: 'GET', path: await withProtectedEnvironment(f) }),
    },
    'PUT /api/v1/projects/:id/protected_environments/:name': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'PUT',
        path: await withProtectedEnvironment(f),
        body: { allow_self_approval: true },
      }),
    },
    'DELETE /api/v1/projects/:id/protected_environments/:name': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'DELETE', path: await withProtectedEnvironment(f) }),
    },
    'GET /api/v1/projects/:id/freeze_periods': {
      projectScoped: true,
      allowed: maintainerReaders,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/freeze_periods` }),
    },
    'POST /api/v1/projects/:id/freeze_periods': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/freeze_periods`,
        body: weekend,
      }),
    },
    'GET /api/v1/projects/:id/freeze_periods/:freeze_period_id': {
      projectScoped: true,
      allowed: maintainerReaders,
      call: async (f) => ({ method: 'GET', path: await withFreezePeriod(f) }),
    },
    'PUT /api/v1/projects/:id/freeze_periods/:freeze_period_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'PUT',
        path: await withFreezePeriod(f),
        body: { freeze_end: '0 6 * * 1' },
      }),
    },
    'DELETE /api/v1/projects/:id/freeze_periods/:freeze_period_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'DELETE', path: await withFreezePeriod(f) }),
    },
    'GET /api/v1/freeze_periods': {
      allowed: ['admin'],
      call: async () => ({ method: 'GET', path: '/api/v1/freeze_periods' }),
    },
    'POST /api/v1/freeze_periods': {
      allowed: ['admin'],
      call: async () => ({ method: 'POST', path: '/api/v1/freeze_periods', body: weekend }),
    },
    'GET /api/v1/freeze_periods/:freeze_period_id': {
      allowed: ['admin'],
      call: async (f) => ({ method: 'GET', path: await instanceFreezePeriod(f) }),
    },
    'PUT /api/v1/freeze_periods/:freeze_period_id': {
      allowed: ['admin'],
      call: async (f) => ({
        method: 'PUT',
        path: await instanceFreezePeriod(f),
        body: { freeze_end: '0 6 * * 1' },
      }),
    },
    'DELETE /api/v1/freeze_periods/:freeze_period_id': {
      allowed: ['admin'],
      call: async (f) => ({ method: 'DELETE', path: await instanceFreezePeriod(f) }),
    },
    'POST /api/v1/projects/:id/deployments/:deployment_id/approval': {
      projectScoped: true,
      // Approvers of the rule: developers and above (admins count as maintainers); reporters are not.
      allowed: ['developer', 'maintainer', 'admin'],
      call: async (f) => ({
        method: 'POST',
        path: `${await blockedDeployment(f)}/approval`,
        body: { status: 'approved', comment: 'ok' },
      }),
    },
    'GET /api/v1/projects/:id/deployments/:deployment_id/approvals': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `${await blockedDeployment(f)}/approvals` }),
    },
    'GET /api/v1/projects/:id/deployments/:deployment_id/approval_state': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `${await blockedDeployment(f)}/approval_state` }),
    },
    'GET /api/v1/deployments/awaiting_approval': {
      // Everyone's own view: the list is narrowed to what each user may approve, never refused.
      allowed: AUTHENTICATED,
      call: async () => ({ method: 'GET', path: '/api/v1/deployments/awaiting_approval' }),
    },
    'GET /api/v1/projects/:id/audit_events': {
      projectScoped: true,
      allowed: maintainerReaders,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/audit_events` }),
    },
    'GET /api/v1/audit_events': {
      allowed: ['admin'],
      call: async () => ({ method: 'GET', path: '/api/v1/audit_events' }),
    },
  };
}
