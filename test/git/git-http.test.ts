import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PushEvent } from '../../src/events/event-bus.ts';
import { GitCommandError } from '../../src/git/run-git.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { commitFile, gitIn, type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

const ZERO = '0'.repeat(40);

interface EventView {
  ref: string;
  before: string;
  after: string;
  author_id: number | null;
}

for (const dialect of DIALECTS) {
  describe(`git over HTTP on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let scratch: ScratchDir;
    let owner: { id: number; token: string };
    let reporter: { id: number; token: string };
    let projectId: number;
    const busEvents: PushEvent[] = [];
    const remote = (user: string, secret: string) => {
      const url = new URL(`${t.url}/team/app.git`);
      url.username = user;
      url.password = secret;
      return url.toString();
    };
    const events = async () =>
      (await t.api<EventView[]>('GET', `projects/${projectId}/events?per_page=100`)).body;
    const gitFails = async (work: string, args: string[]): Promise<string> => {
      try {
        await gitIn(work, args);
      } catch (error) {
        assert.ok(error instanceof GitCommandError);
        return error.stderr;
      }
      return assert.fail(`git ${args[0]} should have failed`);
    };

    before(async () => {
      t = await startTestServer(dialect);
      scratch = await scratchDir();
      t.server.bus.on('push', (event) => busEvents.push(event));
      owner = await createUserWithToken(t, 'owner', { password: 'owner-password' });
      reporter = await createUserWithToken(t, 'reporter');
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: owner.token,
        body: { path: 'team/app' },
      });
      projectId = created.body.id;
      await t.api('POST', `projects/${projectId}/members`, {
        token: owner.token,
        body: { user_id: reporter.id, access_level: 20 },
      });
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    test('clone, commit and push with a token produce a push event', async () => {
      const work = join(scratch.path, 'owner');
      await gitIn(scratch.path, ['clone', '--quiet', remote('owner', owner.token), work]);
      const first = await commitFile(work, 'README.md', '# app\n');
      await gitIn(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);

      const [event] = await events();
      assert.deepEqual(event, {
        ...event,
        ref: 'refs/heads/main',
        before: ZERO,
        after: first,
        author_id: owner.id,
      });
      assert.equal(busEvents.at(-1)?.after, first);
      assert.equal(busEvents.at(-1)?.projectId, projectId);

      const second = await commitFile(work, 'README.md', '# app v2\n');
      await gitIn(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
      const [latest] = await events();
      assert.equal(latest?.before, first);
      assert.equal(latest?.after, second);
    });

    test('tags and branch deletions are push events too', async () => {
      const work = join(scratch.path, 'owner');
      const head = (await gitIn(work, ['rev-parse', 'HEAD'])).stdout.trim();
      await gitIn(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/feature', 'HEAD:refs/tags/v1.0.0']);
      const latest = (await events()).slice(0, 2).map((e) => [e.ref, e.before, e.after]);
      assert.deepEqual(latest.sort(), [
        ['refs/heads/feature', ZERO, head],
        ['refs/tags/v1.0.0', ZERO, head],
      ]);
      await gitIn(work, ['push', '--quiet', 'origin', ':refs/heads/feature']);
      const [deleted] = await events();
      assert.deepEqual([deleted?.ref, deleted?.before, deleted?.after], ['refs/heads/feature', head, ZERO]);
    });

    test('a password works as well as a token', async () => {
      const work = join(scratch.path, 'by-password');
      await gitIn(scratch.path, ['clone', '--quiet', remote('owner', 'owner-password'), work]);
      const sha = await commitFile(work, 'notes.txt', 'pushed with a password\n');
      await gitIn(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
      assert.equal((await events())[0]?.after, sha);
    });

    test('a reporter may fetch but not push; nothing is recorded', async () => {
      const work = join(scratch.path, 'reporter');
      await gitIn(scratch.path, ['clone', '--quiet', remote('reporter', reporter.token), work]);
      await commitFile(work, 'hack.txt', 'reporter was here\n');
      const before = await events();
      const stderr = await gitFails(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
      assert.match(stderr, /403/);
      assert.deepEqual(await events(), before);
    });

    test('a wrong token, no credentials and an outsider are refused', async () => {
      const before = await events();
      const wrong = await gitFails(scratch.path, [
        'clone',
        '--quiet',
        remote('owner', 'gty_wrong'),
        join(scratch.path, 'x'),
      ]);
      assert.match(wrong, /Authentication failed|401/);
      const anonymous = await gitFails(scratch.path, [
        'clone',
        '--quiet',
        `${t.url}/team/app.git`,
        join(scratch.path, 'y'),
      ]);
      assert.match(anonymous, /could not read Username|401|Authentication/);
      const outsider = await createUserWithToken(t, 'outsider');
      const hidden = await gitFails(scratch.path, [
        'clone',
        '--quiet',
        remote('outsider', outsider.token),
        join(scratch.path, 'z'),
      ]);
      assert.match(hidden, /not found|404/);
      const work = join(scratch.path, 'owner');
      await commitFile(work, 'more.txt', 'x\n');
      const badPush = await gitFails(work, [
        'push',
        '--quiet',
        remote('owner', 'gty_wrong'),
        'HEAD:refs/heads/main',
      ]);
      assert.match(badPush, /Authentication failed|401/);
      assert.deepEqual(await events(), before);
    });

    test('a read_api token may fetch but not push', async () => {
      const readOnly = await t.api<{ token: string }>('POST', `users/${owner.id}/personal_access_tokens`, {
        token: owner.token,
        body: { name: 'ro', scopes: ['read_api'] },
      });
      const work = join(scratch.path, 'read-only');
      await gitIn(scratch.path, ['clone', '--quiet', remote('owner', readOnly.body.token), work]);
      await commitFile(work, 'ro.txt', 'x\n');
      const stderr = await gitFails(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
      assert.match(stderr, /403/);
    });

    test('a revoked token stops working for git at once', async () => {
      const issued = await t.api<{ token: string; id: number }>(
        'POST',
        `users/${owner.id}/personal_access_tokens`,
        {
          token: owner.token,
          body: { name: 'short-lived', scopes: ['api'] },
        },
      );
      const work = join(scratch.path, 'revoked');
      await gitIn(scratch.path, ['clone', '--quiet', remote('owner', issued.body.token), work]);
      await t.api('DELETE', `personal_access_tokens/${issued.body.id}`, { token: owner.token });
      const stderr = await gitFails(work, ['fetch', '--quiet', 'origin']);
      assert.match(stderr, /Authentication failed|401/);
    });
  });
}
