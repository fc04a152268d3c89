import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVELOPERS, type Fixture, READERS, type Role, type Rules } from '../support/authorization-rules.ts';
import { commitFile, gitIn, initWorkTree } from '../support/git-work-tree.ts';
import { eventually } from '../support/pipeline-helpers.ts';

/** A pipeline file with a manual deploy job to production (in a resource group) and its stop job. */
const DEPLOY_PIPELINE = `deploy:
  when: manual
  resource_group: production
  environment:
    name: production
    on_stop: stop
  script: [echo deploying]
stop:
  when: manual
  environment:
    name: production
    action: stop
  script: [echo stopping]
`;

/** What a fresh deploy pipeline gives a rule: its project, environment, deployment and jobs. */
interface DeployFixture {
  projectId: number;
  pipelineId: number;
  environmentId: number;
  deploymentId: number;
  deployJobId: number;
}

/**
 * Deployments, deploy / re-deploy / rollback / promote / abort / stop, deployment locks, resource groups and
 * auto-deploy rules: reporters (and read_api tokens) read; developers deploy and record
 * deployments; maintainers delete deployment records and change resource groups; only instance
 * administrators release a lock. The fixture server runs no jobs, so a "successful deployment" is
 * written the way the deployment recorder writes one (job and deployment success, a script
 * snapshot, the environment's current deployment).
 */
