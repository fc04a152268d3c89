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

interface Period {
  id: number;
  freeze_start: string;
  freeze_end: string;
  cron_timezone: string;
  environment_scope: string;
  active: boolean;
  active_until: string | null;
  created_at: string;
  updated_at: string;
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}
interface AuditEvent {
  project_id: number | null;
  action: string;
  target_id: number | null;
  details: Record<string, unknown>;
}

// Periods whose state never depends on when the test runs: every minute starts a freeze that only
// a 29 February ends (so it is in force), or the other way round (so it never is).
const ALWAYS = { freeze_start: '* * * * *', freeze_end: '0 0 29 2 *' };
const NEVER = { freeze_start: '0 0 29 2 *', freeze_end: '* * * * *' };
const WEEKEND = { freeze_start: '0 23 * * 5', freeze_end: '0 7 * * 1', cron_timezone: 'Europe/Berlin' };

for (const dialect of DIALECTS) {
  describe(`freeze periods API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let maintainer: string;
    let developer: { id: number; token: string };
    let policy: DeploymentPolicy;
    let counter = 0;

    async function project(): Promise<number> {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: maintainer,
        body: { path: `freeze/p${counter++}` },
      });
      assert.equal(created.status, 201);
      await t.api('POST', `projects/${created.body.id}/members`, {
        token: maintainer,
        body: { user_id: developer.id, access_level: 30 },
      });
      return created.body.id;
    }

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      maintainer = (await createUserWithToken(t, 'freeze-maintainer')).token;
      developer = await createUserWithToken(t, 'freeze-developer');
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

    test('project periods: create with defaults, list, get, update, delete', async () => {
      const id = await project();
      const created = await t.api<Period>('POST', `projects/${id}/freeze_periods`, {
        token: maintainer,
        body: { freeze_start: ' 0 23 * * 5 ', freeze_end: '0 7 * * 1' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.freeze_start, '0 23 * * 5');
      assert.equal(created.body.freeze_end, '0 7 * * 1');
      assert.equal(created.body.cron_timezone, 'UTC');
      assert.equal(created.body.environment_scope, '*');
      assert.equal(typeof created.body.active, 'boolean');
      const second = await t.api<Period>('POST', `projects/${id}/freeze_periods`, {
        token: maintainer,
        body: { ...WEEKEND, environment_scope: 'production' },
      });
      assert.equal(second.status, 201);
      assert.equal(second.body.cron_timezone, 'Europe/Berlin');
      assert.equal(second.body.environment_scope, 'production');

      const page = await t.api<Period[]>('GET', `projects/${id}/freeze_periods?per_page=1`, {
        token: maintainer,
      });
      assert.equal(page.status, 200);
      assert.deepEqual(
        page.body.map((p) => p.id),
        [created.body.id],
      );
      assert.equal(page.headers.get('x-total'), '2');
      assert.equal(page.headers.get('x-next-page'), '2');

      const updated = await t.api<Period>('PUT', `projects/${id}/freeze_periods/${created.body.id}`, {
        token: maintainer,
        body: { freeze_end: '0 8 * * 1', environment_scope: 'review/*' },
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.freeze_start, '0 23 * * 5');
      assert.equal(updated.body.freeze_end, '0 8 * * 1');
      assert.equal(updated.body.environment_scope, 'review/*');
      const one = await t.api<Period>('GET', `projects/${id}/freeze_periods/${created.body.id}`, {
        token: maintainer,
      });
      assert.equal(one.body.freeze_end, '0 8 * * 1');

      assert.equal(
        (await t.api('DELETE', `projects/${id}/freeze_periods/${created.body.id}`, { token: maintainer }))
          .status,
        204,
      );
      assert.equal(
        (await t.api('GET', `projects/${id}/freeze_periods/${created.body.id}`, { token: maintainer }))
          .status,
        404,
      );
      // Another project's period is not reachable through this one.
      const other = await project();
      assert.equal(
        (await t.api('GET', `projects/${other}/freeze_periods/${second.body.id}`, { token: maintainer }))
          .status,
        404,
      );
    });

    test('bad cron expressions, time zones and scopes are refused, naming the field', async () => {
      const id = await project();
      const cases: Array<[Record<string, string>, string]> = [
        [{ freeze_start: '0 25 * * *', freeze_end: '0 7 * * 1' }, '/freeze_start'],
        [{ freeze_start: '0 23 * * 5', freeze_end: 'every monday' }, '/freeze_end'],
        [{ freeze_start: '0 0 30 2 *', freeze_end: '0 7 * * 1' }, '/freeze_start'],
        [{ ...WEEKEND, cron_timezone: 'Mars/Olympus' }, '/cron_timezone'],
        [{ ...WEEKEND, environment_scope: 'what?' }, '/environment_scope'],
      ];
      for (const [body, path] of cases) {
        const response = await t.api<ErrorBody>('POST', `projects/${id}/freeze_periods`, {
          token: maintainer,
          body,
        });
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.error.details[0]!.path, path, JSON.stringify(body));
        assert.ok(response.body.error.message.includes(path.slice(1)), response.body.error.message);
      }
      const created = await t.api<Period>('POST', `projects/${id}/freeze_periods`, {
        token: maintainer,
        body: WEEKEND,
      });
      const update = await t.api<ErrorBody>('PUT', `projects/${id}/freeze_periods/${created.body.id}`, {
        token: maintainer,
        body: { cron_timezone: 'Nowhere' },
      });
      assert.equal(update.status, 400);
      assert.equal(update.body.error.details[0]!.path, '/cron_timezone');
      const missing = await t.api<ErrorBody>('POST', `projects/${id}/freeze_periods`, {
        token: maintainer,
        body: { freeze_start: '0 23 * * 5' },
      });
      assert.equal(missing.status, 400);
      const count = await t.server.store.db
        .selectFrom('freeze_periods')
        .select(['cron_timezone'])
        .where('project_id', '=', id)
        .execute();
      assert.deepEqual(
        count.map((row) => row.cron_timezone),
        ['Europe/Berlin'],
      );
    });

    test('active and active_until say whether a period is in force now, whatever its scope', async () => {
      const id = await project();
      const always = await t.api<Period>('POST', `projects/${id}/freeze_periods`, {
        token: maintainer,
        body: { ...ALWAYS, environment_scope: 'production' },
      });
      assert.equal(always.body.active, true);
      assert.match(always.body.active_until ?? '', /^\d{4}-02-29T00:00:00\.000Z$/);
      const never = await t.api<Period>('POST', `projects/${id}/freeze_periods`, {
        token: maintainer,
        body: NEVER,
      });
      assert.equal(never.body.active, false);
      assert.equal(never.body.active_until, null);
      const list = await t.api<Period[]>('GET', `projects/${id}/freeze_periods`, { token: maintainer });
      assert.deepEqual(
        list.body.map((p) => p.active),
        [true, false],
      );
    });

    test('instance-wide periods are for administrators and kept apart from project periods', async () => {
      const id = await project();
      await t.api('POST', `projects/${id}/freeze_periods`, { token: maintainer, body: WEEKEND });
      const created = await t.api<Period>('POST', 'freeze_periods', { body: { ...ALWAYS } });
      assert.equal(created.status, 201);
      assert.equal(created.body.active, true);
      const list = await t.api<Period[]>('GET', 'freeze_periods');
      assert.equal(list.status, 200);
      assert.ok(list.body.some((p) => p.id === created.body.id));
      assert.ok(list.body.every((p) => p.freeze_start !== WEEKEND.freeze_start));
      const projectList = await t.api<Period[]>('GET', `projects/${id}/freeze_periods`, {
        token: maintainer,
      });
      assert.ok(projectList.body.every((p) => p.id !== created.body.id));
      assert.equal(
        (await t.api('GET', `projects/${id}/freeze_periods/${created.body.id}`, { token: maintainer }))
          .status,
        404,
      );

      for (const [method, path, body] of [
        ['GET', 'freeze_periods', undefined],
        ['POST', 'freeze_periods', ALWAYS],
        ['GET', `freeze_periods/${created.body.id}`, undefined],
        ['PUT', `freeze_periods/${created.body.id}`, { freeze_end: '0 1 * * *' }],
        ['DELETE', `freeze_periods/${created.body.id}`, undefined],
      ] as const) {
        assert.equal(
          (await t.api(method, path, { token: maintainer, body })).status,
          403,
          `${method} ${path}`,
        );
      }
      const updated = await t.api<Period>('PUT', `freeze_periods/${created.body.id}`, {
        body: { environment_scope: 'production' },
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.environment_scope, 'production');
      assert.equal((await t.api('DELETE', `freeze_periods/${created.body.id}`)).status, 204);
      assert.equal((await t.api('GET', `freeze_periods/${created.body.id}`)).status, 404);
    });

    test('developers may not manage project periods', async () => {
      const id = await project();
      assert.equal(
        (await t.api('GET', `projects/${id}/freeze_periods`, { token: developer.token })).status,
        403,
      );
      const denied = await t.api<ErrorBody>('POST', `projects/${id}/freeze_periods`, {
        token: developer.token,
        body: WEEKEND,
      });
      assert.equal(denied.status, 403);
      assert.match(denied.body.error.message, /freeze periods needs the maintainer role/);
    });

    test('changes are audited, instance ones without a project', async () => {
      const id = await project();
      const created = await t.api<Period>('POST', `projects/${id}/freeze_periods`, {
        token: maintainer,
        body: WEEKEND,
      });
      await t.api('PUT', `projects/${id}/freeze_periods/${created.body.id}`, {
        token: maintainer,
        body: { freeze_end: '0 6 * * 1' },
      });
      await t.api('DELETE', `projects/${id}/freeze_periods/${created.body.id}`, { token: maintainer });
      const events = await t.api<AuditEvent[]>('GET', `projects/${id}/audit_events`, { token: maintainer });
      assert.deepEqual(
        events.body.map((e) => [e.action, e.details.operation, e.target_id]),
        [
          ['freeze_period_change', 'delete', created.body.id],
          ['freeze_period_change', 'update', created.body.id],
          ['freeze_period_change', 'create', created.body.id],
        ],
      );
      assert.equal(events.body[1]!.details.freeze_end, '0 6 * * 1');

      const instance = await t.api<Period>('POST', 'freeze_periods', { body: NEVER });
      const all = await t.api<AuditEvent[]>('GET', 'audit_events?action=freeze_period_change');
      const mine = all.body.find((e) => e.target_id === instance.body.id && e.project_id === null);
      assert.ok(mine, JSON.stringify(all.body));
      assert.equal(mine.details.operation, 'create');
    });

    test('policy: the freeze in force for an environment, from project and instance periods', async () => {
      const id = await project();
      const other = await project();
      const own = await t.api<Period>('POST', `projects/${id}/freeze_periods`, {
        token: maintainer,
        body: { ...WEEKEND, environment_scope: 'production' },
      });
      const instance = await t.api<Period>('POST', 'freeze_periods', {
        body: { ...WEEKEND, environment_scope: 'review/*' },
      });
      try {
        const saturday = new Date('2026-03-07T12:00:00Z');
        const wednesday = new Date('2026-03-04T12:00:00Z');
        const table: Array<[number, string, Date, number | null]> = [
          [id, 'production', saturday, own.body.id],
          [id, 'review/app', saturday, instance.body.id],
          [id, 'staging', saturday, null],
          [id, 'production', wednesday, null],
          [other, 'review/app', saturday, instance.body.id],
          [other, 'production', saturday, null],
        ];
        for (const [projectId, environment, now, expected] of table) {
          const active = await policy.activeFreeze(projectId, environment, now);
          assert.equal(
            active?.period.id ?? null,
            expected,
            `${projectId} ${environment} ${now.toISOString()}`,
          );
        }
        const active = await policy.activeFreeze(id, 'production', saturday);
        // Monday 07:00 in Berlin (UTC+1 in March before the clock change).
        assert.equal(active?.endsAt?.toISOString(), '2026-03-09T06:00:00.000Z');
        assert.equal(active?.period.cronTimezone, 'Europe/Berlin');
      } finally {
        await t.api('DELETE', `freeze_periods/${instance.body.id}`);
      }
    });
  });
}
