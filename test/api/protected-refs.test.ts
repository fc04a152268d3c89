import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProjectAccess } from '../../src/services/project-access.ts';
import { ProtectedRefService } from '../../src/services/protected-ref-service.ts';
import { MemberRepository } from '../../src/store/repositories/member-repository.ts';
import { ProjectRepository } from '../../src/store/repositories/project-repository.ts';
import { ProtectedRefRepository } from '../../src/store/repositories/protected-ref-repository.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Rule {
  id: number | null;
  name: string;
  implicit: boolean;
}
interface ErrorBody {
  error: { code: string; message: string };
}

for (const dialect of DIALECTS) {
  describe(`protected branches and tags API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let maintainer: string;
    let reporter: string;
    let developer: string;
    let rules: ProtectedRefService;
    let counter = 0;

    async function project(defaultBranch = 'main'): Promise<number> {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: maintainer,
        body: { path: `protect/p${counter++}`, default_branch: defaultBranch },
      });
      assert.equal(created.status, 201);
      for (const [token, level] of [
        [reporter, 20],
        [developer, 30],
      ] as const) {
        const user = await t.api<{ id: number }>('GET', 'user', { token });
        await t.api('POST', `projects/${created.body.id}/members`, {
          token: maintainer,
          body: { user_id: user.body.id, access_level: level },
        });
      }
      return created.body.id;
    }

    before(async () => {
      t = await startTestServer(dialect);
      maintainer = (await createUserWithToken(t, 'refs-maintainer')).token;
      reporter = (await createUserWithToken(t, 'refs-reporter')).token;
      developer = (await createUserWithToken(t, 'refs-developer')).token;
      const db = t.server.store.db;
      const projects = new ProjectRepository(db);
      rules = new ProtectedRefService({
        refs: new ProtectedRefRepository(db),
        projects,
        access: new ProjectAccess(projects, new MemberRepository(db)),
      });
    });
    after(() => t?.stop());

    test('the default branch is protected from the start, without a stored rule', async () => {
      const id = await project('trunk');
      const list = await t.api<Rule[]>('GET', `projects/${id}/protected_branches`, { token: reporter });
      assert.equal(list.status, 200);
      assert.deepEqual(list.body, [{ id: null, name: 'trunk', implicit: true }]);
      const one = await t.api<Rule>('GET', `projects/${id}/protected_branches/trunk`, { token: reporter });
      assert.deepEqual(one.body, { id: null, name: 'trunk', implicit: true });
      assert.equal(await rules.isProtected(id, 'trunk', 'branch'), true);
      assert.equal(await rules.isProtected(id, 'main', 'branch'), false);
      assert.equal(await rules.isProtected(id, 'trunk', 'tag'), false);
      const tags = await t.api<Rule[]>('GET', `projects/${id}/protected_tags`, { token: reporter });
      assert.deepEqual(tags.body, []);
    });

    test('protect and unprotect wildcard patterns; names in paths are URL-encoded', async () => {
      const id = await project();
      const created = await t.api<Rule>('POST', `projects/${id}/protected_branches`, {
        token: maintainer,
        body: { name: 'release/*' },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.name, 'release/*');
      assert.equal(created.body.implicit, false);
      assert.equal(typeof created.body.id, 'number');
      const stable = await t.api<Rule>('POST', `projects/${id}/protected_branches`, {
        token: maintainer,
        body: { name: '*-stable' },
      });
      assert.equal(stable.status, 201);
      const list = await t.api<Rule[]>('GET', `projects/${id}/protected_branches`, { token: reporter });
      assert.deepEqual(
        list.body.map((r) => r.name),
        ['main', '*-stable', 'release/*'],
      );
      const one = await t.api<Rule>('GET', `projects/${id}/protected_branches/release%2F*`, {
        token: reporter,
      });
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, created.body);

      const table: Array<[string, boolean]> = [
        ['main', true],
        ['release/1.0', true],
        ['release/a/b', true],
        ['release', false],
        ['8-1-stable', true],
        ['feature/x', false],
      ];
      for (const [branch, expected] of table) {
        assert.equal(await rules.isProtected(id, branch, 'branch'), expected, branch);
      }

      assert.equal(
        (await t.api('DELETE', `projects/${id}/protected_branches/release%2F*`, { token: maintainer }))
          .status,
        204,
      );
      assert.equal(await rules.isProtected(id, 'release/1.0', 'branch'), false);
      assert.equal(
        (await t.api('GET', `projects/${id}/protected_branches/release%2F*`, { token: reporter })).status,
        404,
      );
      assert.equal(
        (await t.api('DELETE', `projects/${id}/protected_branches/release%2F*`, { token: maintainer }))
          .status,
        404,
      );
    });

    test('unprotecting the default branch ends its implicit protection; protecting it again stores a rule', async () => {
      const id = await project();
      assert.equal(
        (await t.api('DELETE', `projects/${id}/protected_branches/main`, { token: maintainer })).status,
        204,
      );
      assert.deepEqual(
        (await t.api<Rule[]>('GET', `projects/${id}/protected_branches`, { token: maintainer })).body,
        [],
      );
      assert.equal(await rules.isProtected(id, 'main', 'branch'), false);
      // The flag follows the default branch: the new default branch is not protected either.
      await t.api('PUT', `projects/${id}`, { token: maintainer, body: { default_branch: 'develop' } });
      assert.equal(await rules.isProtected(id, 'develop', 'branch'), false);

      const again = await t.api<Rule>('POST', `projects/${id}/protected_branches`, {
        token: maintainer,
        body: { name: 'main' },
      });
      assert.equal(again.status, 201);
      assert.equal(again.body.implicit, false);
      assert.equal(await rules.isProtected(id, 'main', 'branch'), true);
    });

    test('a protected default branch follows a change of the default branch', async () => {
      const id = await project();
      await t.api('PUT', `projects/${id}`, { token: maintainer, body: { default_branch: 'trunk' } });
      const list = await t.api<Rule[]>('GET', `projects/${id}/protected_branches`, { token: maintainer });
      assert.deepEqual(list.body, [{ id: null, name: 'trunk', implicit: true }]);
      assert.equal(await rules.isProtected(id, 'main', 'branch'), false);
    });

    test('duplicates conflict, bad names are refused, nothing is stored', async () => {
      const id = await project();
      const duplicateDefault = await t.api<ErrorBody>('POST', `projects/${id}/protected_branches`, {
        token: maintainer,
        body: { name: 'main' },
      });
      assert.equal(duplicateDefault.status, 409);
      await t.api('POST', `projects/${id}/protected_branches`, { token: maintainer, body: { name: 'prod' } });
      const duplicate = await t.api<ErrorBody>('POST', `projects/${id}/protected_branches`, {
        token: maintainer,
        body: { name: 'prod' },
      });
      assert.equal(duplicate.status, 409);
      assert.match(duplicate.body.error.message, /already exists/);
      for (const name of ['with space', 'refs/heads/main', '-dash', 'what?', 'a~1', 'x'.repeat(256), '']) {
        const response = await t.api<ErrorBody>('POST', `projects/${id}/protected_branches`, {
          token: maintainer,
          body: { name },
        });
        assert.equal(response.status, 400, name);
      }
      const stored = await t.server.store.db
        .selectFrom('protected_refs')
        .select('name')
        .where('project_id', '=', id)
        .execute();
      assert.deepEqual(
        stored.map((r) => r.name),
        ['prod'],
      );
    });

    test('protected tags are separate from protected branches', async () => {
      const id = await project();
      const created = await t.api<Rule>('POST', `projects/${id}/protected_tags`, {
        token: maintainer,
        body: { name: 'v*' },
      });
      assert.equal(created.status, 201);
      assert.deepEqual(
        (await t.api<Rule[]>('GET', `projects/${id}/protected_tags`, { token: reporter })).body.map(
          (r) => r.name,
        ),
        ['v*'],
      );
      assert.equal(
        (await t.api<Rule>('GET', `projects/${id}/protected_tags/v*`, { token: reporter })).status,
        200,
      );
      assert.equal(await rules.isProtected(id, 'v1.2.3', 'tag'), true);
      assert.equal(await rules.isProtected(id, 'v1.2.3', 'branch'), false);
      assert.equal(await rules.isProtected(id, 'main', 'tag'), false);
      // The same name may be a branch rule and a tag rule.
      assert.equal(
        (
          await t.api('POST', `projects/${id}/protected_branches`, {
            token: maintainer,
            body: { name: 'v*' },
          })
        ).status,
        201,
      );
      assert.equal(
        (await t.api('DELETE', `projects/${id}/protected_tags/v*`, { token: maintainer })).status,
        204,
      );
      assert.equal(await rules.isProtected(id, 'v1.2.3', 'tag'), false);
      assert.equal(await rules.isProtected(id, 'v1.2.3', 'branch'), true);
    });

    test('reporters read; developers may not change rules', async () => {
      const id = await project();
      const denied = await t.api<ErrorBody>('POST', `projects/${id}/protected_branches`, {
        token: developer,
        body: { name: 'release/*' },
      });
      assert.equal(denied.status, 403);
      assert.equal(
        (await t.api('DELETE', `projects/${id}/protected_branches/main`, { token: developer })).status,
        403,
      );
      assert.equal(await rules.isProtected(id, 'main', 'branch'), true);
    });
  });
}
