import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listRefs } from '../../src/git/bare-repository.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { commitFile, gitIn, type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';

interface EventView {
  ref: string;
  after: string;
  author_id: number | null;
}
interface MirrorSettings {
  webhook_url: string;
  webhook_secret: string;
  has_password: boolean;
  last_error: string | null;
}

for (const dialect of DIALECTS) {
  describe(`pull mirrors and incoming webhooks on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let scratch: ScratchDir;
    let work: string;
    let mirrorId: number;
    let settings: MirrorSettings;
    const upstreamUrl = () => {
      const url = new URL(`${t.url}/upstream/app.git`);
      url.username = 'admin';
      url.password = ADMIN_TOKEN;
      return url.toString();
    };
    const mirrorEvents = async () =>
      (await t.api<EventView[]>('GET', `projects/${mirrorId}/events?per_page=100`)).body;
    const pushUpstream = async (content: string) => {
      const sha = await commitFile(work, 'README.md', content);
      await gitIn(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
      return sha;
    };
    const webhook = (body: string, headers: Record<string, string>) =>
      fetch(settings.webhook_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const sign = (body: string, secret = settings.webhook_secret) =>
      createHmac('sha256', secret).update(body).digest('hex');

    before(async () => {
      t = await startTestServer(dialect);
      scratch = await scratchDir();
      await t.api('POST', 'projects', { body: { path: 'upstream/app' } });
      work = join(scratch.path, 'upstream');
      await gitIn(scratch.path, ['clone', '--quiet', upstreamUrl(), work]);
      const first = await pushUpstream('# v1\n');

      const mirror = await t.api<{ id: number; mirror: boolean; mirror_url: string }>('POST', 'projects', {
        body: {
          path: 'mirrors/app',
          mirror_url: `${t.url}/upstream/app.git`,
          mirror_username: 'admin',
          mirror_password: ADMIN_TOKEN,
        },
      });
      assert.equal(mirror.status, 201, JSON.stringify(mirror.body));
      assert.equal(mirror.body.mirror, true);
      mirrorId = mirror.body.id;
      // The first fetch ran before the project was returned.
      assert.deepEqual(
        (await mirrorEvents()).map((e) => [e.ref, e.after, e.author_id]),
        [['refs/heads/main', first, null]],
      );
      settings = (await t.api<MirrorSettings>('GET', `projects/${mirrorId}/mirror`)).body;
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    test('the mirror password is encrypted at rest and never returned', async () => {
      assert.equal(settings.has_password, true);
      const row = await t.server.store.db
        .selectFrom('projects')
        .selectAll()
        .where('id', '=', mirrorId)
        .executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(ADMIN_TOKEN));
      assert.match(row.mirror_password_encrypted ?? '', /^v1:[0-9a-f]{8}:/);
      const project = await t.api('GET', `projects/${mirrorId}`);
      assert.ok(!JSON.stringify(project.body).includes(ADMIN_TOKEN));
      assert.ok(!JSON.stringify(settings).includes(ADMIN_TOKEN));
    });

    test('a GitHub push webhook with a valid signature fetches and records push events', async () => {
      const sha = await pushUpstream('# v2\n');
      const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
      const response = await webhook(body, {
        'x-github-event': 'push',
        'x-hub-signature-256': `sha256=${sign(body)}`,
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { provider: 'github', event: 'push', fetched: true });
      assert.equal((await mirrorEvents())[0]?.after, sha);
    });

    test('GitLab (token) and Gitea (signature) webhooks work too', async () => {
      const viaGitlab = await pushUpstream('# v3\n');
      const body = JSON.stringify({ object_kind: 'push' });
      const gitlab = await webhook(body, {
        'x-gitlab-event': 'Push Hook',
        'x-gitlab-token': settings.webhook_secret,
      });
      assert.equal(gitlab.status, 200);
      assert.equal((await mirrorEvents())[0]?.after, viaGitlab);

      const viaGitea = await pushUpstream('# v4\n');
      const gitea = await webhook(body, { 'x-gitea-event': 'push', 'x-gitea-signature': sign(body) });
      assert.equal(gitea.status, 200);
      assert.equal((await mirrorEvents())[0]?.after, viaGitea);
    });

    test('a ping is acknowledged without fetching', async () => {
      const body = JSON.stringify({ zen: 'hello' });
      const response = await webhook(body, {
        'x-github-event': 'ping',
        'x-hub-signature-256': `sha256=${sign(body)}`,
      });
      assert.deepEqual(await response.json(), { provider: 'github', event: 'ping', fetched: false });
    });

    test('bad signatures, wrong secrets and unsigned calls get 401 and change nothing', async () => {
      const pending = await pushUpstream('# not yet mirrored\n');
      const refsBefore = await listRefs(join(t.dataDir, 'repositories', `${mirrorId}.git`));
      const eventsBefore = await mirrorEvents();
      const body = JSON.stringify({ ref: 'refs/heads/main' });
      const attempts: Array<Record<string, string>> = [
        { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(body, 'wrong-secret')}` },
        { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(`${body} `)}` },
        { 'x-github-event': 'push' },
        { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'guess' },
        { 'x-gitea-event': 'push', 'x-gitea-signature': '00'.repeat(32) },
        {},
      ];
      for (const headers of attempts) {
        const response = await webhook(body, headers);
        assert.equal(response.status, 401, JSON.stringify(headers));
        const error = (await response.json()) as { error: { code: string; message: string } };
        assert.equal(error.error.code, 'unauthorized');
      }
      const other = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'hosted/one' } });
      const hosted = await fetch(`${t.url}/api/v1/projects/${other.body.id}/mirror/webhook`, {
        method: 'POST',
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(body)}` },
        body,
      });
      assert.equal(hosted.status, 401);
      assert.deepEqual(await listRefs(join(t.dataDir, 'repositories', `${mirrorId}.git`)), refsBefore);
      assert.deepEqual(await mirrorEvents(), eventsBefore);
      // The pending commit arrives with the next legitimate fetch.
      const pulled = await t.api<{ updates: Array<{ after: string }> }>(
        'POST',
        `projects/${mirrorId}/mirror/pull`,
      );
      assert.equal(pulled.status, 200);
      assert.equal(pulled.body.updates[0]?.after, pending);
    });

    test('a mirror is read-only for git pushes', async () => {
      const clone = join(scratch.path, 'mirror-clone');
      const url = new URL(`${t.url}/mirrors/app.git`);
      url.username = 'admin';
      url.password = ADMIN_TOKEN;
      await gitIn(scratch.path, ['clone', '--quiet', url.toString(), clone]);
      await commitFile(clone, 'x.txt', 'x\n');
      await assert.rejects(gitIn(clone, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']), /push/);
    });

    test('a mirror that cannot be fetched is not created', async () => {
      const before = (await t.api('GET', 'projects')).headers.get('x-total');
      const badCredentials = await t.api<{ error: { message: string } }>('POST', 'projects', {
        body: {
          path: 'mirrors/broken',
          mirror_url: `${t.url}/upstream/app.git`,
          mirror_username: 'admin',
          mirror_password: 'wrong-password',
        },
      });
      assert.equal(badCredentials.status, 400);
      assert.match(badCredentials.body.error.message, /authentication to .* failed/i);
      assert.ok(!badCredentials.body.error.message.includes('wrong-password'));
      const credentialsInUrl = await t.api('POST', 'projects', {
        body: { path: 'mirrors/creds', mirror_url: upstreamUrl() },
      });
      assert.equal(credentialsInUrl.status, 400);
      const local = await t.api('POST', 'projects', {
        body: { path: 'mirrors/local', mirror_url: 'file:///etc' },
      });
      assert.equal(local.status, 400);
      assert.equal((await t.api('GET', 'projects')).headers.get('x-total'), before);
      assert.equal((await t.api('GET', 'projects/mirrors%2Fbroken')).status, 404);
    });
  });
}

