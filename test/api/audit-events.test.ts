import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditLog } from '../../src/services/audit-log.ts';
import { AuditEventRepository } from '../../src/store/repositories/audit-event-repository.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface AuditEvent {
  id: number;
  project_id: number | null;
  action: string;
  target_type: string;
  target_id: number | null;
  details: Record<string, unknown>;
  author: { id: number; username: string; name: string } | null;
  created_at: string;
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string }> };
}

for (const dialect of DIALECTS) {
  describe(`audit events API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let log: AuditLog;
    let maintainer: { id: number; token: string };
    let developer: { id: number; token: string };
    let counter = 0;

    async function project(): Promise<number> {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: maintainer.token,
        body: { path: `audit/p${counter++}` },
      });
      assert.equal(created.status, 201);
      await t.api('POST', `projects/${created.body.id}/members`, {
        token: maintainer.token,
        body: { user_id: developer.id, access_level: 30 },
      });
      return created.body.id;
    }

    /** Records an entry and dates it (the log itself always writes "now"). */
    async function entry(
      projectId: number | null,
      action: 'deploy' | 'rollback' | 'stop' | 'lock_release',
      createdAt: string,
      userId: number | null = maintainer.id,
    ): Promise<number> {
      await log.record({
        projectId,
        userId,
        action,
        targetType: 'deployment',
        targetId: 7,
        details: { at: createdAt, nested: { list: [1, 'two'] } },
      });
      const row = await t.server.store.db
        .selectFrom('audit_events')
        .select('id')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      await t.server.store.db
        .updateTable('audit_events')
        .set({ created_at: createdAt })
        .where('id', '=', row.id)
        .execute();
      return row.id;
    }

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      maintainer = await createUserWithToken(t, 'audit-maintainer');
      developer = await createUserWithToken(t, 'audit-developer');
      log = new AuditLog(new AuditEventRepository(t.server.store.db));
    });
    after(() => t?.stop());

    test('a project lists its own events newest first, with author and details', async () => {
      const id = await project();
      const other = await project();
      const deploy = await entry(id, 'deploy', '2026-01-01T10:00:00.000Z');
      await entry(other, 'deploy', '2026-01-01T11:00:00.000Z');
      const system = await entry(id, 'stop', '2026-01-02T10:00:00.000Z', null);
      const events = await t.api<AuditEvent[]>('GET', `projects/${id}/audit_events`, {
        token: maintainer.token,
      });
      assert.equal(events.status, 200);
      assert.deepEqual(
        events.body.map((e) => e.id),
        [system, deploy],
      );
      assert.deepEqual(events.body[1], {
        id: deploy,
        project_id: id,
        action: 'deploy',
        target_type: 'deployment',
        target_id: 7,
        details: { at: '2026-01-01T10:00:00.000Z', nested: { list: [1, 'two'] } },
        author: { id: maintainer.id, username: 'audit-maintainer', name: 'audit-maintainer' },
        created_at: '2026-01-01T10:00:00.000Z',
      });
      assert.equal(events.body[0]!.author, null);
    });

    test('filters by action and creation time; pages', async () => {
      const id = await project();
      const a = await entry(id, 'deploy', '2026-02-01T00:00:00.000Z');
      const b = await entry(id, 'rollback', '2026-02-02T00:00:00.000Z');
      const c = await entry(id, 'deploy', '2026-02-03T00:00:00.000Z');
      const d = await entry(id, 'lock_release', '2026-02-04T00:00:00.000Z');
      const ids = async (query: string) => {
        const response = await t.api<AuditEvent[]>('GET', `projects/${id}/audit_events?${query}`, {
          token: maintainer.token,
        });
        assert.equal(response.status, 200, JSON.stringify(response.body));
        return response.body.map((e) => e.id);
      };
      assert.deepEqual(await ids('action=deploy'), [c, a]);
      assert.deepEqual(await ids('created_after=2026-02-01T00:00:00Z'), [d, c, b]);
      assert.deepEqual(await ids('created_before=2026-02-03'), [b, a]);
      assert.deepEqual(await ids('created_after=2026-02-01T12:00:00Z&created_before=2026-02-04'), [c, b]);
      assert.deepEqual(await ids('action=deploy&created_after=2026-02-02'), [c]);

      const page = await t.api<AuditEvent[]>('GET', `projects/${id}/audit_events?per_page=3&page=2`, {
        token: maintainer.token,
      });
      assert.deepEqual(
        page.body.map((e) => e.id),
        [a],
      );
      assert.equal(page.headers.get('x-total'), '4');
      assert.equal(page.headers.get('x-prev-page'), '1');

      const badDate = await t.api<ErrorBody>('GET', `projects/${id}/audit_events?created_after=yesterday`, {
        token: maintainer.token,
      });
      assert.equal(badDate.status, 400);
      assert.equal(badDate.body.error.details[0]!.path, '/created_after');
      const badAction = await t.api('GET', `projects/${id}/audit_events?action=launch`, {
        token: maintainer.token,
      });
      assert.equal(badAction.status, 400);
    });

    test('maintainers read a project log; admins read every event', async () => {
      const id = await project();
      const projectEvent = await entry(id, 'deploy', '2026-03-01T00:00:00.000Z');
      const instanceEvent = await entry(null, 'lock_release', '2026-03-02T00:00:00.000Z');
      assert.equal(
        (await t.api('GET', `projects/${id}/audit_events`, { token: developer.token })).status,
        403,
      );
      const outsider = await createUserWithToken(t, 'audit-outsider');
      assert.equal(
        (await t.api('GET', `projects/${id}/audit_events`, { token: outsider.token })).status,
        404,
      );
      assert.equal((await t.api('GET', 'audit_events', { token: maintainer.token })).status, 403);

      const all = await t.api<AuditEvent[]>('GET', 'audit_events?per_page=100');
      assert.equal(all.status, 200);
      const allIds = all.body.map((e) => e.id);
      assert.ok(allIds.includes(projectEvent) && allIds.includes(instanceEvent));
      assert.deepEqual(
        allIds,
        [...allIds].sort((x, y) => y - x),
      );
      const one = await t.api<AuditEvent[]>('GET', `audit_events?project_id=${id}`);
      assert.deepEqual(
        one.body.map((e) => e.id),
        [projectEvent],
      );
      // Instance events are not part of any project's log.
      const own = await t.api<AuditEvent[]>('GET', `projects/${id}/audit_events`, {
        token: maintainer.token,
      });
      assert.ok(!own.body.some((e) => e.id === instanceEvent));
    });
  });
}
