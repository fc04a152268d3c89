import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { metricsRules } from '../metrics/authorization-metrics.ts';
import { podmanRules } from '../podman/authorization-podman.ts';
import {
  ANYONE,
  AUTHENTICATED,
  DEVELOPERS,
  denied,
  EVERYONE_VALID,
  type Fixture,
  freshUser,
  READERS,
  ROLES,
  type Role,
  type Rules,
  WRITERS,
} from '../support/authorization-rules.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { commitFile, gitIn, initWorkTree, scratchDir } from '../support/git-work-tree.ts';
import { ADMIN_TOKEN, createUserWithToken, startTestServer } from '../support/test-server.ts';
import { deploymentRules } from './authorization-deployments.ts';
import { environmentOperationsRules } from './authorization-environment-operations.ts';
import { environmentSecretsRules } from './authorization-environment-secrets.ts';
import { environmentsRules } from './authorization-environments.ts';
import { governanceRules } from './authorization-governance.ts';
import { hookRules } from './authorization-hooks.ts';
import { kubernetesRules } from './authorization-kubernetes.ts';
import { rebuildRules } from './authorization-rebuilds.ts';
import { registryRules } from './authorization-registry.ts';
import { releaseRules } from './authorization-releases.ts';

// Every route the server registers, and who may call it. A route missing from this table fails the
// test, so each new route arrives with its authorization spelled out.

