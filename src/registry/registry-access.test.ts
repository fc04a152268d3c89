import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Actor } from '../domain/actor.ts';
import { GantryError } from '../domain/errors.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { PullCredentials } from './pull-credentials.ts';
import { RegistryAccess, type RegistryPrincipal } from './registry-access.ts';
import { RegistryError } from './registry-error.ts';

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const actor = (userId: number, isAdmin = false): Actor => ({
  userId,
  username: `u${userId}`,
  isAdmin,
  scopes: ['api'],
});
const credentials = new PullCredentials(new SecretBox(Buffer.alloc(32, 1)));
// Project 1 is `group/app`, project 2 `group/app/sub` (nested, created after `group/app/sub/old` was
// pushed to project 1); user 10 reports in 1, 11 develops in 1, 12 maintains 1.
const roles: Record<number, number> = { 10: 20, 11: 30, 12: 40 };
const access = new RegistryAccess({
  authenticateToken: async (token) => {
    if (token === 'pat-reporter') return actor(10);
    if (token === 'pat-developer') return actor(11);
    if (token === 'pat-maintainer') return actor(12);
    if (token === 'pat-admin') return actor(1, true);
    throw new GantryError('unauthorized', 'invalid or missing credentials');
  },
  authenticateJobToken: async (token) => {
    if (token === 'gtj_running') return { id: 5, project_id: 1 };
    throw new GantryError('unauthorized', 'job token is invalid or its job has ended');
  },
  mayPerform: async (who, projectId, action) => {
    if (who.isAdmin) return true;
    const level = projectId === 1 ? (roles[who.userId] ?? 0) : 0;
    return action === 'read' ? level >= 20 : level >= 30;
  },
  isMaintainer: async (who, projectId) => who.isAdmin || (projectId === 1 && roles[who.userId] === 40),
  findRecordedProject: async (name) =>
    name === 'group/app/sub/old' ? { id: 1, path: 'Group/App' } : undefined,
  findProjectByPath: async (candidates) => {
    const known = [
      { id: 2, path: 'group/app/sub' },
      { id: 1, path: 'Group/App' },
    ];
    return known.find((project) => candidates.includes(project.path.toLowerCase()));
  },
  pullCredentials: credentials,
});

const refusal = async (promise: Promise<unknown>): Promise<number> =>
  promise.then(
    () => 200,
    (error: unknown) => (error instanceof RegistryError ? error.status : assert.fail(String(error))),
  );

test('Basic credentials: job tokens, deployer credentials and personal access tokens; anything else is 401', async () => {
  assert.deepEqual(await access.authenticate(basic('gitlab-ci-token', 'gtj_running')), {
    kind: 'job',
    jobId: 5,
    projectId: 1,
  });
  const deployer = credentials.mint(1, 60);
  assert.deepEqual(await access.authenticate(basic(deployer.username, deployer.password)), {
    kind: 'deployer',
    projectId: 1,
  });
  assert.equal((await access.authenticate(basic('anyone', 'pat-reporter'))).kind, 'user');
  for (const header of [
    undefined,
    'Bearer pat-reporter',
    basic('gitlab-ci-token', 'gtj_finished'),
    basic('gantry-deployer', 'gdp_1_1_00'),
    basic('someone', 'wrong'),
  ]) {
    assert.equal(await refusal(access.authenticate(header)), 401, String(header));
  }
});

test('a repository belongs to the project with the longest matching path, compared in lower case', async () => {
  const user: RegistryPrincipal = { kind: 'user', actor: actor(1, true) };
  assert.equal((await access.authorize(user, 'pull', 'group/app/web')).id, 1);
  assert.equal((await access.authorize(user, 'pull', 'group/app/sub/web')).id, 2);
  assert.equal((await access.authorize(user, 'pull', 'group/app')).id, 1);
  assert.equal(await refusal(access.authorize(user, 'pull', 'group/other')), 403);
});

test('a recorded repository stays with its project, whatever project is created at a longer path later', async () => {
  const user: RegistryPrincipal = { kind: 'user', actor: actor(1, true) };
  assert.equal((await access.authorize(user, 'pull', 'group/app/sub/old')).id, 1);
  const developer: RegistryPrincipal = { kind: 'user', actor: actor(11) };
  assert.equal(await refusal(access.authorize(developer, 'push', 'group/app/sub/new')), 403);
  assert.equal(await refusal(access.authorize(developer, 'push', 'group/app/sub/old')), 200);
});

test('who may pull, push and delete', async () => {
  const cases: Array<[RegistryPrincipal, 'pull' | 'push' | 'delete', string, number]> = [
    [{ kind: 'job', jobId: 5, projectId: 1 }, 'push', 'group/app/web', 200],
    [{ kind: 'job', jobId: 5, projectId: 1 }, 'delete', 'group/app/web', 403],
    [{ kind: 'job', jobId: 5, projectId: 1 }, 'pull', 'group/app/sub/web', 403],
    [{ kind: 'deployer', projectId: 1 }, 'pull', 'group/app/web', 200],
    [{ kind: 'deployer', projectId: 1 }, 'push', 'group/app/web', 403],
    [{ kind: 'user', actor: actor(10) }, 'pull', 'group/app/web', 200],
    [{ kind: 'user', actor: actor(10) }, 'push', 'group/app/web', 403],
    [{ kind: 'user', actor: actor(11) }, 'push', 'group/app/web', 200],
    [{ kind: 'user', actor: actor(11) }, 'delete', 'group/app/web', 403],
    [{ kind: 'user', actor: actor(12) }, 'delete', 'group/app/web', 200],
    [{ kind: 'user', actor: actor(99) }, 'pull', 'group/app/web', 403],
  ];
  for (const [principal, action, name, expected] of cases) {
    assert.equal(
      await refusal(access.authorize(principal, action, name)),
      expected,
      `${JSON.stringify(principal)} ${action} ${name}`,
    );
  }
  assert.equal(access.mayListCatalog({ kind: 'user', actor: actor(1, true) }), true);
  assert.equal(access.mayListCatalog({ kind: 'user', actor: actor(12) }), false);
  assert.equal(access.mayListCatalog({ kind: 'job', jobId: 5, projectId: 1 }), false);
});
