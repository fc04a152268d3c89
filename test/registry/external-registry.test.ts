import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { commandWorks, realDependency } from '../runner/real-dependency.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  ADMIN_TOKEN,
  createUserWithToken,
  freePort,
  startTestServer,
  type TestServer,
} from '../support/test-server.ts';
import {
  basic,
  buildImage,
  podman,
  registryTools,
  removeImages,
  type StandaloneRegistry,
  startStandaloneRegistry,
  unique,
  v2,
} from './registry-helpers.ts';

// GANTRY_REGISTRY names an external registry: Gantry's /v2/ authenticates clients as always and
// forwards to that registry with the admin's credentials. The external registry here is a second
// real docker-registry on loopback, protected by htpasswd (bcrypt, made by Apache's htpasswd).

const run = promisify(execFile);
const htpasswd = realDependency(
  commandWorks('htpasswd', ['-nbB', 'probe', 'probe']),
  "htpasswd (Debian's apache2-utils)",
);

for (const dialect of DIALECTS) {
  describe(`an external registry behind Gantry (${dialect})`, {
    ...dialectSuiteOptions(dialect),
    ...registryTools.options,
    ...htpasswd.options,
  }, () => {
    let scratch: ScratchDir;
    let upstream: StandaloneRegistry;
    let t: TestServer;
    const password = `pw-${unique()}`;
    const project = `ext${unique()}/app`;
    let reference: string;
    let projectId: number;

    before(async () => {
      registryTools.assertPresent();
      htpasswd.assertPresent();
      scratch = await scratchDir('gantry-external-registry-');
      const { stdout } = await run('htpasswd', ['-nbB', 'gantry', password]);
      await writeFile(join(scratch.path, 'htpasswd'), stdout);
      upstream = await startStandaloneRegistry(scratch.path, await freePort(), {
        htpasswd: { realm: 'external', path: join(scratch.path, 'htpasswd') },
      });
      t = await startTestServer(dialect, {
        env: {
          GANTRY_RUNNER_CONCURRENCY: '0',
          GANTRY_REGISTRY: upstream.url,
          GANTRY_REGISTRY_USERNAME: 'gantry',
          GANTRY_REGISTRY_PASSWORD: password,
        },
      });
      const created = await t.api<{ id: number }>('POST', 'projects', { body: { path: project } });
      assert.equal(created.status, 201);
      projectId = created.body.id;
      reference = `${new URL(t.url).host}/${project}:v1`;
      await writeFile(join(scratch.path, 'Containerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\n');
      await run('cp', ['/bin/busybox', join(scratch.path, 'busybox')]);
      await buildImage(t.dataDir, reference, scratch.path);
    });
    after(async () => {
      if (t) await removeImages(t.dataDir, [reference]);
      await t?.stop();
      await upstream?.stop();
      await scratch?.cleanup();
    });

    test('the external registry refuses anonymous requests: it really is protected', async () => {
      assert.equal((await fetch(`${upstream.url}/v2/`)).status, 401);
    });

    test('podman pushes through Gantry; the image lands in the external registry and the tag is recorded', async () => {
      const digestFile = join(scratch.path, 'digest');
      await podman(t.dataDir, [
        'push',
        '--quiet',
        '--creds',
        `admin:${ADMIN_TOKEN}`,
        '--digestfile',
        digestFile,
        reference,
      ]);
      const digest = (await run('cat', [digestFile])).stdout.trim();
      const direct = await v2(upstream.url, `/v2/${project}/tags/list`, { auth: basic('gantry', password) });
      assert.equal(direct.status, 200);
      assert.deepEqual(direct.body.tags, ['v1']);
      const [repository] = (
        await t.api<Array<{ id: number }>>('GET', `projects/${projectId}/registry/repositories`)
      ).body;
      const tags = await t.api<Array<{ name: string; digest: string }>>(
        'GET',
        `projects/${projectId}/registry/repositories/${repository!.id}/tags`,
      );
      assert.deepEqual(
        tags.body.map((tag) => [tag.name, tag.digest]),
        [['v1', digest]],
      );
    });

    test("clients still authenticate to Gantry, never with the external registry's credentials", async () => {
      const reader = await createUserWithToken(t, `reader${unique()}`);
      assert.equal(
        (await v2(t.url, `/v2/${project}/tags/list`, { auth: basic('gantry', password) })).status,
        401,
      );
      assert.equal(
        (await v2(t.url, `/v2/${project}/tags/list`, { auth: basic('reader', reader.token) })).status,
        403,
      );
      const asAdmin = await v2(t.url, `/v2/${project}/tags/list`, { auth: basic('admin', ADMIN_TOKEN) });
      assert.equal(asAdmin.status, 200);
      assert.deepEqual(asAdmin.body.tags, ['v1']);
    });

    test('with wrong credentials for the external registry Gantry answers 503, not 401', async () => {
      const wrong = await startTestServer(dialect, {
        env: {
          GANTRY_RUNNER_CONCURRENCY: '0',
          GANTRY_REGISTRY: upstream.url,
          GANTRY_REGISTRY_USERNAME: 'gantry',
          GANTRY_REGISTRY_PASSWORD: 'not-the-password',
        },
      });
      try {
        const answer = await v2(wrong.url, '/v2/', { auth: basic('admin', ADMIN_TOKEN) });
        assert.equal(answer.status, 503);
        assert.equal(answer.body.errors?.[0]?.code, 'UNAVAILABLE');
      } finally {
        await wrong.stop();
      }
    });
  });
}