const RULES: Rules = {
  'GET /healthz': { allowed: ANYONE, call: async () => ({ method: 'GET', path: '/healthz' }) },
  'GET /readyz': { allowed: ANYONE, call: async () => ({ method: 'GET', path: '/readyz' }) },
  'GET /api/v1/openapi.json': {
    allowed: EVERYONE_VALID,
    call: async () => ({ method: 'GET', path: '/api/v1/openapi.json' }),
  },
  'POST /api/v1/session': {
    allowed: EVERYONE_VALID,
    call: async () => ({
      method: 'POST',
      path: '/api/v1/session',
      body: { username: 'developer', password: 'password-123' },
    }),
  },
  'DELETE /api/v1/session': {
    allowed: EVERYONE_VALID,
    call: async () => ({ method: 'DELETE', path: '/api/v1/session' }),
  },
  'GET /api/v1/user': { allowed: AUTHENTICATED, call: async () => ({ method: 'GET', path: '/api/v1/user' }) },
  'GET /api/v1/users': {
    allowed: AUTHENTICATED,
    call: async () => ({ method: 'GET', path: '/api/v1/users' }),
  },
  'GET /api/v1/users/:user_id': {
    allowed: AUTHENTICATED,
    call: async (f) => ({ method: 'GET', path: `/api/v1/users/${f.users.admin}` }),
  },
  'POST /api/v1/users': {
    allowed: ['admin'],
    call: async () => ({
      method: 'POST',
      path: '/api/v1/users',
      body: { username: `new${Math.random().toString(36).slice(2, 10)}`, password: 'password-123' },
    }),
  },
  'PUT /api/v1/users/:user_id': {
    allowed: ['admin'],
    call: async (f) => ({
      method: 'PUT',
      path: `/api/v1/users/${await freshUser(f)}`,
      body: { name: 'Renamed' },
    }),
  },
  'DELETE /api/v1/users/:user_id': {
    allowed: ['admin'],
    call: async (f) => ({ method: 'DELETE', path: `/api/v1/users/${await freshUser(f)}` }),
  },
  'POST /api/v1/users/:user_id/personal_access_tokens': {
    allowed: WRITERS,
    call: async (f, role) => ({
      method: 'POST',
      path: `/api/v1/users/${f.users[role]}/personal_access_tokens`,
      body: { name: 'mine', scopes: ['read_api'] },
    }),
  },
  'GET /api/v1/personal_access_tokens': {
    allowed: AUTHENTICATED,
    call: async () => ({ method: 'GET', path: '/api/v1/personal_access_tokens' }),
  },
  'GET /api/v1/personal_access_tokens/:token_id': {
    allowed: AUTHENTICATED,
    call: async (f, role) => ({
      method: 'GET',
      path: `/api/v1/personal_access_tokens/${await ownTokenId(f, role)}`,
    }),
  },
  'DELETE /api/v1/personal_access_tokens/:token_id': {
    allowed: WRITERS,
    call: async (f, role) => ({
      method: 'DELETE',
      path: `/api/v1/personal_access_tokens/${await spareTokenId(f, role)}`,
    }),
  },
  'GET /api/v1/projects': {
    allowed: AUTHENTICATED,
    call: async () => ({ method: 'GET', path: '/api/v1/projects' }),
  },
  'POST /api/v1/projects': {
    allowed: WRITERS,
    call: async () => ({
      method: 'POST',
      path: '/api/v1/projects',
      body: { path: `made/${Math.random().toString(36).slice(2, 10)}` },
    }),
  },
  'GET /api/v1/projects/:id': {
    projectScoped: true,
    allowed: ['read_api', 'reporter', 'developer', 'maintainer', 'admin'],
    call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}` }),
  },
  'PUT /api/v1/projects/:id': {
    projectScoped: true,
    allowed: ['maintainer', 'admin'],
    call: async (f) => ({
      method: 'PUT',
      path: `/api/v1/projects/${await f.project()}`,
      body: { description: 'changed' },
    }),
  },
  'DELETE /api/v1/projects/:id': {
    projectScoped: true,
    allowed: ['maintainer', 'admin'],
    call: async (f) => ({ method: 'DELETE', path: `/api/v1/projects/${await f.project()}` }),
  },
  'GET /api/v1/projects/:id/events': {
    projectScoped: true,
    allowed: ['read_api', 'reporter', 'developer', 'maintainer', 'admin'],
    call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/events` }),
  },
  'GET /api/v1/projects/:id/members': {
    projectScoped: true,
    allowed: ['read_api', 'reporter', 'developer', 'maintainer', 'admin'],
    call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/members` }),
  },
  'GET /api/v1/projects/:id/members/:user_id': {
    projectScoped: true,
    allowed: ['read_api', 'reporter', 'developer', 'maintainer', 'admin'],
    call: async (f) => ({
      method: 'GET',
      path: `/api/v1/projects/${await f.project()}/members/${f.users.maintainer}`,
    }),
  },
  'POST /api/v1/projects/:id/members': {
    projectScoped: true,
    allowed: ['maintainer', 'admin'],
    call: async (f) => ({
      method: 'POST',
      path: `/api/v1/projects/${await f.project()}/members`,
      body: { user_id: f.users.outsider, access_level: 20 },
    }),
  },
  'PUT /api/v1/projects/:id/members/:user_id': {
    projectScoped: true,
    allowed: ['maintainer', 'admin'],
    call: async (f) => ({
      method: 'PUT',
      path: `/api/v1/projects/${await f.project()}/members/${f.users.reporter}`,
      body: { access_level: 30 },
    }),
  },
  'DELETE /api/v1/projects/:id/members/:user_id': {
    projectScoped: true,
    allowed: ['maintainer', 'admin'],
    call: async (f) => ({
      method: 'DELETE',
      path: `/api/v1/projects/${await f.project()}/members/${f.users.reporter}`,
    }),
  },
  'GET /api/v1/projects/:id/mirror': {
    projectScoped: true,
    allowed: ['maintainer', 'admin'],
    call: async (f) => ({
      method: 'GET',
      path: `/api/v1/projects/${await f.project({ mirror: true })}/mirror`,
    }),
  },
  'POST /api/v1/projects/:id/mirror/pull': {
    projectScoped: true,
    allowed: ['developer', 'maintainer', 'admin'],
    call: async (f) => ({
      method: 'POST',
      path: `/api/v1/projects/${await f.project({ mirror: true })}/mirror/pull`,
    }),
  },
  'POST /api/v1/projects/:id/mirror/webhook': {
    allowed: EVERYONE_VALID,
    call: async (f) => {
      const id = await f.project({ mirror: true });
      const settings = await f.t.api<{ webhook_secret: string }>('GET', `projects/${id}/mirror`);
      const body = JSON.stringify({ ref: 'refs/heads/main' });
      const signature = createHmac('sha256', settings.body.webhook_secret).update(body).digest('hex');
      return {
        method: 'POST',
        path: `/api/v1/projects/${id}/mirror/webhook`,
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': `sha256=${signature}`,
        },
      };
    },
  },
  'POST /api/v1/projects/:id/pipeline': {
    projectScoped: true,
    allowed: ['developer', 'maintainer', 'admin'],
    call: async (f) => {
      const { projectId } = await f.pipeline();
      return { method: 'POST', path: `/api/v1/projects/${projectId}/pipeline`, body: { ref: 'main' } };
    },
  },
  'GET /api/v1/projects/:id/pipelines': {
    projectScoped: true,
    allowed: READERS,
    call: async (f) => ({
      method: 'GET',
      path: `/api/v1/projects/${(await f.pipeline()).projectId}/pipelines`,
    }),
  },
  'GET /api/v1/projects/:id/pipelines/:pipeline_id': {
    projectScoped: true,
    allowed: READERS,
    call: async (f) => {
      const { projectId, pipelineId } = await f.pipeline();
      return { method: 'GET', path: `/api/v1/projects/${projectId}/pipelines/${pipelineId}` };
    },
  },
  'GET /api/v1/projects/:id/pipelines/:pipeline_id/jobs': {
    projectScoped: true,
    allowed: READERS,
    call: async (f) => {
      const { projectId, pipelineId } = await f.pipeline();
      return { method: 'GET', path: `/api/v1/projects/${projectId}/pipelines/${pipelineId}/jobs` };
    },
  },
  ...Object.fromEntries(
    (['cancel', 'retry', 'rebuild'] as const).map((action) => [
      `POST /api/v1/projects/:id/pipelines/:pipeline_id/${action}`,
      {
        projectScoped: true,
        allowed: DEVELOPERS,
        call: async (f: Fixture) => {
          const { projectId, pipelineId } = await f.pipeline({ canceled: action === 'retry' });
          return { method: 'POST', path: `/api/v1/projects/${projectId}/pipelines/${pipelineId}/${action}` };
        },
      },
    ]),
  ),
  'DELETE /api/v1/projects/:id/pipelines/:pipeline_id': {
    projectScoped: true,
    allowed: ['maintainer', 'admin'],
    call: async (f) => {
      const { projectId, pipelineId } = await f.pipeline();
      return { method: 'DELETE', path: `/api/v1/projects/${projectId}/pipelines/${pipelineId}` };
    },
  },
  'POST /api/v1/projects/:id/ci/lint': {
    projectScoped: true,
    allowed: ['reporter', 'developer', 'maintainer', 'admin'],
    call: async (f) => ({
      method: 'POST',
      path: `/api/v1/projects/${(await f.pipeline()).projectId}/ci/lint`,
      body: { content: 'job:\n  script: [echo]\n' },
    }),
  },
  'GET /api/v1/projects/:id/jobs': {
    projectScoped: true,
    allowed: READERS,
    call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${(await f.pipeline()).projectId}/jobs` }),
  },
  ...Object.fromEntries(
    (['', '/trace'] as const).map((suffix) => [
      `GET /api/v1/projects/:id/jobs/:job_id${suffix}`,
      {
        projectScoped: true,
        allowed: READERS,
        call: async (f: Fixture) => {
          const { projectId, jobId } = await f.pipeline();
          return { method: 'GET', path: `/api/v1/projects/${projectId}/jobs/${jobId}${suffix}` };
        },
      },
    ]),
  ),
  'GET /api/v1/projects/:id/jobs/:job_id/trace/stream': {
    projectScoped: true,
    allowed: READERS,
    // A canceled job's stream ends at once: the request completes.
    call: async (f) => {
      const { projectId, jobId } = await f.pipeline({ canceled: true });
      return { method: 'GET', path: `/api/v1/projects/${projectId}/jobs/${jobId}/trace/stream` };
    },
  },
  'GET /api/v1/events/stream': {
    allowed: AUTHENTICATED,
    call: async () => ({ method: 'GET', path: '/api/v1/events/stream', stream: true }),
  },
  'GET /api/v1/projects/:id/jobs/:job_id/artifacts': {
    projectScoped: true,
    allowed: READERS,
    // No job uploaded anything: members get 404 (no artifacts) where others get 401/403/404 for who they are.
    allowedStatus: 404,
    call: async (f) => {
      const { projectId, jobId } = await f.pipeline();
      return { method: 'GET', path: `/api/v1/projects/${projectId}/jobs/${jobId}/artifacts` };
    },
  },
  ...Object.fromEntries(
    (['play', 'retry', 'cancel'] as const).map((action) => [
      `POST /api/v1/projects/:id/jobs/:job_id/${action}`,
      {
        projectScoped: true,
        allowed: DEVELOPERS,
        call: async (f: Fixture) => {
          const { projectId, jobId } = await f.pipeline({ canceled: action === 'retry' });
          return { method: 'POST', path: `/api/v1/projects/${projectId}/jobs/${jobId}/${action}` };
        },
      },
    ]),
  ),
  'PUT /api/v1/jobs/:job_id/artifacts': {
    allowed: [],
    deniedStatus: 401,
    call: async (f) => ({
      method: 'PUT',
      path: `/api/v1/jobs/${(await f.pipeline()).jobId}/artifacts`,
      body: 'not an archive',
      headers: { 'content-type': 'application/gzip' },
    }),
  },
  'GET /api/v1/jobs/:job_id/artifacts': {
    allowed: [],
    deniedStatus: 401,
    call: async (f) => ({ method: 'GET', path: `/api/v1/jobs/${(await f.pipeline()).jobId}/artifacts` }),
  },
  'GET /api/v1/runners': {
    allowed: ['admin'],
    call: async () => ({ method: 'GET', path: '/api/v1/runners' }),
  },
  'POST /api/v1/runners': {
    allowed: ['admin'],
    call: async () => ({ method: 'POST', path: '/api/v1/runners', body: { description: 'r' } }),
  },
  'GET /api/v1/runners/:runner_id': {
    allowed: ['admin'],
    call: async (f) => ({ method: 'GET', path: `/api/v1/runners/${await spareRunnerId(f)}` }),
  },
  'DELETE /api/v1/runners/:runner_id': {
    allowed: ['admin'],
    call: async (f) => ({ method: 'DELETE', path: `/api/v1/runners/${await spareRunnerId(f)}` }),
  },
  'GET /api/v1/runners/connect': {
    allowed: [],
    deniedStatus: 401,
    call: async () => ({ method: 'GET', path: '/api/v1/runners/connect' }),
  },
  ...ciVariableRules(),
  ...deploymentRules(),
  ...environmentOperationsRules(),
  ...environmentSecretsRules(),
  ...environmentsRules(),
  ...governanceRules(),
  ...hookRules(),
  ...kubernetesRules(),
  ...metricsRules(),
  ...podmanRules(),
  ...protectedRefRules('protected_branches'),
  ...protectedRefRules('protected_tags'),
  ...pipelineScheduleRules(),
  ...rebuildRules(),
  ...releaseRules(),
  ...registryRules(),
  'GET /*': {
    projectScoped: true,
    allowed: ['read_api', 'reporter', 'developer', 'maintainer', 'admin'],
    call: async (f) => ({
      method: 'GET',
      path: `/${await projectPath(f)}.git/info/refs?service=git-upload-pack`,
      basic: true,
    }),
  },
  'POST /*': {
    projectScoped: true,
    allowed: ['developer', 'maintainer', 'admin'],
    // Push negotiation: what git asks before sending a pack; the role check is the same for the pack.
    call: async (f) => ({
      method: 'GET',
      path: `/${await projectPath(f)}.git/info/refs?service=git-receive-pack`,
      basic: true,
    }),
  },
};

