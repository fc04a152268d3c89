import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ReleaseEvent } from '../../src/events/event-bus.ts';
import { runGit } from '../../src/git/run-git.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { gitIn, type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, pushFiles } from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Link {
  id: number;
  name: string;
  url: string;
  direct_asset_url: string;
  link_type: string;
}
interface Deployment {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: string;
  created_at: string;
  finished_at: string | null;
  environment: { id: number; name: string };
}
interface Release {
  tag_name: string;
  name: string;
  description: string;
  created_at: string;
  released_at: string;
  upcoming_release: boolean;
  author: { id: number; username: string; name: string } | null;
  commit: { id: string; short_id: string };
  assets: { links: Link[] };
  deployments: Deployment[];
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}

for (const dialect of DIALECTS) {
  describe(`releases API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let maintainer: string;
    let developer: string;
    let developerId: number;
    let reporter: string;
    let readOnly: string;
    let scratch: ScratchDir;
    const events: ReleaseEvent[] = [];
    let counter = 0;

    /** A project whose `main` has two commits and whose first commit is tagged `v1.0`. */
    async function project(): Promise<{ id: number; first: string; second: string; bare: string }> {
      const path = `rel/p${counter++}`;
      const created = await t.api<{ id: number }>('POST', 'projects', { token: maintainer, body: { path } });
      assert.equal(created.status, 201);
      const id = created.body.id;
      for (const [token, level] of [
        [reporter, 20],
        [developer, 30],
      ] as const) {
        const user = await t.api<{ id: number }>('GET', 'user', { token });
        await t.api('POST', `projects/${id}/members`, {
          token: maintainer,
          body: { user_id: user.body.id, access_level: level },
        });
      }
      const work = await cloneProject(t, path, join(scratch.path, `work${counter}`));
      const first = await pushFiles(work, { 'README.md': '# one\n' });
      await gitIn(work, ['tag', 'v1.0']);
      await gitIn(work, ['push', '--quiet', 'origin', 'refs/tags/v1.0']);
      const second = await pushFiles(work, { 'README.md': '# two\n' });
      return { id, first, second, bare: join(t.dataDir, 'repositories', `${id}.git`) };
    }

    async function tagOf(bare: string, tag: string): Promise<string | undefined> {
      return runGit([
        '--git-dir',
        bare,
        'rev-parse',
        '--verify',
        '--quiet',
        `refs/tags/${tag}^{commit}`,
      ]).then(
        (out) => out.stdout.trim(),
        () => undefined,
      );
    }

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      scratch = await scratchDir();
      maintainer = (await createUserWithToken(t, 'rel-maintainer')).token;
      const dev = await createUserWithToken(t, 'rel-developer');
      developer = dev.token;
      developerId = dev.id;
      const rep = await createUserWithToken(t, 'rel-reporter', { scopes: ['api'] });
      reporter = rep.token;
      const readOnlyToken = await t.api<{ token: string }>('POST', `users/${dev.id}/personal_access_tokens`, {
        body: { name: 'read', scopes: ['read_api'] },
      });
      readOnly = readOnlyToken.body.token;
      t.server.bus.on('release', (event) => events.push(event));
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    test('a developer creates a release for a pushed tag; name defaults to the tag; notes are stored as given', async () => {
      const { id, first } = await project();
      const notes = '## Changes\n\n- fixed `<script>` & *stuff*\n';
      const created = await t.api<Release>('POST', `projects/${id}/releases`, {
        token: developer,
        body: {
          tag_name: 'v1.0',
          description: notes,
          released_at: '2024-05-01T12:00:00+02:00',
          assets: {
            links: [{ name: 'binary', url: 'https://example.com/app.tar.gz', link_type: 'package' }],
          },
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const release = created.body;
      assert.equal(release.tag_name, 'v1.0');
      assert.equal(release.name, 'v1.0');
      assert.equal(release.description, notes);
      assert.equal(release.released_at, '2024-05-01T10:00:00.000Z');
      assert.equal(release.upcoming_release, false);
      assert.deepEqual(release.commit, { id: first, short_id: first.slice(0, 8) });
      assert.deepEqual(release.author, { id: developerId, username: 'rel-developer', name: 'rel-developer' });
      assert.equal(release.assets.links.length, 1);
      assert.deepEqual(
        { ...release.assets.links[0], id: 0 },
        {
          id: 0,
          name: 'binary',
          url: 'https://example.com/app.tar.gz',
          direct_asset_url: 'https://example.com/app.tar.gz',
          link_type: 'package',
        },
      );
      assert.deepEqual(release.deployments, []);
      assert.deepEqual(events.at(-1), {
        id: events.at(-1)?.id,
        projectId: id,
        tagName: 'v1.0',
        action: 'create',
      });
      assert.equal(typeof events.at(-1)?.id, 'number');

      const again = await t.api<ErrorBody>('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'v1.0' },
      });
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, /v1\.0/);

      const got = await t.api<Release>('GET', `projects/${id}/releases/v1.0`, { token: reporter });
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, release);
      const viaReadApi = await t.api<Release>('GET', `projects/${id}/releases/v1.0`, { token: readOnly });
      assert.equal(viaReadApi.status, 200);
    });

    test('a missing tag needs ref; with ref the tag is created in the repository and recorded as a push', async () => {
      const { id, first, second, bare } = await project();
      const missing = await t.api<ErrorBody>('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'v2.0' },
      });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.code, 'validation_failed');
      assert.match(missing.body.error.message, /tag v2\.0 does not exist/);
      assert.deepEqual(
        missing.body.error.details.map((d) => d.path),
        ['/ref'],
      );
      const badRef = await t.api<ErrorBody>('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'v2.0', ref: 'no-such-branch' },
      });
      assert.equal(badRef.status, 400);
      assert.match(badRef.body.error.message, /no-such-branch/);
      const badName = await t.api<ErrorBody>('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'v2..0', ref: 'main' },
      });
      assert.equal(badName.status, 400);
      assert.equal(await tagOf(bare, 'v2.0'), undefined);

      const fromBranch = await t.api<Release>('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'v2.0', name: 'Second', ref: 'main' },
      });
      assert.equal(fromBranch.status, 201, JSON.stringify(fromBranch.body));
      assert.equal(fromBranch.body.name, 'Second');
      assert.equal(fromBranch.body.commit.id, second);
      assert.equal(await tagOf(bare, 'v2.0'), second);
      const pushes = await t.api<Array<{ ref: string; after: string; author_id: number | null }>>(
        'GET',
        `projects/${id}/events`,
        { token: reporter },
      );
      const tagPush = pushes.body.find((event) => event.ref === 'refs/tags/v2.0');
      assert.deepEqual(tagPush && { after: tagPush.after, author_id: tagPush.author_id }, {
        after: second,
        author_id: developerId,
      });

      const fromSha = await t.api<Release>('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'release/0.9', ref: first.slice(0, 10) },
      });
      assert.equal(fromSha.status, 201, JSON.stringify(fromSha.body));
      assert.equal(await tagOf(bare, 'release/0.9'), first);
      const encoded = await t.api<Release>('GET', `projects/${id}/releases/release%2F0.9`, {
        token: reporter,
      });
      assert.equal(encoded.status, 200);
      assert.equal(encoded.body.commit.id, first);

      // An existing tag wins over ref, as in GitLab.
      const existing = await t.api<Release>('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'v1.0', ref: 'main' },
      });
      assert.equal(existing.status, 201);
      assert.equal(existing.body.commit.id, first);
      assert.equal(await tagOf(bare, 'v1.0'), first);
    });

    test('list is paginated and ordered by released_at or created_at', async () => {
      const { id } = await project();
      const dates: Array<[string, string]> = [
        ['a', '2024-01-03T00:00:00Z'],
        ['b', '2024-01-01T00:00:00Z'],
        ['c', '2024-01-02T00:00:00Z'],
      ];
      for (const [tag, released_at] of dates) {
        const created = await t.api('POST', `projects/${id}/releases`, {
          token: developer,
          body: { tag_name: tag, ref: 'main', released_at },
        });
        assert.equal(created.status, 201);
      }
      const names = (response: { body: Release[] }) => response.body.map((r) => r.tag_name);
      const byReleased = await t.api<Release[]>('GET', `projects/${id}/releases`, { token: reporter });
      assert.equal(byReleased.status, 200);
      assert.deepEqual(names(byReleased), ['a', 'c', 'b']);
      assert.equal(byReleased.headers.get('x-total'), '3');
      assert.deepEqual(
        names(await t.api<Release[]>('GET', `projects/${id}/releases?sort=asc`, { token: reporter })),
        ['b', 'c', 'a'],
      );
      assert.deepEqual(
        names(
          await t.api<Release[]>('GET', `projects/${id}/releases?order_by=created_at`, { token: reporter }),
        ),
        ['c', 'b', 'a'],
      );
      const page = await t.api<Release[]>('GET', `projects/${id}/releases?per_page=2&page=2`, {
        token: reporter,
      });
      assert.deepEqual(names(page), ['b']);
      assert.equal(page.headers.get('x-total-pages'), '2');
      assert.equal(page.headers.get('x-prev-page'), '1');
      const badOrder = await t.api('GET', `projects/${id}/releases?order_by=name`, { token: reporter });
      assert.equal(badOrder.status, 400);
    });

    test('update changes name, notes and date; delete removes the release but keeps the tag', async () => {
      const { id, first, bare } = await project();
      await t.api('POST', `projects/${id}/releases`, { token: developer, body: { tag_name: 'v1.0' } });
      const unknown = await t.api<ErrorBody>('PUT', `projects/${id}/releases/v9`, {
        token: developer,
        body: { name: 'x' },
      });
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.error.message, /tag v9/);
      const empty = await t.api('PUT', `projects/${id}/releases/v1.0`, { token: developer, body: {} });
      assert.equal(empty.status, 400);
      assert.equal(
        (await t.api('PUT', `projects/${id}/releases/v1.0`, { token: reporter, body: { name: 'x' } })).status,
        403,
      );

      const updated = await t.api<Release>('PUT', `projects/${id}/releases/v1.0`, {
        token: developer,
        body: { name: 'First', description: 'notes', released_at: '2999-01-01T00:00:00Z' },
      });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(updated.body.name, 'First');
      assert.equal(updated.body.description, 'notes');
      assert.equal(updated.body.released_at, '2999-01-01T00:00:00.000Z');
      assert.equal(updated.body.upcoming_release, true);
      assert.equal(updated.body.commit.id, first);
      assert.deepEqual(
        { action: events.at(-1)?.action, tagName: events.at(-1)?.tagName },
        { action: 'update', tagName: 'v1.0' },
      );
      const onlyName = await t.api<Release>('PUT', `projects/${id}/releases/v1.0`, {
        token: developer,
        body: { name: 'First!' },
      });
      assert.equal(onlyName.body.description, 'notes');

      const deleted = await t.api('DELETE', `projects/${id}/releases/v1.0`, { token: developer });
      assert.equal(deleted.status, 204);
      assert.deepEqual(
        { action: events.at(-1)?.action, projectId: events.at(-1)?.projectId },
        { action: 'delete', projectId: id },
      );
      const gone = await t.api<ErrorBody>('GET', `projects/${id}/releases/v1.0`, { token: reporter });
      assert.equal(gone.status, 404);
      assert.match(gone.body.error.message, /v1\.0/);
      assert.equal((await t.api('DELETE', `projects/${id}/releases/v1.0`, { token: developer })).status, 404);
      assert.equal(await tagOf(bare, 'v1.0'), first);
      // The tag can carry a release again.
      const recreated = await t.api('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'v1.0' },
      });
      assert.equal(recreated.status, 201);
    });

    test('asset links: create, list, get, update, delete; only http(s) URLs; names and URLs unique', async () => {
      const { id } = await project();
      for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'not a url', 'file:///etc/passwd']) {
        const refused = await t.api<ErrorBody>('POST', `projects/${id}/releases`, {
          token: developer,
          body: { tag_name: 'v1.0', assets: { links: [{ name: 'x', url }] } },
        });
        assert.equal(refused.status, 400, url);
        assert.deepEqual(
          refused.body.error.details.map((d) => d.path),
          ['/assets/links/0/url'],
        );
      }
      assert.equal(
        (await t.api('GET', `projects/${id}/releases/v1.0`, { token: reporter })).status,
        404,
        'a refused release is not stored',
      );
      await t.api('POST', `projects/${id}/releases`, { token: developer, body: { tag_name: 'v1.0' } });
      const base = `projects/${id}/releases/v1.0/assets/links`;
      const added = await t.api<Link>('POST', base, {
        token: developer,
        body: { name: 'Runbook', url: 'http://wiki.example.com/runbook', link_type: 'runbook' },
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.equal(added.body.link_type, 'runbook');
      assert.deepEqual(
        { action: events.at(-1)?.action, tagName: events.at(-1)?.tagName },
        { action: 'update', tagName: 'v1.0' },
      );
      const plain = await t.api<Link>('POST', base, {
        token: developer,
        body: { name: 'Image', url: 'https://example.com/shot.png' },
      });
      assert.equal(plain.body.link_type, 'other');
      assert.equal(
        (await t.api<ErrorBody>('POST', base, { token: developer, body: { name: 'x', url: 'ssh://host/x' } }))
          .status,
        400,
      );
      assert.equal(
        (
          await t.api('POST', base, {
            token: developer,
            body: { name: 'x', url: 'https://example.com/', link_type: 'binary' },
          })
        ).status,
        400,
      );
      const sameName = await t.api<ErrorBody>('POST', base, {
        token: developer,
        body: { name: 'Runbook', url: 'https://example.com/other' },
      });
      assert.equal(sameName.status, 409);
      assert.equal(
        (await t.api('POST', base, { token: reporter, body: { name: 'r', url: 'https://example.com/r' } }))
          .status,
        403,
      );

      const list = await t.api<Link[]>('GET', base, { token: reporter });
      assert.deepEqual(
        list.body.map((l) => l.name),
        ['Runbook', 'Image'],
      );
      const one = await t.api<Link>('GET', `${base}/${added.body.id}`, { token: reporter });
      assert.deepEqual(one.body, added.body);
      const release = await t.api<Release>('GET', `projects/${id}/releases/v1.0`, { token: reporter });
      assert.deepEqual(release.body.assets.links, list.body);

      const changed = await t.api<Link>('PUT', `${base}/${plain.body.id}`, {
        token: developer,
        body: { url: 'https://cdn.example.com/shot.png', link_type: 'image' },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(
        { name: changed.body.name, url: changed.body.url, link_type: changed.body.link_type },
        { name: 'Image', url: 'https://cdn.example.com/shot.png', link_type: 'image' },
      );
      const badUpdate = await t.api<ErrorBody>('PUT', `${base}/${plain.body.id}`, {
        token: developer,
        body: { url: 'data:text/plain,hi' },
      });
      assert.equal(badUpdate.status, 400);
      assert.equal(
        (await t.api<Link>('GET', `${base}/${plain.body.id}`, { token: reporter })).body.url,
        'https://cdn.example.com/shot.png',
      );
      assert.equal(
        (await t.api('PUT', `${base}/${plain.body.id}`, { token: developer, body: { name: 'Runbook' } }))
          .status,
        409,
      );

      assert.equal((await t.api('DELETE', `${base}/${added.body.id}`, { token: developer })).status, 204);
      const missing = await t.api<ErrorBody>('GET', `${base}/${added.body.id}`, { token: reporter });
      assert.equal(missing.status, 404);
      assert.equal((await t.api('DELETE', `${base}/${added.body.id}`, { token: developer })).status, 404);
      assert.deepEqual(
        (await t.api<Link[]>('GET', base, { token: reporter })).body.map((l) => l.name),
        ['Image'],
      );
      // A link id belongs to its release: another release's path does not reach it.
      await t.api('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'v2', ref: 'main' },
      });
      assert.equal(
        (await t.api('GET', `projects/${id}/releases/v2/assets/links/${plain.body.id}`, { token: reporter }))
          .status,
        404,
      );
      // Deleting the release deletes its links.
      await t.api('DELETE', `projects/${id}/releases/v1.0`, { token: developer });
      const rows = await t.server.store.db
        .selectFrom('release_links')
        .select('id')
        .where('id', '=', plain.body.id)
        .execute();
      assert.deepEqual(rows, []);
    });

    test("a release lists its tag's deployments, newest first, at most 20, with their environment", async () => {
      const { id, first, second } = await project();
      await t.api('POST', `projects/${id}/releases`, { token: developer, body: { tag_name: 'v1.0' } });
      const db = t.server.store.db;
      const now = '2024-06-01T00:00:00.000Z';
      const environment = async (name: string) =>
        (
          await db
            .insertInto('environments')
            .values({
              project_id: id,
              name,
              slug: name,
              tier: name,
              external_url: null,
              state: 'available',
              kubernetes_namespace: null,
              auto_stop_at: null,
              last_deployment_id: null,
              last_success_deployment_id: null,
              created_at: now,
              updated_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      const staging = await environment('staging');
      const production = await environment('production');
      let iid = 0;
      const deploy = async (
        environmentId: number,
        ref: string,
        tag: number,
        sha: string,
        status = 'success',
      ) => {
        iid += 1;
        const minute = String(iid).padStart(2, '0');
        return (
          await db
            .insertInto('deployments')
            .values({
              project_id: id,
              iid,
              environment_id: environmentId,
              sha,
              ref,
              tag,
              user_id: null,
              status,
              action: 'start',
              job_id: null,
              pipeline_id: null,
              deployable_name: null,
              snapshot: null,
              rollback_of: null,
              external_state: null,
              freeze_override_reason: null,
              freeze_override_by: null,
              created_at: `2024-06-01T00:${minute}:00.000Z`,
              updated_at: `2024-06-01T00:${minute}:00.000Z`,
              finished_at: status === 'running' ? null : `2024-06-01T00:${minute}:30.000Z`,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      };
      const toStaging = await deploy(staging, 'v1.0', 1, first);
      await deploy(staging, 'v1.0', 0, second); // a branch named like the tag
      await deploy(production, 'v2.0', 1, second); // another tag
      const toProduction = await deploy(production, 'v1.0', 1, first, 'running');

      const release = await t.api<Release>('GET', `projects/${id}/releases/v1.0`, { token: reporter });
      assert.deepEqual(release.body.deployments, [
        {
          id: toProduction,
          iid: 4,
          ref: 'v1.0',
          sha: first,
          status: 'running',
          created_at: '2024-06-01T00:04:00.000Z',
          finished_at: null,
          environment: { id: production, name: 'production' },
        },
        {
          id: toStaging,
          iid: 1,
          ref: 'v1.0',
          sha: first,
          status: 'success',
          created_at: '2024-06-01T00:01:00.000Z',
          finished_at: '2024-06-01T00:01:30.000Z',
          environment: { id: staging, name: 'staging' },
        },
      ]);

      const newer: number[] = [];
      for (let i = 0; i < 20; i++) newer.push(await deploy(staging, 'v1.0', 1, first));
      await t.api('POST', `projects/${id}/releases`, {
        token: developer,
        body: { tag_name: 'v2.0', ref: 'main' },
      });
      const list = await t.api<Release[]>('GET', `projects/${id}/releases?order_by=created_at`, {
        token: reporter,
      });
      const [v2, v1] = list.body;
      assert.deepEqual(
        v1?.deployments.map((d) => d.id),
        newer.reverse(),
      );
      assert.deepEqual(
        v2?.deployments.map((d) => [d.ref, d.environment.name]),
        [['v2.0', 'production']],
      );
    });
  });
}
