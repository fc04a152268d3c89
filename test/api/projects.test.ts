import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Project {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  default_branch: string;
  http_url_to_repo: string;
  mirror: boolean;
}
interface Member {
  id: number;
  username: string;
  access_level: number;
  role: string;
}

for (const dialect of DIALECTS) {
  describe(`projects API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(dialect);
    });
    after(() => t?.stop());

    test('create, get by id and by encoded path, update, delete', async () => {
      const created = await t.api<Project>('POST', 'projects', {
        body: { path: 'group/app', description: 'first', default_branch: 'trunk' },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.path_with_namespace, 'group/app');
      assert.equal(created.body.path, 'app');
      assert.equal(created.body.name, 'app');
      assert.equal(created.body.default_branch, 'trunk');
      assert.equal(created.body.http_url_to_repo, `${t.url}/group/app.git`);
      assert.equal(created.body.mirror, false);

      const byId = await t.api<Project>('GET', `projects/${created.body.id}`);
      const byPath = await t.api<Project>('GET', 'projects/group%2Fapp');
      assert.deepEqual(byId.body, created.body);
      assert.deepEqual(byPath.body, created.body);

      const updated = await t.api<Project>('PUT', 'projects/group%2Fapp', {
        body: { name: 'App', description: 'x' },
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.name, 'App');

      assert.equal((await t.api('DELETE', `projects/${created.body.id}`)).status, 204);
      assert.equal((await t.api('GET', `projects/${created.body.id}`)).status, 404);
      assert.equal((await t.api('GET', 'projects/group%2Fapp')).status, 404);
    });

    test('a second project at the same path conflicts and changes nothing', async () => {
      assert.equal((await t.api('POST', 'projects', { body: { path: 'dup/app' } })).status, 201);
      const again = await t.api<{ error: { code: string; message: string } }>('POST', 'projects', {
        body: { path: 'dup/app' },
      });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'conflict');
      const list = await t.api<Project[]>('GET', 'projects?search=dup');
      assert.equal(list.body.length, 1);
    });

    test("a project inside another project's path needs a maintainer of that project (or an admin)", async () => {
      const owner = await createUserWithToken(t, 'nestowner');
      const developer = await createUserWithToken(t, 'nestdev');
      const stranger = await createUserWithToken(t, 'neststranger');
      const parent = await t.api<Project>('POST', 'projects', {
        token: owner.token,
        body: { path: 'Nest/App' },
      });
      assert.equal(parent.status, 201);
      await t.api('POST', `projects/${parent.body.id}/members`, {
        token: owner.token,
        body: { user_id: developer.id, access_level: 30 },
      });
      for (const [who, path] of [
        [stranger, 'Nest/App/web'],
        [stranger, 'nest/app/deep/web'],
        [developer, 'nest/app/web'],
      ] as const) {
        const refused = await t.api<{ error: { code: string; message: string } }>('POST', 'projects', {
          token: who.token,
          body: { path },
        });
        assert.equal(refused.status, 403, path);
        assert.equal(refused.body.error.code, 'forbidden');
        assert.match(refused.body.error.message, /inside project Nest\/App/);
      }
      const sibling = await t.api('POST', 'projects', {
        token: stranger.token,
        body: { path: 'nest/application' },
      });
      assert.equal(sibling.status, 201, 'a longer segment is no nesting');
      const byOwner = await t.api('POST', 'projects', { token: owner.token, body: { path: 'Nest/App/web' } });
      assert.equal(byOwner.status, 201);
      assert.equal(
        (await t.api('POST', 'projects', { body: { path: 'Nest/App/api' } })).status,
        201,
        'admin',
      );
    });

    test('pagination with GitLab headers', async () => {
      for (let i = 0; i < 7; i++) {
        assert.equal((await t.api('POST', 'projects', { body: { path: `paged/p${i}` } })).status, 201);
      }
      const first = await t.api<Project[]>('GET', 'projects?search=paged&per_page=3');
      assert.equal(first.body.length, 3);
      assert.equal(first.headers.get('x-total'), '7');
      assert.equal(first.headers.get('x-total-pages'), '3');
      assert.equal(first.headers.get('x-next-page'), '2');
      const last = await t.api<Project[]>('GET', 'projects?search=paged&per_page=3&page=3');
      assert.equal(last.body.length, 1);
      assert.equal(last.headers.get('x-next-page'), '');
      assert.equal(last.headers.get('x-prev-page'), '2');
      const all = new Set(
        [
          ...first.body,
          ...(await t.api<Project[]>('GET', 'projects?search=paged&per_page=3&page=2')).body,
          ...last.body,
        ].map((p) => p.path_with_namespace),
      );
      assert.equal(all.size, 7);
    });

    test('members: roles decide what each user sees and may change', async () => {
      const owner = await createUserWithToken(t, 'owner');
      const dev = await createUserWithToken(t, 'dev');
      const outsider = await createUserWithToken(t, 'outsider');
      const project = await t.api<Project>('POST', 'projects', {
        token: owner.token,
        body: { path: 'team/svc' },
      });
      assert.equal(project.status, 201);
      const members = `projects/${project.body.id}/members`;

      const initial = await t.api<Member[]>('GET', members, { token: owner.token });
      assert.deepEqual(
        initial.body.map((m) => [m.username, m.access_level, m.role]),
        [['owner', 40, 'maintainer']],
      );

      assert.equal(
        (await t.api('GET', `projects/${project.body.id}`, { token: outsider.token })).status,
        404,
      );
      const listed = await t.api<Project[]>('GET', 'projects', { token: outsider.token });
      assert.ok(!listed.body.some((p) => p.id === project.body.id));

      const added = await t.api<Member>('POST', members, {
        token: owner.token,
        body: { user_id: dev.id, access_level: 30 },
      });
      assert.equal(added.status, 201);
      assert.equal(added.body.role, 'developer');
      assert.equal((await t.api('GET', `projects/${project.body.id}`, { token: dev.token })).status, 200);

      const devAdds = await t.api('POST', members, {
        token: dev.token,
        body: { user_id: outsider.id, access_level: 20 },
      });
      assert.equal(devAdds.status, 403);
      const devUpdates = await t.api('PUT', `projects/${project.body.id}`, {
        token: dev.token,
        body: { name: 'x' },
      });
      assert.equal(devUpdates.status, 403);

      const bad = await t.api('PUT', `${members}/${dev.id}`, {
        token: owner.token,
        body: { access_level: 35 },
      });
      assert.equal(bad.status, 400);
      const promoted = await t.api<Member>('PUT', `${members}/${dev.id}`, {
        token: owner.token,
        body: { access_level: 40 },
      });
      assert.equal(promoted.body.role, 'maintainer');

      // The last maintainer can neither leave nor be demoted.
      assert.equal((await t.api('DELETE', `${members}/${dev.id}`, { token: owner.token })).status, 204);
      const lastLeaves = await t.api<{ error: { message: string } }>('DELETE', `${members}/${owner.id}`, {
        token: owner.token,
      });
      assert.equal(lastLeaves.status, 403);
      assert.match(lastLeaves.body.error.message, /at least one maintainer/);
      const demote = await t.api('PUT', `${members}/${owner.id}`, {
        token: owner.token,
        body: { access_level: 30 },
      });
      assert.equal(demote.status, 403);
    });

    test('creating a project makes its bare repository; deleting removes it', async () => {
      const { existsSync } = await import('node:fs');
      const { join } = await import('node:path');
      const created = await t.api<Project>('POST', 'projects', { body: { path: 'disk/check' } });
      const repo = join(t.dataDir, 'repositories', `${created.body.id}.git`);
      assert.ok(existsSync(join(repo, 'HEAD')));
      await t.api('DELETE', `projects/${created.body.id}`);
      assert.ok(!existsSync(repo));
    });
  });
}