/** CI/CD variables: project ones for maintainers (with the api scope even to read), instance ones for admins. */
function ciVariableRules(): Rules {
  const maintainers: Role[] = ['maintainer', 'admin'];
  const key = () => `K${Math.random().toString(36).slice(2, 10)}`;
  const withVariable = async (f: Fixture) => {
    const id = await f.project();
    const name = key();
    await f.t.api('POST', `projects/${id}/variables`, { body: { key: name, value: 'v' } });
    return `/api/v1/projects/${id}/variables/${name}`;
  };
  const instanceVariable = async (f: Fixture) => {
    const name = key();
    await f.t.api('POST', 'admin/ci/variables', { body: { key: name, value: 'v' } });
    return `/api/v1/admin/ci/variables/${name}`;
  };
  return {
    'GET /api/v1/projects/:id/variables': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/variables` }),
    },
    'POST /api/v1/projects/:id/variables': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/variables`,
        body: { key: key(), value: 'v' },
      }),
    },
    'GET /api/v1/projects/:id/variables/:key': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'GET', path: await withVariable(f) }),
    },
    'PUT /api/v1/projects/:id/variables/:key': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'PUT', path: await withVariable(f), body: { value: 'changed' } }),
    },
    'DELETE /api/v1/projects/:id/variables/:key': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'DELETE', path: await withVariable(f) }),
    },
    'GET /api/v1/admin/ci/variables': {
      allowed: ['admin'],
      call: async () => ({ method: 'GET', path: '/api/v1/admin/ci/variables' }),
    },
    'POST /api/v1/admin/ci/variables': {
      allowed: ['admin'],
      call: async () => ({
        method: 'POST',
        path: '/api/v1/admin/ci/variables',
        body: { key: key(), value: 'v' },
      }),
    },
    'GET /api/v1/admin/ci/variables/:key': {
      allowed: ['admin'],
      call: async (f) => ({ method: 'GET', path: await instanceVariable(f) }),
    },
    'PUT /api/v1/admin/ci/variables/:key': {
      allowed: ['admin'],
      call: async (f) => ({ method: 'PUT', path: await instanceVariable(f), body: { value: 'changed' } }),
    },
    'DELETE /api/v1/admin/ci/variables/:key': {
      allowed: ['admin'],
      call: async (f) => ({ method: 'DELETE', path: await instanceVariable(f) }),
    },
  };
}

