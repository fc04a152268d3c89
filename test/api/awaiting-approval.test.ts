import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { recordDeployment } from '../support/deployment-rows.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Awaiting {
  id: number;
  iid: number;
  status: string;
  environment: { id: number; name: string; slug: string };
  user: { id: number; username: string } | null;
  project: { id: number; path_with_namespace: string };
  approval_state: { state: string; approved_count: number; required_count: number };
}

type Person = 'maintainer' | 'dev1' | 'dev2' | 'reporter' | 'outsider';
type People = Record<Person, { id: number; token: string }>;

for (const dialect of DIALECTS) {
  describe(`deployments awaiting my approval on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let counter = 0;

    /**
     * A project of fresh people (the outsider is no member), whose `production` needs approvals
     * from developers and above; the maintainer triggers its deployments.
     */
    async function scenario(rule: Record<string, unknown> = {}) {
      const n = counter++;
      const people = {} as People;
      for (const person of ['maintainer', 'dev1', 'dev2', 'reporter', 'outsider'] as const) {
        people[person] = await createUserWithToken(t, `await${n}-${person}`);
      }
      const path = `await/p${n}`;
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: people.maintainer.token,
        body: { path },
      });
      assert.equal(created.status, 201);
      const projectId = created.body.id;
      for (const [person, level] of [
        ['dev1', 30],
        ['dev2', 30],
        ['reporter', 20],
      ] as const) {
        const added = await t.api('POST', `projects/${projectId}/members`, {
          token: people.maintainer.token,
          body: { user_id: people[person].id, access_level: level },
        });
        assert.equal(added.status, 201);
      }
      const protectedEnvironment = await t.api('POST', `projects/${projectId}/protected_environments`, {
        token: people.maintainer.token,
        body: {
          name: 'production',
          required_approval_count: 1,
          approval_rules: [{ access_level: 30 }],
          ...rule,
        },
      });
      assert.equal(protectedEnvironment.status, 201, JSON.stringify(protectedEnvironment.body));
      return { people, projectId, path };
    }

    /** A deployment row as the pipeline engine records one (blocked: awaiting approval). */
    const deployment = (
      projectId: number,
      triggeredBy: number,
      options: { environment?: string; status?: string } = {},
    ) =>
      recordDeployment(t.server.store.db, {
        projectId,
        environment: options.environment ?? 'production',
        userId: triggeredBy,
        ...(options.status && { status: options.status }),
      });

    const awaiting = (token?: string, query = '') =>
      t.api<Awaiting[]>('GET', `deployments/awaiting_approval${query}`, token === undefined ? {} : { token });
    const ids = (list: Awaiting[]) => list.map((d) => d.id);

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
    });
    after(() => t?.stop());

    test('lists a blocked deployment for eligible approvers, with its project, environment and approvals', async () => {
      const { people, projectId, path } = await scenario();
      const id = await deployment(projectId, people.maintainer.id);
      const mine = await awaiting(people.dev1.token);
      assert.equal(mine.status, 200);
      assert.equal(mine.headers.get('x-total'), '1');
      assert.equal(mine.body.length, 1);
      const [item] = mine.body;
      assert.equal(item!.id, id);
      assert.equal(item!.status, 'blocked');
      assert.equal(item!.environment.name, 'production');
      assert.deepEqual(item!.project, { id: projectId, path_with_namespace: path });
      assert.equal(item!.user?.id, people.maintainer.id);
      assert.deepEqual(item!.approval_state, { state: 'pending', approved_count: 0, required_count: 1 });
      // Admins count as maintainers, so they are approvers too, of every project.
      assert.ok(ids((await awaiting()).body).includes(id));
    });

    test('excludes it for users who may not approve: reporters, non-members, the user who triggered it', async () => {
      const { people, projectId } = await scenario();
      await deployment(projectId, people.maintainer.id);
      for (const person of ['reporter', 'outsider', 'maintainer'] as const) {
        const list = await awaiting(people[person].token);
        assert.equal(list.status, 200);
        assert.deepEqual(list.body, [], person);
        assert.equal(list.headers.get('x-total'), '0');
      }
    });

    test('excludes it once the user approved or rejected it; others still see it with the count', async () => {
      const { people, projectId } = await scenario({ required_approval_count: 2 });
      const id = await deployment(projectId, people.maintainer.id);
      const approved = await t.api('POST', `projects/${projectId}/deployments/${id}/approval`, {
        token: people.dev1.token,
        body: { status: 'approved' },
      });
      assert.equal(approved.status, 201, JSON.stringify(approved.body));
      assert.deepEqual((await awaiting(people.dev1.token)).body, []);
      const other = (await awaiting(people.dev2.token)).body;
      assert.deepEqual(ids(other), [id]);
      assert.deepEqual(other[0]!.approval_state, { state: 'pending', approved_count: 1, required_count: 2 });

      const second = await deployment(projectId, people.maintainer.id);
      const rejected = await t.api('POST', `projects/${projectId}/deployments/${second}/approval`, {
        token: people.dev1.token,
        body: { status: 'rejected', comment: 'not today' },
      });
      assert.equal(rejected.status, 201, JSON.stringify(rejected.body));
      assert.deepEqual((await awaiting(people.dev1.token)).body, []);
    });

    test('only blocked deployments of environments whose rule needs approvals', async () => {
      const { people, projectId } = await scenario();
      const blocked = await deployment(projectId, people.maintainer.id);
      await deployment(projectId, people.maintainer.id, { status: 'success' });
      await deployment(projectId, people.maintainer.id, { environment: 'staging' });
      assert.deepEqual(ids((await awaiting(people.dev1.token)).body), [blocked]);
    });

    test('a rule naming users counts only them, and a glob rule applies to matching environments', async () => {
      const { people, projectId } = await scenario();
      const named = await t.api('POST', `projects/${projectId}/protected_environments`, {
        token: people.maintainer.token,
        body: { name: 'review/*', required_approval_count: 1, approval_rules: [{ user_id: people.dev2.id }] },
      });
      assert.equal(named.status, 201, JSON.stringify(named.body));
      const id = await deployment(projectId, people.maintainer.id, { environment: 'review/feature' });
      assert.deepEqual(ids((await awaiting(people.dev2.token)).body), [id]);
      assert.deepEqual((await awaiting(people.dev1.token)).body, []);
    });

    test('is paginated newest first, with the pagination headers', async () => {
      const { people, projectId } = await scenario();
      const made = [];
      for (let i = 0; i < 3; i++) made.push(await deployment(projectId, people.maintainer.id));
      const first = await awaiting(people.dev1.token, '?per_page=2');
      assert.deepEqual(ids(first.body), [made[2], made[1]]);
      assert.equal(first.headers.get('x-total'), '3');
      assert.equal(first.headers.get('x-total-pages'), '2');
      assert.equal(first.headers.get('x-next-page'), '2');
      const second = await awaiting(people.dev1.token, '?per_page=2&page=2');
      assert.deepEqual(ids(second.body), [made[0]]);
      assert.equal(second.headers.get('x-prev-page'), '1');
    });

    test('needs credentials', async () => {
      const anonymous = await t.api('GET', 'deployments/awaiting_approval', { token: null });
      assert.equal(anonymous.status, 401);
    });
  });
}