describe('mirror fetches: schedule and concurrency', () => {
  let t: TestServer;
  let scratch: ScratchDir;
  before(async () => {
    t = await startTestServer('sqlite', { env: { GANTRY_MIRROR_INTERVAL: '1' } });
    scratch = await scratchDir();
  });
  after(async () => {
    await t?.stop();
    await scratch?.cleanup();
  });

  test('the schedule fetches without any webhook; concurrent pulls record each change once', async () => {
    await t.api('POST', 'projects', { body: { path: 'up/scheduled' } });
    const url = new URL(`${t.url}/up/scheduled.git`);
    url.username = 'admin';
    url.password = ADMIN_TOKEN;
    const work = join(scratch.path, 'up');
    await gitIn(scratch.path, ['clone', '--quiet', url.toString(), work]);
    await commitFile(work, 'a.txt', 'a\n');
    await gitIn(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    const mirror = await t.api<{ id: number }>('POST', 'projects', {
      body: {
        path: 'down/scheduled',
        mirror_url: `${t.url}/up/scheduled.git`,
        mirror_username: 'admin',
        mirror_password: ADMIN_TOKEN,
      },
    });
    const events = async () =>
      (await t.api<EventView[]>('GET', `projects/${mirror.body.id}/events?per_page=100`)).body;

    const sha = await commitFile(work, 'b.txt', 'b\n');
    await gitIn(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    for (let i = 0; i < 100 && (await events())[0]?.after !== sha; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal((await events())[0]?.after, sha, 'the scheduled fetch brought the new commit');

    const next = await commitFile(work, 'c.txt', 'c\n');
    await gitIn(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    const pulls = await Promise.all(
      Array.from({ length: 6 }, () => t.api('POST', `projects/${mirror.body.id}/mirror/pull`)),
    );
    assert.deepEqual(
      pulls.map((p) => p.status),
      [200, 200, 200, 200, 200, 200],
    );
    const recorded = (await events()).filter((e) => e.after === next);
    assert.equal(recorded.length, 1, 'one push event for one ref change, however many fetches ran');
  });
});