/** Protected branches or tags: reporters read, maintainers change. */
function protectedRefRules(collection: 'protected_branches' | 'protected_tags'): Rules {
  const readers: Role[] = ['read_api', 'reporter', 'developer', 'maintainer', 'admin'];
  const withRule = async (f: Fixture) => {
    const id = await f.project();
    await f.t.api('POST', `projects/${id}/${collection}`, { body: { name: 'release/*' } });
    return `/api/v1/projects/${id}/${collection}/release%2F*`;
  };
  return {
    [`GET /api/v1/projects/:id/${collection}`]: {
      projectScoped: true,
      allowed: readers,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/${collection}` }),
    },
    [`GET /api/v1/projects/:id/${collection}/:name`]: {
      projectScoped: true,
      allowed: readers,
      call: async (f) => ({ method: 'GET', path: await withRule(f) }),
    },
    [`POST /api/v1/projects/:id/${collection}`]: {
      projectScoped: true,
      allowed: ['maintainer', 'admin'],
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/${collection}`,
        body: { name: 'v*' },
      }),
    },
    [`DELETE /api/v1/projects/:id/${collection}/:name`]: {
      projectScoped: true,
      allowed: ['maintainer', 'admin'],
      call: async (f) => ({ method: 'DELETE', path: await withRule(f) }),
    },
  };
}

