import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type {
  SchedulePipelineCreator,
  SchedulePipelineRequest,
} from '../../src/scheduler/schedule-pipeline-creator.ts';
import { DIALECTS, dialectSuiteOptions, freshDatabaseUrl } from '../support/dialects.ts';
import { FakeScheduleClock } from '../support/fake-schedule-clock.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Schedule {
  id: number;
  description: string;
  ref: string;
  cron: string;
  cron_timezone: string;
  next_run_at: string | null;
  active: boolean;
  owner: { id: number; username: string } | null;
  last_pipeline?: unknown;
  variables?: Array<{ key: string; value: string; variable_type: string }>;
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string }> };
}

/** Records the pipelines schedules ask for, instead of creating them. */
class RecordingCreator implements SchedulePipelineCreator {
  calls: SchedulePipelineRequest[] = [];

  async createPipeline(input: SchedulePipelineRequest): Promise<unknown> {
    this.calls.push(input);
    return { id: this.calls.length };
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// A Tuesday, noon UTC: 14:00 in Berlin (CEST), 21:00 in Tokyo.
const T0 = '2025-06-10T12:00:00.000Z';

for (const dialect of DIALECTS) {
  describe(`pipeline schedules API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let clock: FakeScheduleClock;
    let creator: RecordingCreator;
    let maintainer: { id: number; token: string };
    let developer: { id: number; token: string };
    let otherDeveloper: { id: number; token: string };
    let reporter: { id: number; token: string };
    let counter = 0;

    async function project(): Promise<number> {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: maintainer.token,
        body: { path: `sched/p${counter++}` },
      });
      assert.equal(created.status, 201);
      for (const [user, level] of [
        [developer, 30],
        [otherDeveloper, 30],
        [reporter, 20],
      ] as const) {
        await t.api('POST', `projects/${created.body.id}/members`, {
          token: maintainer.token,
          body: { user_id: user.id, access_level: level },
        });
      }
      return created.body.id;
    }

    const create = (id: number, body: Record<string, unknown>, token = developer.token) =>
      t.api<Schedule & ErrorBody>('POST', `projects/${id}/pipeline_schedules`, { token, body });

    before(async () => {
      clock = new FakeScheduleClock(T0);
      creator = new RecordingCreator();
      t = await startTestServer(dialect, { pipelineCreator: creator, scheduleClock: clock });
      maintainer = await createUserWithToken(t, 'sched-maintainer');
      developer = await createUserWithToken(t, 'sched-developer');
      otherDeveloper = await createUserWithToken(t, 'sched-developer2');
      reporter = await createUserWithToken(t, 'sched-reporter');
    });
    after(() => t?.stop());

    test('create: next_run_at is computed in the schedule’s time zone; the creator owns it', async () => {
      const id = await project();
      const berlin = await create(id, {
        description: 'weekday build',
        ref: 'main',
        cron: '30 9 * * 1-5',
        cron_timezone: 'Europe/Berlin',
      });
      assert.equal(berlin.status, 201, JSON.stringify(berlin.body));
      assert.equal(berlin.body.ref, 'refs/heads/main');
      assert.equal(berlin.body.cron_timezone, 'Europe/Berlin');
      // Wednesday 09:30 in Berlin, summer time (UTC+2).
      assert.equal(berlin.body.next_run_at, '2025-06-11T07:30:00.000Z');
      assert.equal(berlin.body.active, true);
      assert.equal(berlin.body.owner?.id, developer.id);
      assert.equal(berlin.body.owner?.username, 'sched-developer');
      assert.equal(berlin.body.last_pipeline, null);
      assert.deepEqual(berlin.body.variables, []);

      const table: Array<[Record<string, unknown>, string]> = [
        [{ cron: '0 1 * * *' }, '2025-06-11T01:00:00.000Z'],
        [{ cron: '0 2 * * *', cron_timezone: 'Asia/Tokyo' }, '2025-06-10T17:00:00.000Z'],
        [{ cron: '0 0 * * *', cron_timezone: 'America/New_York' }, '2025-06-11T04:00:00.000Z'],
        [{ cron: '*/15 * * * *' }, '2025-06-10T12:15:00.000Z'],
        [{ cron: '@weekly' }, '2025-06-15T00:00:00.000Z'],
      ];
      for (const [fields, expected] of table) {
        const created = await create(id, { description: 'x', ref: 'main', ...fields });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        assert.equal(created.body.next_run_at, expected, JSON.stringify(fields));
        assert.equal(created.body.cron_timezone, fields.cron_timezone ?? 'UTC');
      }
      const tag = await create(id, { description: 'release', ref: 'refs/tags/v1.0', cron: '0 3 * * *' });
      assert.equal(tag.body.ref, 'refs/tags/v1.0');
    });

    test('bad cron, time zone or ref: 400 naming the field, nothing stored', async () => {
      const id = await project();
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ cron: '61 * * * *' }, '/cron'],
        [{ cron: '* * * *' }, '/cron'],
        [{ cron: '0 0 30 2 *' }, '/cron'],
        [{ cron: '0 * * * *', cron_timezone: 'Mars/Olympus' }, '/cron_timezone'],
        [{ cron: '0 * * * *', cron_timezone: '+02:00' }, '/cron_timezone'],
        [{ cron: '0 * * * *', ref: 'bad ref' }, '/ref'],
        [{ cron: '0 * * * *', ref: 'feature/*' }, '/ref'],
        [{ cron: '0 * * * *', unknown: 1 }, '/unknown'],
      ];
      for (const [fields, path] of bad) {
        const response = await create(id, { description: 'x', ref: 'main', ...fields });
        assert.equal(response.status, 400, JSON.stringify(fields));
        assert.equal(response.body.error.details[0]?.path, path, JSON.stringify(response.body));
      }
      const rows = await t.server.store.db
        .selectFrom('pipeline_schedules')
        .select('id')
        .where('project_id', '=', id)
        .execute();
      assert.deepEqual(rows, []);
    });

    test('owners and maintainers change schedules; other developers and reporters only read', async () => {
      const id = await project();
      const schedule = (await create(id, { description: 'nightly', ref: 'main', cron: '0 2 * * *' })).body;
      const path = `projects/${id}/pipeline_schedules/${schedule.id}`;
      const asOther = await t.api<ErrorBody>('PUT', path, {
        token: otherDeveloper.token,
        body: { description: 'mine now' },
      });
      assert.equal(asOther.status, 403);
      assert.match(asOther.body.error.message, /owner .* or a maintainer/);
      assert.equal((await t.api('DELETE', path, { token: otherDeveloper.token })).status, 403);
      const byOwner = await t.api<Schedule>('PUT', path, {
        token: developer.token,
        body: { description: 'nightly 2' },
      });
      assert.equal(byOwner.status, 200);
      const byMaintainer = await t.api<Schedule>('PUT', path, {
        token: maintainer.token,
        body: { description: 'nightly 3' },
      });
      assert.equal(byMaintainer.status, 200);
      assert.equal(byMaintainer.body.owner?.id, developer.id);

      const read = await t.api<Schedule>('GET', path, { token: reporter.token });
      assert.equal(read.status, 200);
      assert.equal(read.body.description, 'nightly 3');
      assert.equal('variables' in read.body, false);
      assert.equal(
        (await t.api<Schedule>('GET', path, { token: otherDeveloper.token })).body.variables,
        undefined,
      );
      assert.deepEqual((await t.api<Schedule>('GET', path, { token: maintainer.token })).body.variables, []);
      const list = await t.api<Schedule[]>('GET', `projects/${id}/pipeline_schedules`, {
        token: reporter.token,
      });
      assert.deepEqual(
        list.body.map((s) => s.description),
        ['nightly 3'],
      );
      assert.equal(
        (await create(id, { description: 'x', ref: 'main', cron: '0 2 * * *' }, reporter.token)).status,
        403,
      );
      assert.equal((await t.api('DELETE', path, { token: developer.token })).status, 204);
      assert.equal((await t.api('GET', path, { token: developer.token })).status, 404);
    });

    test('updates re-time next_run_at from now; the list filters by scope', async () => {
      const id = await project();
      const schedule = (await create(id, { description: 'd', ref: 'main', cron: '0 2 * * *' })).body;
      const path = `projects/${id}/pipeline_schedules/${schedule.id}`;
      const moved = await t.api<Schedule>('PUT', path, {
        token: developer.token,
        body: { cron: '0 20 * * *', cron_timezone: 'Asia/Kolkata' },
      });
      // 20:00 in Kolkata (UTC+5:30) is 14:30 UTC.
      assert.equal(moved.body.next_run_at, '2025-06-10T14:30:00.000Z');
      const off = await t.api<Schedule>('PUT', path, { token: developer.token, body: { active: false } });
      assert.equal(off.body.active, false);
      const active = await t.api<Schedule[]>('GET', `projects/${id}/pipeline_schedules?scope=active`, {
        token: developer.token,
      });
      assert.deepEqual(active.body, []);
      const inactive = await t.api<Schedule[]>('GET', `projects/${id}/pipeline_schedules?scope=inactive`, {
        token: developer.token,
      });
      assert.deepEqual(
        inactive.body.map((s) => s.id),
        [schedule.id],
      );
      const renamed = await t.api<Schedule>('PUT', path, {
        token: developer.token,
        body: { ref: 'refs/heads/dev' },
      });
      assert.equal(renamed.body.ref, 'refs/heads/dev');
      assert.equal(renamed.body.next_run_at, off.body.next_run_at);
    });

    test('schedule variables: add, change, delete, 409 on duplicates, encrypted at rest', async () => {
      const id = await project();
      const schedule = (await create(id, { description: 'vars', ref: 'main', cron: '0 2 * * *' })).body;
      const base = `projects/${id}/pipeline_schedules/${schedule.id}/variables`;
      const added = await t.api('POST', base, {
        token: developer.token,
        body: { key: 'TARGET', value: 'schedule-needle-value' },
      });
      assert.equal(added.status, 201);
      assert.deepEqual(added.body, {
        key: 'TARGET',
        value: 'schedule-needle-value',
        variable_type: 'env_var',
      });
      const file = await t.api('POST', base, {
        token: developer.token,
        body: { key: 'CONFIG', value: 'a: 1\nb: 2\n', variable_type: 'file' },
      });
      assert.equal(file.status, 201);
      assert.equal(
        (await t.api('POST', base, { token: developer.token, body: { key: 'TARGET', value: 'x' } })).status,
        409,
      );
      assert.equal(
        (await t.api('POST', base, { token: developer.token, body: { key: 'BAD-KEY', value: 'x' } })).status,
        400,
      );
      assert.equal(
        (await t.api('POST', base, { token: otherDeveloper.token, body: { key: 'OTHER', value: 'x' } }))
          .status,
        403,
      );
      const changed = await t.api('PUT', `${base}/TARGET`, {
        token: maintainer.token,
        body: { value: 'staging' },
      });
      assert.equal(changed.status, 200);
      assert.deepEqual(changed.body, { key: 'TARGET', value: 'staging', variable_type: 'env_var' });
      assert.equal(
        (await t.api('PUT', `${base}/MISSING`, { token: developer.token, body: { value: 'x' } })).status,
        404,
      );

      const read = await t.api<Schedule>('GET', `projects/${id}/pipeline_schedules/${schedule.id}`, {
        token: developer.token,
      });
      assert.deepEqual(read.body.variables, [
        { key: 'TARGET', value: 'staging', variable_type: 'env_var' },
        { key: 'CONFIG', value: 'a: 1\nb: 2\n', variable_type: 'file' },
      ]);

      const row = await t.server.store.db
        .selectFrom('pipeline_schedules')
        .selectAll()
        .where('id', '=', schedule.id)
        .executeTakeFirstOrThrow();
      assert.match(row.variables_encrypted ?? '', /^v1:[0-9a-f]{8}:/);
      const dump = JSON.stringify(row);
      for (const needle of ['staging', 'a: 1', 'TARGET', 'schedule-needle-value'])
        assert.ok(!dump.includes(needle), needle);

      assert.equal((await t.api('DELETE', `${base}/CONFIG`, { token: developer.token })).status, 204);
      assert.equal((await t.api('DELETE', `${base}/CONFIG`, { token: developer.token })).status, 404);
    });

    test('play creates a pipeline now, as the caller, with the variables; the next run stays', async () => {
      const id = await project();
      const schedule = (await create(id, { description: 'play', ref: 'main', cron: '0 2 * * *' })).body;
      await t.api('POST', `projects/${id}/pipeline_schedules/${schedule.id}/variables`, {
        token: developer.token,
        body: { key: 'MODE', value: 'full' },
      });
      const before = creator.calls.length;
      const played = await t.api('POST', `projects/${id}/pipeline_schedules/${schedule.id}/play`, {
        token: otherDeveloper.token,
      });
      assert.equal(played.status, 201);
      assert.deepEqual(played.body, { message: '201 Created' });
      assert.deepEqual(creator.calls.slice(before), [
        {
          projectId: id,
          ref: 'main',
          refType: 'branch',
          source: 'schedule',
          userId: otherDeveloper.id,
          scheduleId: schedule.id,
          variables: [{ key: 'MODE', value: 'full', variable_type: 'env_var' }],
        },
      ]);
      const after = await t.api<Schedule>('GET', `projects/${id}/pipeline_schedules/${schedule.id}`, {
        token: developer.token,
      });
      assert.equal(after.body.next_run_at, schedule.next_run_at);
      assert.equal(
        (
          await t.api('POST', `projects/${id}/pipeline_schedules/${schedule.id}/play`, {
            token: reporter.token,
          })
        ).status,
        403,
      );
      const tag = (await create(id, { description: 't', ref: 'refs/tags/v2', cron: '0 2 * * *' })).body;
      await t.api('POST', `projects/${id}/pipeline_schedules/${tag.id}/play`, { token: developer.token });
      assert.deepEqual(creator.calls.map((c) => [c.ref, c.refType]).at(-1), ['v2', 'tag']);
    });

    test('when its time comes the runner creates the pipeline as the owner and moves to the next run', async () => {
      const id = await project();
      const schedule = (await create(id, { description: 'soon', ref: 'main', cron: '45 12 * * *' })).body;
      assert.equal(schedule.next_run_at, '2025-06-10T12:45:00.000Z');
      // An inactive schedule due at the same time does not run.
      const off = (await create(id, { description: 'off', ref: 'main', cron: '45 12 * * *', active: false }))
        .body;
      // Earlier tests left a schedule due every 15 minutes: the runner sleeps until 12:15, the earliest
      // (once it has looked again after the creates, which it does in the background).
      await until(() => clock.pending().length > 0, 'the runner to sleep again');
      assert.deepEqual(clock.pending(), ['2025-06-10T12:15:00.000Z']);
      clock.set('2025-06-10T12:45:00.000Z');
      await until(() => creator.calls.some((c) => c.scheduleId === schedule.id), 'the scheduled pipeline');
      assert.deepEqual(
        creator.calls.filter((c) => c.scheduleId === schedule.id).map((c) => [c.userId, c.ref, c.refType]),
        [[developer.id, 'main', 'branch']],
      );
      const next = await t.api<Schedule>('GET', `projects/${id}/pipeline_schedules/${schedule.id}`, {
        token: developer.token,
      });
      assert.equal(next.body.next_run_at, '2025-06-11T12:45:00.000Z');
      assert.equal(creator.calls.filter((c) => c.scheduleId === off.id).length, 0);
    });
  });

  describe(`pipeline schedules across a restart on ${dialect}`, dialectSuiteOptions(dialect), () => {
    test('a next_run_at missed while the server was down runs once on start, not once per missed tick', async () => {
      const databaseUrl = await freshDatabaseUrl(dialect);
      const env = { GANTRY_DATABASE_URL: databaseUrl, GANTRY_SECRET_KEY: randomBytes(32).toString('hex') };
      const firstCreator = new RecordingCreator();
      const first = await startTestServer(dialect, {
        env,
        pipelineCreator: firstCreator,
        scheduleClock: new FakeScheduleClock(T0),
      });
      let scheduleId: number;
      let projectId: number;
      try {
        projectId = (await first.api<{ id: number }>('POST', 'projects', { body: { path: 'restart/app' } }))
          .body.id;
        const created = await first.api<Schedule>('POST', `projects/${projectId}/pipeline_schedules`, {
          body: { description: 'hourly', ref: 'main', cron: '0 * * * *' },
        });
        assert.equal(created.body.next_run_at, '2025-06-10T13:00:00.000Z');
        scheduleId = created.body.id;
        await first.api('POST', `projects/${projectId}/pipeline_schedules/${scheduleId}/variables`, {
          body: { key: 'SURVIVES', value: 'the restart' },
        });
      } finally {
        await first.stop();
      }
      assert.equal(firstCreator.calls.length, 0);

      // Three days later: 72 hourly runs were missed.
      const secondCreator = new RecordingCreator();
      const secondClock = new FakeScheduleClock('2025-06-13T12:30:00.000Z');
      const second = await startTestServer(dialect, {
        env,
        pipelineCreator: secondCreator,
        scheduleClock: secondClock,
      });
      try {
        assert.deepEqual(secondCreator.calls, [
          {
            projectId,
            ref: 'main',
            refType: 'branch',
            source: 'schedule',
            userId: 1,
            scheduleId,
            variables: [{ key: 'SURVIVES', value: 'the restart', variable_type: 'env_var' }],
          },
        ]);
        const after = await second.api<Schedule>(
          'GET',
          `projects/${projectId}/pipeline_schedules/${scheduleId}`,
        );
        assert.equal(after.body.next_run_at, '2025-06-13T13:00:00.000Z');
        assert.deepEqual(secondClock.pending(), ['2025-06-13T13:00:00.000Z']);
      } finally {
        await second.stop();
      }
    });
  });
}
