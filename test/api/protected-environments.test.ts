import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeploymentPolicy } from '../../src/services/deployment-policy.ts';
import { DeploymentApprovalRepository } from '../../src/store/repositories/deployment-approval-repository.ts';
import { FreezePeriodRepository } from '../../src/store/repositories/freeze-period-repository.ts';
import { MemberRepository } from '../../src/store/repositories/member-repository.ts';
import { ProtectedEnvironmentRepository } from '../../src/store/repositories/protected-environment-repository.ts';
import { UserRepository } from '../../src/store/repositories/user-repository.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Grant {
  access_level: number | null;
  user_id: number | null;
  access_level_description: string;
}
interface Rule {
  id: number;
  name: string;
  deploy_access_levels: Grant[];
  approval_rules: Grant[];
  required_approval_count: number;
  allow_self_approval: boolean;
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}
interface AuditEvent {
  action: string;
  target_type: string;
  target_id: number | null;
  details: Record<string, unknown>;
  author: { username: string } | null;
}

for (const dialect of DIALECTS) {
  describe(`protected environments API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    const users = {} as Record<'maintainer' | 'developer' | 'reporter', { id: number; token: string }>;
    let policy: DeploymentPolicy;
    let counter = 0;

    async function project(): Promise<number> {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: users.maintainer.token,
        body: { path: `penv/p${counter++}` },
      });
      assert.equal(created.status, 201);
      for (const [role, level] of [
        ['reporter', 20],
        ['developer', 30],
      ] as const) {
        const added = await t.api('POST', `projects/${created.body.id}/members`, {
          token: users.maintainer.token,
          body: { user_id: users[role].id, access_level: level },
        });
        assert.equal(added.status, 201);
      }
      return created.body.id;
    }

    const create = (id: number, body: unknown, token = users.maintainer.token) =>
      t.api<Rule & ErrorBody>('POST', `projects/${id}/protected_environments`, { token, body });

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      for (const role of ['maintainer', 'developer', 'reporter'] as const) {
        users[role] = await createUserWithToken(t, `penv-${role}`);
      }
      const db = t.server.store.db;
      policy = new DeploymentPolicy({
        protectedEnvironments: new ProtectedEnvironmentRepository(db),
        approvals: new DeploymentApprovalRepository(db),
        freezePeriods: new FreezePeriodRepository(db),
        members: new MemberRepository(db),
        users: new UserRepository(db),
      });
    });
    after(() => t?.stop());

    test('create, read, update and delete a rule; globs are URL-encoded in paths', async () => {
      const id = await project();
      const created = await create(id, {
        name: 'production',
        deploy_access_levels: [{ access_level: 40 }, { user_id: users.developer.id }],
        required_approval_count: 2,
        approval_rules: [{ access_level: 30 }, { user_id: users.reporter.id }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(
        { ...created.body, id: 0 },
        {
          id: 0,
          name: 'production',
          deploy_access_levels: [
            { access_level: 40, user_id: null, access_level_description: 'Maintainers' },
            { access_level: null, user_id: users.developer.id, access_level_description: 'penv-developer' },
          ],
          approval_rules: [
            { access_level: 30, user_id: null, access_level_description: 'Developers + Maintainers' },
            { access_level: null, user_id: users.reporter.id, access_level_description: 'penv-reporter' },
          ],
          required_approval_count: 2,
          allow_self_approval: false,
          shell_enabled: true,
          logs_access: 'reporter',
        },
      );
      const review = await create(id, { name: 'review/*' });
      assert.equal(review.status, 201);
      assert.deepEqual(review.body.deploy_access_levels, []);
      assert.equal(review.body.required_approval_count, 0);

      const list = await t.api<Rule[]>('GET', `projects/${id}/protected_environments`, {
        token: users.maintainer.token,
      });
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.map((r) => r.name),
        ['production', 'review/*'],
      );
      const one = await t.api<Rule>('GET', `projects/${id}/protected_environments/review%2F*`, {
        token: users.maintainer.token,
      });
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, review.body);

      const updated = await t.api<Rule>('PUT', `projects/${id}/protected_environments/production`, {
        token: users.maintainer.token,
        body: { required_approval_count: 1, allow_self_approval: true, deploy_access_levels: [] },
      });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(updated.body.required_approval_count, 1);
      assert.equal(updated.body.allow_self_approval, true);
      assert.deepEqual(updated.body.deploy_access_levels, []);
      // Lists not given stay as they were.
      assert.deepEqual(updated.body.approval_rules, created.body.approval_rules);

      assert.equal(
        (
          await t.api('DELETE', `projects/${id}/protected_environments/review%2F*`, {
            token: users.maintainer.token,
          })
        ).status,
        204,
      );
      assert.equal(
        (
          await t.api('GET', `projects/${id}/protected_environments/review%2F*`, {
            token: users.maintainer.token,
          })
        ).status,
        404,
      );
      assert.equal(
        (
          await t.api('DELETE', `projects/${id}/protected_environments/review%2F*`, {
            token: users.maintainer.token,
          })
        ).status,
        404,
      );
    });

    test('validation: approvers for required approvals, existing users, known access levels, no duplicates', async () => {
      const id = await project();
      const noApprovers = await create(id, { name: 'production', required_approval_count: 1 });
      assert.equal(noApprovers.status, 400);
      assert.match(noApprovers.body.error.message, /approval_rules/);

      const unknownUser = await create(id, {
        name: 'production',
        required_approval_count: 1,
        approval_rules: [{ user_id: 999_999 }],
      });
      assert.equal(unknownUser.status, 400);
      assert.equal(unknownUser.body.error.details[0]!.path, '/approval_rules/0/user_id');
      assert.match(unknownUser.body.error.message, /user 999999 does not exist/);

      const badLevel = await create(id, { name: 'production', deploy_access_levels: [{ access_level: 50 }] });
      assert.equal(badLevel.status, 400);
      assert.equal(badLevel.body.error.details[0]!.path, '/deploy_access_levels/0/access_level');

      for (const grant of [{}, { access_level: 40, user_id: users.developer.id }]) {
        const response = await create(id, { name: 'production', deploy_access_levels: [grant] });
        assert.equal(response.status, 400, JSON.stringify(grant));
        assert.match(response.body.error.message, /exactly one of access_level or user_id/);
      }
      for (const body of [
        { name: 'production', required_approval_count: 11, approval_rules: [{ access_level: 30 }] },
        { name: 'production', required_approval_count: -1 },
        { name: 'what?' },
        { name: '' },
        { name: 'production', unknown: true },
      ]) {
        assert.equal((await create(id, body)).status, 400, JSON.stringify(body));
      }
      assert.equal((await create(id, { name: 'production' })).status, 201);
      const duplicate = await create(id, { name: 'production' });
      assert.equal(duplicate.status, 409);
      assert.match(duplicate.body.error.message, /already exists/);

      // An update is checked as a whole: requiring approvals of a rule without approvers fails.
      const update = await t.api<ErrorBody>('PUT', `projects/${id}/protected_environments/production`, {
        token: users.maintainer.token,
        body: { required_approval_count: 2 },
      });
      assert.equal(update.status, 400);
      assert.match(update.body.error.message, /needs approvers/);
      const stored = await t.server.store.db
        .selectFrom('protected_environments')
        .select(['name', 'required_approvals'])
        .where('project_id', '=', id)
        .execute();
      assert.deepEqual(
        stored.map((row) => ({ ...row })),
        [{ name: 'production', required_approvals: 0 }],
      );
    });

    test('only maintainers manage rules', async () => {
      const id = await project();
      for (const role of ['developer', 'reporter'] as const) {
        const denied = await create(id, { name: 'production' }, users[role].token);
        assert.equal(denied.status, 403, role);
        assert.match(denied.body.error.message, /maintainer/);
        assert.equal(
          (await t.api('GET', `projects/${id}/protected_environments`, { token: users[role].token })).status,
          403,
        );
      }
      const outsider = await createUserWithToken(t, `penv-outsider-${counter}`);
      assert.equal(
        (await t.api('GET', `projects/${id}/protected_environments`, { token: outsider.token })).status,
        404,
      );
    });

    test('every change is in the audit log', async () => {
      const id = await project();
      const created = await create(id, { name: 'staging', deploy_access_levels: [{ access_level: 30 }] });
      await t.api('PUT', `projects/${id}/protected_environments/staging`, {
        token: users.maintainer.token,
        body: { allow_self_approval: true },
      });
      await t.api('DELETE', `projects/${id}/protected_environments/staging`, {
        token: users.maintainer.token,
      });
      const events = await t.api<AuditEvent[]>(
        'GET',
        `projects/${id}/audit_events?action=protected_environment_change`,
        { token: users.maintainer.token },
      );
      assert.equal(events.status, 200);
      assert.deepEqual(
        events.body.map((e) => [e.details.operation, e.target_type, e.target_id, e.author?.username]),
        [
          ['delete', 'protected_environment', created.body.id, 'penv-maintainer'],
          ['update', 'protected_environment', created.body.id, 'penv-maintainer'],
          ['create', 'protected_environment', created.body.id, 'penv-maintainer'],
        ],
      );
      assert.deepEqual(events.body[2]!.details, {
        operation: 'create',
        name: 'staging',
        deploy_access: [{ accessLevel: 30 }],
        approvers: [],
        required_approvals: 0,
        allow_self_approval: false,
        shell_enabled: true,
        logs_access: 'reporter',
      });
    });

    test('policy: the most specific matching rule applies', async () => {
      const id = await project();
      for (const name of ['review/*', 'review/app-*', 'review/app-1', 'prod*']) {
        assert.equal((await create(id, { name })).status, 201, name);
      }
      const table: Array<[string, string | undefined]> = [
        ['review/app-1', 'review/app-1'],
        ['review/app-2', 'review/app-*'],
        ['review/other', 'review/*'],
        ['review', undefined],
        ['production', 'prod*'],
        ['staging', undefined],
      ];
      for (const [environment, rule] of table) {
        assert.equal((await policy.protectedRuleFor(id, environment))?.name, rule, environment);
      }
      const other = await project();
      assert.equal(await policy.protectedRuleFor(other, 'review/app-1'), undefined);
    });

    test('policy: who may deploy', async () => {
      const id = await project();
      const admin = 1;
      const { developer, maintainer, reporter } = users;
      // Unprotected: anyone who may run the job, and the system.
      assert.equal(await policy.mayDeploy(reporter.id, id, 'staging'), true);
      assert.equal(await policy.mayDeploy(null, id, 'staging'), true);
      // Protected without deploy grants: maintainers and admins.
      await create(id, { name: 'production' });
      const empty: Array<[number | null, boolean]> = [
        [developer.id, false],
        [maintainer.id, true],
        [admin, true],
        [null, false],
      ];
      for (const [user, expected] of empty) {
        assert.equal(await policy.mayDeploy(user, id, 'production'), expected, `user ${user}`);
      }
      // Listed users and levels.
      await create(id, {
        name: 'review/*',
        deploy_access_levels: [{ user_id: reporter.id }, { access_level: 40 }],
      });
      const listed: Array<[number | null, boolean]> = [
        [reporter.id, true],
        [developer.id, false],
        [maintainer.id, true],
        [null, false],
      ];
      for (const [user, expected] of listed) {
        assert.equal(await policy.mayDeploy(user, id, 'review/x'), expected, `user ${user}`);
      }
    });
  });
}
