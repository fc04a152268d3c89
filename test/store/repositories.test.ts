import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '../../src/store/database.ts';
import { AccessTokenRepository } from '../../src/store/repositories/access-token-repository.ts';
import { MemberRepository } from '../../src/store/repositories/member-repository.ts';
import { ProjectRepository } from '../../src/store/repositories/project-repository.ts';
import { PushEventRepository } from '../../src/store/repositories/push-event-repository.ts';
import { UserRepository } from '../../src/store/repositories/user-repository.ts';
import { DIALECTS, dialectSuiteOptions, freshDatabaseUrl } from '../support/dialects.ts';

const project = (path: string) => ({
  name: path,
  path,
  description: '',
  defaultBranch: 'main',
  creatorId: null,
  mirrorUrl: null,
  mirrorUsername: null,
});

for (const dialect of DIALECTS) {
  describe(`store on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let store: Store;
    let users: UserRepository;
    let projects: ProjectRepository;
    let members: MemberRepository;
    let events: PushEventRepository;
    let tokens: AccessTokenRepository;
    before(async () => {
      store = openStore(await freshDatabaseUrl(dialect));
      await store.migrate();
      users = new UserRepository(store.db);
      projects = new ProjectRepository(store.db);
      members = new MemberRepository(store.db);
      events = new PushEventRepository(store.db);
      tokens = new AccessTokenRepository(store.db);
    });
    after(() => store?.close());

    test('migrations are idempotent and report the dialect', async () => {
      await store.migrate();
      assert.equal(store.dialect, dialect);
      assert.equal(await store.ping(), true);
    });

    test('rows read back identically: integers, 0/1 flags, ISO timestamps', async () => {
      const user = await users.create({
        username: 'u1',
        name: 'U',
        email: null,
        passwordHash: null,
        isAdmin: true,
      });
      assert.equal(typeof user.id, 'number');
      assert.equal(user.is_admin, 1);
      assert.match(user.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(await users.findById(user.id), user);
      assert.equal(await users.count(), 1);
    });

    test('usernames and project paths are unique', async () => {
      await assert.rejects(
        users.create({ username: 'u1', name: 'x', email: null, passwordHash: null, isAdmin: false }),
      );
      await projects.create(project('uniq/one'), null);
      await assert.rejects(projects.create(project('uniq/one'), null));
    });

    test('a project is created with its maintainer in one transaction', async () => {
      const owner = await users.create({
        username: 'owner',
        name: 'O',
        email: null,
        passwordHash: null,
        isAdmin: false,
      });
      const created = await projects.create(project('tx/ok'), { userId: owner.id, accessLevel: 40 });
      assert.equal(await members.accessLevel(created.id, owner.id), 40);
      // A maintainer who does not exist violates a foreign key: neither row may remain.
      await assert.rejects(projects.create(project('tx/broken'), { userId: 999_999, accessLevel: 40 }));
      assert.equal(await projects.findByPath('tx/broken'), undefined);
    });

    test('deleting a project removes its members and push events; deleting a user keeps events', async () => {
      const pusher = await users.create({
        username: 'pusher',
        name: 'P',
        email: null,
        passwordHash: null,
        isAdmin: false,
      });
      const p = await projects.create(project('cascade/p'), { userId: pusher.id, accessLevel: 40 });
      await events.insert({
        projectId: p.id,
        ref: 'refs/heads/main',
        before: '0'.repeat(40),
        after: 'a'.repeat(40),
        userId: pusher.id,
      });
      await users.delete(pusher.id);
      const [kept] = await events.list(p.id, { page: 1, perPage: 10 });
      assert.equal(kept?.userId, null);
      assert.equal(await members.accessLevel(p.id, pusher.id), null);
      await projects.delete(p.id);
      assert.equal(await events.count(p.id), 0);
    });

    test('search treats % and _ literally and is case-insensitive', async () => {
      await projects.create(project('search/100_percent'), null);
      await projects.create(project('search/100Xpercent'), null);
      const page = { page: 1, perPage: 20 };
      const literal = await projects.list({ memberUserId: null, search: '100_' }, page);
      assert.deepEqual(
        literal.map((p) => p.path),
        ['search/100_percent'],
      );
      assert.equal(await projects.count({ memberUserId: null, search: 'SEARCH/' }), 2);
      assert.equal(await projects.count({ memberUserId: null, search: '%' }), 0);
    });

    test('listing is scoped to memberships and paginates without overlap', async () => {
      const member = await users.create({
        username: 'member',
        name: 'M',
        email: null,
        passwordHash: null,
        isAdmin: false,
      });
      for (let i = 0; i < 5; i++) {
        await projects.create(
          project(`scoped/p${i}`),
          i % 2 === 0 ? { userId: member.id, accessLevel: 20 } : null,
        );
      }
      const scope = { memberUserId: member.id };
      assert.equal(await projects.count(scope), 3);
      const first = await projects.list(scope, { page: 1, perPage: 2 });
      const second = await projects.list(scope, { page: 2, perPage: 2 });
      assert.deepEqual(
        [...first, ...second].map((p) => p.path),
        ['scoped/p4', 'scoped/p2', 'scoped/p0'],
      );
    });

    test('tokens are found by hash only and can be revoked', async () => {
      const user = await users.create({
        username: 'tok',
        name: 'T',
        email: null,
        passwordHash: null,
        isAdmin: false,
      });
      const row = await tokens.create({
        userId: user.id,
        name: 't',
        tokenHash: 'h'.repeat(64),
        tokenPrefix: 'gty_abcd',
        scopes: ['api', 'read_api'],
        expiresAt: null,
      });
      assert.equal((await tokens.findWithUserByHash('h'.repeat(64)))?.user.id, user.id);
      assert.equal(await tokens.findWithUserByHash('x'.repeat(64)), undefined);
      await tokens.revoke(row.id);
      assert.equal((await tokens.findById(row.id))?.revoked, 1);
      assert.equal((await tokens.findById(row.id))?.scopes, 'api,read_api');
    });
  });
}

describe('PostgreSQL connections dropped by the server', dialectSuiteOptions('postgres'), () => {
  test('a terminated idle connection neither crashes the process nor breaks later queries', async () => {
    const url = await freshDatabaseUrl('postgres');
    const errors: Error[] = [];
    const store = openStore(url, (error) => errors.push(error));
    try {
      await store.migrate();
      const users = new UserRepository(store.db);
      assert.equal(await users.count(), 0);
      // Another session terminates every connection of ours, as a PostgreSQL restart would.
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      await admin.end();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok(errors.length > 0, 'the pool reported the dropped connection');
      assert.equal(await users.count(), 0, 'the next query opens a new connection');
    } finally {
      await store.close();
    }
  });
});
