import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Actor } from '../domain/actor.ts';
import type { GantryError } from '../domain/errors.ts';
import type { PipelineRow } from '../store/repositories/pipeline-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { RebuildSourceRow } from '../store/repositories/rebuild-source-repository.ts';
import type { CreatePipelineInput } from './pipeline-service.ts';
import type { ProjectAccess } from './project-access.ts';
import { RebuildService } from './rebuild-service.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const actor: Actor = { userId: 5, username: 'dev', isAdmin: false, scopes: ['api'] };
const project = { id: 3, path: 'shop/web' } as ProjectRow;

const environment = (
  environment_id: number,
  name: string,
  deployed: { sha: string; ref?: string; tag?: number } | null,
  state = 'available',
): RebuildSourceRow => ({
  environment_id,
  name,
  state,
  deployment_id: deployed && environment_id * 10,
  sha: deployed?.sha ?? null,
  ref: deployed ? (deployed.ref ?? 'main') : null,
  tag: deployed ? (deployed.tag ?? 0) : null,
});

const ENVIRONMENTS = [
  environment(1, 'production', { sha: A }),
  environment(2, 'review/main', { sha: B }),
  environment(3, 'staging', { sha: B }),
  environment(4, 'qa', null),
  environment(5, 'old', { sha: A }, 'stopped'),
];

function setup(options: { protectedFromActor?: string[]; noPipelineFor?: string[] } = {}) {
  const calls: CreatePipelineInput[] = [];
  const service = new RebuildService({
    access: {
      async require(_actor: Actor, ref: string) {
        assert.equal(ref, '3');
        return project;
      },
    } as unknown as ProjectAccess,
    policy: { mayDeploy: async (_user, _project, name) => !options.protectedFromActor?.includes(name) },
    sources: { listEnvironments: async () => ENVIRONMENTS },
    pipelines: {
      async createPipeline(input) {
        calls.push(input);
        if (options.noPipelineFor?.includes(input.sha!)) return null;
        return { id: 100 + calls.length, sha: input.sha, ref: input.ref } as PipelineRow;
      },
    },
  });
  return { service, calls };
}

test('one environment: a rebuild pipeline at its deployed commit, deploying there only', async () => {
  const { service, calls } = setup();
  const outcome = await service.rebuildEnvironment(actor, '3', 1);
  assert.deepEqual(
    outcome.pipelines.map((p) => [p.pipeline.id, p.environments]),
    [[101, ['production']]],
  );
  assert.deepEqual(calls, [
    {
      projectId: 3,
      ref: 'main',
      sha: A,
      refType: 'branch',
      source: 'rebuild',
      userId: 5,
      variables: [
        { key: 'GANTRY_REBUILD', value: '1', variable_type: 'env_var' },
        { key: 'GANTRY_REBUILD_ENVIRONMENTS', value: 'production', variable_type: 'env_var' },
        { key: 'BUILDAH_LAYERS', value: 'false', variable_type: 'env_var' },
      ],
      rebuildEnvironments: ['production'],
    },
  ]);
});

test('all: every available environment with a successful deployment, one pipeline per commit', async () => {
  const { service, calls } = setup();
  const outcome = await service.rebuildProject(actor, '3', null);
  assert.deepEqual(
    outcome.pipelines.map((p) => [p.pipeline.sha, p.environments]),
    [
      [A, ['production']],
      [B, ['review/main', 'staging']],
    ],
  );
  assert.equal(calls.length, 2);
});

test('named environments: each must exist, run a deployment and be available (400 naming it)', async () => {
  const { service, calls } = setup();
  const fails = async (names: string[], message: RegExp, path: string) => {
    await assert.rejects(service.rebuildProject(actor, '3', names), (error: GantryError) => {
      assert.equal(error.code, 'bad_request');
      assert.match(error.message, message);
      assert.deepEqual(
        error.details.map((d) => d.path),
        [path],
      );
      return true;
    });
  };
  await fails(['staging', 'qa'], /qa has never been deployed/, '/environments/1');
  await fails(['nope'], /shop\/web has no environment named "nope"/, '/environments/0');
  await fails(['old'], /old is stopped/, '/environments/0');
  await assert.rejects(service.rebuildEnvironment(actor, '3', 4), /qa has never been deployed/);
  await assert.rejects(service.rebuildEnvironment(actor, '3', 99), /environment not found/);
  assert.equal(calls.length, 0);
  // A name given twice is rebuilt once.
  const twice = await service.rebuildProject(actor, '3', ['staging', 'staging']);
  assert.deepEqual(twice.pipelines[0]!.environments, ['staging']);
});

test('an environment the caller may not deploy to refuses the whole rebuild (403 naming it)', async () => {
  const { service, calls } = setup({ protectedFromActor: ['production'] });
  await assert.rejects(
    service.rebuildProject(actor, '3', null),
    (error: GantryError) => error.code === 'forbidden' && /deploy to production/.test(error.message),
  );
  assert.equal(calls.length, 0);
});

test('a commit whose file creates no pipeline is left out; when none is created the answer is 400', async () => {
  const partial = setup({ noPipelineFor: [A] });
  const outcome = await partial.service.rebuildProject(actor, '3', null);
  assert.deepEqual(
    outcome.pipelines.map((p) => p.environments),
    [['review/main', 'staging']],
  );
  const none = setup({ noPipelineFor: [A] });
  await assert.rejects(
    none.service.rebuildEnvironment(actor, '3', 1),
    /no rebuild pipeline was created for production \(aaaaaaaa\)/,
  );
});