/** Pipeline schedules: reporters read; developers create and play; the owner (here the developer) and maintainers change. */
function pipelineScheduleRules(): Rules {
  const readers: Role[] = ['read_api', 'reporter', 'developer', 'maintainer', 'admin'];
  const editors: Role[] = ['developer', 'maintainer', 'admin'];
  const schedule = async (f: Fixture, options: { variable?: boolean } = {}) => {
    const id = await f.project();
    const created = await f.t.api<{ id: number }>('POST', `projects/${id}/pipeline_schedules`, {
      token: f.tokens.developer,
      body: { description: 'nightly', ref: 'main', cron: '0 2 * * *' },
    });
    assert.equal(created.status, 201);
    const path = `/api/v1/projects/${id}/pipeline_schedules/${created.body.id}`;
    if (options.variable) {
      await f.t.api('POST', `${path}/variables`, {
        token: f.tokens.developer,
        body: { key: 'MODE', value: 'x' },
      });
    }
    return path;
  };
  return {
    'GET /api/v1/projects/:id/pipeline_schedules': {
      projectScoped: true,
      allowed: readers,
      call: async (f) => ({
        method: 'GET',
        path: `/api/v1/projects/${await f.project()}/pipeline_schedules`,
      }),
    },
    'GET /api/v1/projects/:id/pipeline_schedules/:schedule_id': {
      projectScoped: true,
      allowed: readers,
      call: async (f) => ({ method: 'GET', path: await schedule(f) }),
    },
    'POST /api/v1/projects/:id/pipeline_schedules': {
      projectScoped: true,
      allowed: editors,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/pipeline_schedules`,
        body: { description: 'd', ref: 'main', cron: '0 3 * * *' },
      }),
    },
    'PUT /api/v1/projects/:id/pipeline_schedules/:schedule_id': {
      projectScoped: true,
      allowed: editors,
      call: async (f) => ({ method: 'PUT', path: await schedule(f), body: { description: 'changed' } }),
    },
    'DELETE /api/v1/projects/:id/pipeline_schedules/:schedule_id': {
      projectScoped: true,
      allowed: editors,
      call: async (f) => ({ method: 'DELETE', path: await schedule(f) }),
    },
    'POST /api/v1/projects/:id/pipeline_schedules/:schedule_id/play': {
      projectScoped: true,
      allowed: editors,
      call: async (f) => ({ method: 'POST', path: `${await schedule(f)}/play` }),
    },
    'POST /api/v1/projects/:id/pipeline_schedules/:schedule_id/variables': {
      projectScoped: true,
      allowed: editors,
      call: async (f) => ({
        method: 'POST',
        path: `${await schedule(f)}/variables`,
        body: { key: 'TARGET', value: 'x' },
      }),
    },
    'PUT /api/v1/projects/:id/pipeline_schedules/:schedule_id/variables/:key': {
      projectScoped: true,
      allowed: editors,
      call: async (f) => ({
        method: 'PUT',
        path: `${await schedule(f, { variable: true })}/variables/MODE`,
        body: { value: 'y' },
      }),
    },
    'DELETE /api/v1/projects/:id/pipeline_schedules/:schedule_id/variables/:key': {
      projectScoped: true,
      allowed: editors,
      call: async (f) => ({
        method: 'DELETE',
        path: `${await schedule(f, { variable: true })}/variables/MODE`,
      }),
    },
  };
}

async function spareRunnerId(f: Fixture): Promise<number> {
  const created = await f.t.api<{ id: number }>('POST', 'runners', { body: { description: 'spare' } });
  return created.body.id;
}

async function projectPath(f: Fixture): Promise<string> {
  const id = await f.project();
  return (await f.t.api<{ path_with_namespace: string }>('GET', `projects/${id}`)).body.path_with_namespace;
}

async function ownTokenId(f: Fixture, role: Role): Promise<number> {
  if (f.tokens[role] === null || role === 'expired' || role === 'revoked') return 1;
  const me = await f.t.api<Array<{ id: number; active: boolean }>>('GET', 'personal_access_tokens', {
    token: f.tokens[role],
  });
  return me.body.find((token) => token.active)!.id;
}

async function spareTokenId(f: Fixture, role: Role): Promise<number> {
  if (f.tokens[role] === null || role === 'expired' || role === 'revoked') return 1;
  const created = await f.t.api<{ id: number }>('POST', `users/${f.users[role]}/personal_access_tokens`, {
    body: { name: 'spare', scopes: ['api'] },
  });
  return created.body.id;
}

for (const dialect of DIALECTS) {
  describe(`authorization of every route on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let f: Fixture;
    before(async () => {
      const t = await startTestServer(dialect, {
        env: { GANTRY_RUNNER_CONCURRENCY: '0' },
        // Playing a schedule only needs to get past authorization here; no pipeline is created.
        pipelineCreator: { createPipeline: async () => null },
      });
      const template = await scratchDir();
      await initWorkTree(template.path);
      await commitFile(template.path, '.gantry.yml', 'approve:\n  when: manual\n  script: [echo approved]\n');
      cleanups.push(() => template.cleanup());
      const users = {} as Record<Role, number>;
      const tokens = {} as Record<Role, string | null>;
      tokens.anonymous = null;
      users.anonymous = 0;
      tokens.admin = ADMIN_TOKEN;
      users.admin = 1;
      for (const role of ['outsider', 'reporter', 'developer', 'maintainer'] as const) {
        const user = await createUserWithToken(t, role);
        users[role] = user.id;
        tokens[role] = user.token;
      }
      const readOnly = await t.api<{ token: string }>(
        'POST',
        `users/${users.maintainer}/personal_access_tokens`,
        {
          body: { name: 'read only', scopes: ['read_api'] },
        },
      );
      users.read_api = users.maintainer;
      tokens.read_api = readOnly.body.token;
      const expiring = await createUserWithToken(t, 'expiring');
      await t.server.store.db
        .updateTable('personal_access_tokens')
        .set({ expires_at: '2020-01-01' })
        .where('id', '=', expiring.tokenId)
        .execute();
      users.expired = expiring.id;
      tokens.expired = expiring.token;
      const revoking = await createUserWithToken(t, 'revoking');
      assert.equal((await t.api('DELETE', `personal_access_tokens/${revoking.tokenId}`)).status, 204);
      users.revoked = revoking.id;
      tokens.revoked = revoking.token;

      const upstream = await t.api<{ path_with_namespace: string }>('POST', 'projects', {
        body: { path: 'up/stream' },
      });
      let counter = 0;
      f = {
        t,
        users,
        tokens,
        async project(options = {}) {
          const body: Record<string, unknown> = { path: `fixture/p${counter++}` };
          if (options.mirror) {
            Object.assign(body, {
              mirror_url: `${t.url}/${upstream.body.path_with_namespace}.git`,
              mirror_username: 'admin',
              mirror_password: ADMIN_TOKEN,
            });
          }
          const created = await t.api<{ id: number }>('POST', 'projects', { token: tokens.maintainer, body });
          assert.equal(created.status, 201, JSON.stringify(created.body));
          for (const [role, level] of [
            ['reporter', 20],
            ['developer', 30],
          ] as const) {
            const added = await t.api('POST', `projects/${created.body.id}/members`, {
              token: tokens.maintainer,
              body: { user_id: users[role], access_level: level },
            });
            assert.equal(added.status, 201);
          }
          return created.body.id;
        },
        async pipeline(options = {}) {
          const projectId = await this.project();
          const bare = join(t.dataDir, 'repositories', `${projectId}.git`);
          await gitIn(template.path, ['push', '--quiet', `file://${bare}`, 'HEAD:refs/heads/main']);
          const pipeline = await t.api<{ id: number }>('POST', `projects/${projectId}/pipeline`, {
            body: { ref: 'main' },
          });
          assert.equal(pipeline.status, 201, JSON.stringify(pipeline.body));
          const jobs = await t.api<Array<{ id: number }>>(
            'GET',
            `projects/${projectId}/pipelines/${pipeline.body.id}/jobs`,
          );
          const jobId = jobs.body[0]!.id;
          if (options.canceled) await t.api('POST', `projects/${projectId}/jobs/${jobId}/cancel`);
          return { projectId, pipelineId: pipeline.body.id, jobId };
        },
      };
    });
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
      await f?.t.stop();
      for (const cleanup of cleanups) await cleanup();
    });

    test('every registered route has an authorization rule', () => {
      const registered = f.t.server.app.routeSummaries.map((r) => `${r.method} ${r.url}`).sort();
      assert.deepEqual(registered, Object.keys(RULES).sort());
    });

    for (const [route, rule] of Object.entries(RULES)) {
      test(route, async () => {
        const failures: string[] = [];
        for (const role of ROLES) {
          const expected = rule.allowed.includes(role)
            ? (rule.allowedStatus ?? 'ok')
            : (rule.deniedStatus ?? denied(role, rule.projectScoped ?? false));
          const call = await rule.call(f, role);
          const token = f.tokens[role];
          const headers: Record<string, string> = { ...call.headers };
          if (token !== null) {
            headers.authorization = call.basic
              ? `Basic ${Buffer.from(`${role}:${token}`).toString('base64')}`
              : `Bearer ${token}`;
          }
          if (call.body !== undefined && !headers['content-type'])
            headers['content-type'] = 'application/json';
          const response = await fetch(`${f.t.url}${call.path}`, {
            method: call.method,
            headers,
            ...(call.body !== undefined && {
              body: typeof call.body === 'string' ? call.body : JSON.stringify(call.body),
            }),
          });
          const ok = response.status >= 200 && response.status < 300;
          // An open stream never ends by itself: its status is all there is to check.
          if (call.stream && ok) await response.body?.cancel();
          const text = call.stream && ok ? '' : await response.text();
          if (expected === 'ok' ? !ok : response.status !== expected) {
            failures.push(`${role}: expected ${expected}, got ${response.status} ${text.slice(0, 200)}`);
          }
        }
        assert.deepEqual(failures, []);
      });
    }
  });
}