export function deploymentRules(): Rules {
  const maintainers: Role[] = ['maintainer', 'admin'];
  let template: Promise<string> | undefined;
  const templateWorkTree = (): Promise<string> => {
    template ??= (async () => {
      const path = await mkdtemp(join(tmpdir(), 'gantry-auth-deploy-'));
      process.once('exit', () => rmSync(path, { recursive: true, force: true }));
      await initWorkTree(path);
      await commitFile(path, '.gantry.yml', DEPLOY_PIPELINE);
      return path;
    })();
    return template;
  };

  /** A fresh project whose pipeline has a manual (blocked) deployment to production. */
  const deployPipeline = async (f: Fixture): Promise<DeployFixture> => {
    const projectId = await f.project();
    const bare = join(f.t.dataDir, 'repositories', `${projectId}.git`);
    await gitIn(await templateWorkTree(), ['push', '--quiet', `file://${bare}`, 'HEAD:refs/heads/main']);
    const pipeline = await f.t.api<{ id: number }>('POST', `projects/${projectId}/pipeline`, {
      body: { ref: 'main' },
    });
    assert.equal(pipeline.status, 201, JSON.stringify(pipeline.body));
    const deployments = await f.t.api<
      Array<{ id: number; deployable: { id: number; name: string } | null; environment: { id: number } }>
    >('GET', `projects/${projectId}/deployments`);
    const deployment = deployments.body.find((d) => d.deployable?.name === 'deploy');
    assert.ok(deployment, JSON.stringify(deployments.body));
    return {
      projectId,
      pipelineId: pipeline.body.id,
      environmentId: deployment.environment.id,
      deploymentId: deployment.id,
      deployJobId: deployment.deployable!.id,
    };
  };

  /** A deploy pipeline whose deployment succeeded: what production runs now. */
  const deployed = async (f: Fixture): Promise<DeployFixture> => {
    const made = await deployPipeline(f);
    const db = f.t.server.store.db;
    const now = new Date().toISOString();
    const job = await db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', made.deployJobId)
      .executeTakeFirstOrThrow();
    const pipeline = await db
      .selectFrom('pipelines')
      .selectAll()
      .where('id', '=', made.pipelineId)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('jobs')
      .set({ status: 'success', started_at: now, finished_at: now })
      .where('id', '=', job.id)
      .execute();
    const snapshot = {
      kind: 'script',
      sha: pipeline.sha,
      ref: pipeline.ref,
      tag: false,
      pipelineId: pipeline.id,
      jobId: job.id,
      jobName: job.name,
      definition: JSON.parse(job.definition) as unknown,
      variablesVersion: null,
    };
    await db
      .updateTable('deployments')
      .set({ status: 'success', finished_at: now, snapshot: JSON.stringify(snapshot) })
      .where('id', '=', made.deploymentId)
      .execute();
    await db
      .updateTable('environments')
      .set({ last_deployment_id: made.deploymentId, last_success_deployment_id: made.deploymentId })
      .where('id', '=', made.environmentId)
      .execute();
    return made;
  };

  /** A deployment recorded by an external tool (`POST /deployments`) in a fresh project. */
  const external = async (f: Fixture, status: 'running' | 'success' = 'running', projectId?: number) => {
    const id = projectId ?? (await f.project());
    const created = await f.t.api<{ id: number }>('POST', `projects/${id}/deployments`, {
      body: { environment: 'production', sha: 'b'.repeat(40), ref: 'main', tag: false, status },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return `/api/v1/projects/${id}/deployments/${created.body.id}`;
  };

  const resourceGroup = async (f: Fixture) => {
    const id = await f.project();
    await f.t.server.engine.resourceGroups.findOrCreate(id, 'production');
    return `/api/v1/projects/${id}/resource_groups/production`;
  };

  /** A lock held by a played deploy job (no runner takes it, so it stays). */
  const heldLock = async (f: Fixture) => {
    const made = await deployPipeline(f);
    const played = await f.t.api(
      'POST',
      `projects/${made.projectId}/environments/${made.environmentId}/deploy`,
      {
        body: { pipeline_id: made.pipelineId },
      },
    );
    assert.equal(played.status, 201, JSON.stringify(played.body));
    const key = `environment:${made.environmentId}`;
    await eventually(
      async () => {
        const locks = await f.t.api<Array<{ key: string }>>(
          'GET',
          `projects/${made.projectId}/deployment_locks`,
        );
        return locks.body.some((lock) => lock.key === key) ? true : undefined;
      },
      () => `no lock ${key}`,
    );
    return `/api/v1/projects/${made.projectId}/deployment_locks/${encodeURIComponent(key)}`;
  };

  const autoDeployRule = async (f: Fixture) => {
    const made = await deployPipeline(f);
    const played = await f.t.api(
      'POST',
      `projects/${made.projectId}/environments/${made.environmentId}/deploy`,
      {
        body: { pipeline_id: made.pipelineId, always: true },
      },
    );
    assert.equal(played.status, 201, JSON.stringify(played.body));
    const rules = await f.t.api<Array<{ id: number }>>('GET', `projects/${made.projectId}/auto_deploy_rules`);
    assert.equal(rules.body.length, 1, JSON.stringify(rules.body));
    return `/api/v1/projects/${made.projectId}/auto_deploy_rules/${rules.body[0]!.id}`;
  };

  return {
    'GET /api/v1/projects/:id/deployments': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({
        method: 'GET',
        path: `/api/v1/projects/${(await deployPipeline(f)).projectId}/deployments?environment=production`,
      }),
    },
    'GET /api/v1/projects/:id/deployments/:deployment_id': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => {
        const { projectId, deploymentId } = await deployPipeline(f);
        return { method: 'GET', path: `/api/v1/projects/${projectId}/deployments/${deploymentId}` };
      },
    },
    'POST /api/v1/projects/:id/deployments': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await f.project()}/deployments`,
        body: { environment: 'staging', sha: 'c'.repeat(40), ref: 'main', tag: false, status: 'success' },
      }),
    },
    'PUT /api/v1/projects/:id/deployments/:deployment_id': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({ method: 'PUT', path: await external(f), body: { status: 'success' } }),
    },
    'DELETE /api/v1/projects/:id/deployments/:deployment_id': {
      projectScoped: true,
      allowed: maintainers,
      // An older finished deployment: the environment runs a newer one, so this one may go.
      call: async (f) => {
        const id = await f.project();
        const path = await external(f, 'success', id);
        await external(f, 'success', id);
        return { method: 'DELETE', path };
      },
    },
    'GET /api/v1/projects/:id/deployments/:deployment_id/statuses': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `${await external(f)}/statuses` }),
    },
    'POST /api/v1/projects/:id/deployments/:deployment_id/statuses': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({
        method: 'POST',
        path: `${await external(f)}/statuses`,
        body: { state: 'in_progress', description: 'rolling out' },
      }),
    },
    'POST /api/v1/projects/:id/deployments/:deployment_id/rollback': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => {
        const { projectId, deploymentId } = await deployed(f);
        return { method: 'POST', path: `/api/v1/projects/${projectId}/deployments/${deploymentId}/rollback` };
      },
    },
    'POST /api/v1/projects/:id/deployments/:deployment_id/promote': {
      projectScoped: true,
      allowed: DEVELOPERS,
      // Nothing is rolling out in steps here: those allowed learn that, the others are refused first.
      allowedStatus: 409,
      call: async (f) => {
        const { projectId, deploymentId } = await deployed(f);
        return { method: 'POST', path: `/api/v1/projects/${projectId}/deployments/${deploymentId}/promote` };
      },
    },
    'POST /api/v1/projects/:id/deployments/:deployment_id/abort': {
      projectScoped: true,
      allowed: DEVELOPERS,
      // Nothing is rolling out in steps here: those allowed learn that, the others are refused first.
      allowedStatus: 409,
      call: async (f) => {
        const { projectId, deploymentId } = await deployed(f);
        return { method: 'POST', path: `/api/v1/projects/${projectId}/deployments/${deploymentId}/abort` };
      },
    },
    'POST /api/v1/projects/:id/environments/:environment_id/deploy': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => {
        const { projectId, environmentId, pipelineId } = await deployPipeline(f);
        return {
          method: 'POST',
          path: `/api/v1/projects/${projectId}/environments/${environmentId}/deploy`,
          body: { pipeline_id: pipelineId },
        };
      },
    },
    'POST /api/v1/projects/:id/environments/:environment_id/redeploy': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => {
        const { projectId, environmentId } = await deployed(f);
        return {
          method: 'POST',
          path: `/api/v1/projects/${projectId}/environments/${environmentId}/redeploy`,
        };
      },
    },
    'POST /api/v1/projects/:id/environments/:environment_id/stop': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => {
        const { projectId, environmentId } = await deployed(f);
        return { method: 'POST', path: `/api/v1/projects/${projectId}/environments/${environmentId}/stop` };
      },
    },
    'GET /api/v1/projects/:id/deployment_locks': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/deployment_locks` }),
    },
    'DELETE /api/v1/projects/:id/deployment_locks/:key': {
      projectScoped: true,
      allowed: ['admin'],
      call: async (f) => ({ method: 'DELETE', path: await heldLock(f) }),
    },
    'GET /api/v1/projects/:id/resource_groups': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/resource_groups` }),
    },
    'GET /api/v1/projects/:id/resource_groups/:key': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: await resourceGroup(f) }),
    },
    'PUT /api/v1/projects/:id/resource_groups/:key': {
      projectScoped: true,
      allowed: maintainers,
      call: async (f) => ({
        method: 'PUT',
        path: await resourceGroup(f),
        body: { process_mode: 'oldest_first' },
      }),
    },
    'GET /api/v1/projects/:id/auto_deploy_rules': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await f.project()}/auto_deploy_rules` }),
    },
    'DELETE /api/v1/projects/:id/auto_deploy_rules/:rule_id': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({ method: 'DELETE', path: await autoDeployRule(f) }),
    },
  };
}
