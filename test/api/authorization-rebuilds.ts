import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVELOPERS, type Fixture, READERS, type Role, type Rules } from '../support/authorization-rules.ts';
import { commitFile, gitIn, initWorkTree } from '../support/git-work-tree.ts';

/**
 * Rebuilds and rebuild schedules: developers who may deploy there rebuild; reporters (and read_api
 * tokens) read schedules; maintainers manage and play them. The fixture server runs no jobs, so what
 * production runs is a deployment recorded over the API at a real commit with a pipeline file.
 */
export function rebuildRules(): Rules {
  const maintainers: Role[] = ['maintainer', 'admin'];
  let template: Promise<{ path: string; sha: string }> | undefined;
  const templateWorkTree = () => {
    template ??= (async () => {
      const path = await mkdtemp(join(tmpdir(), 'gantry-auth-rebuild-'));
      process.once('exit', () => rmSync(path, { recursive: true, force: true }));
      await initWorkTree(path);
      const sha = await commitFile(
        path,
        '.gantry.yml',
        'deploy:\n  environment: production\n  script: [echo deploying]\n',
      );
      return { path, sha };
    })();
    return template;
  };

  /** A fresh project whose production runs the template's commit; returns the project and environment ids. */
  const deployed = async (f: Fixture) => {
    const projectId = await f.project();
    const { path, sha } = await templateWorkTree();
    const bare = join(f.t.dataDir, 'repositories', `${projectId}.git`);
    await gitIn(path, ['push', '--quiet', `file://${bare}`, 'HEAD:refs/heads/main']);
    const recorded = await f.t.api<{ environment: { id: number } }>(
      'POST',
      `projects/${projectId}/deployments`,
      {
        body: { environment: 'production', sha, ref: 'main', tag: false, status: 'success' },
      },
    );
    assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
    return { projectId, environmentId: recorded.body.environment.id };
  };

  const schedule = async (f: Fixture, options: { deployed?: boolean } = {}) => {
    const projectId = options.deployed ? (await deployed(f)).projectId : await f.project();
    const created = await f.t.api<{ id: number }>('POST', `projects/${projectId}/rebuild_schedules`, {
      token: f.tokens.maintainer,
      body: { description: 'weekly', cron: '0 4 * * 1' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return `/api/v1/projects/${projectId}/rebuild_schedules/${created.body.id}`;
  };

  return {
    'POST /api/v1/projects/:id/environments/:environment_id/rebuild': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => {
        const { projectId, environmentId } = await deployed(f);
        return {
          method: 'POST',
          path: `/api/v1/projects/${projectId}/environments/${environmentId}/rebuild`,
        };
      },
    },
    'POST /api/v1/projects/:id/rebuild': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${(await deployed(f)).projectId}/rebuild`,
        body: { environments: ['production'] },
      }),
    },
    'GET /api/v1/projects/:id/rebuild_schedules': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/rebuild_schedules` }),
    },
    'GET /api/v1/projects/:id/rebuild_schedules/:schedule_id': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: await schedule(f) }),
    },
    'POST /api/v1/projects/:id/rebuild_schedules': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/rebuild_schedules`,
        body: { description: 'nightly', cron: '0 3 * * *', environments: null },
      }),
    },
    'PUT /api/v1/projects/:id/rebuild_schedules/:schedule_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'PUT', path: await schedule(f), body: { active: false } }),
    },
    'DELETE /api/v1/projects/:id/rebuild_schedules/:schedule_id': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'DELETE', path: await schedule(f) }),
    },
    'POST /api/v1/projects/:id/rebuild_schedules/:schedule_id/play': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({ method: 'POST', path: `${await schedule(f, { deployed: true })}/play` }),
    },
  };
}
