import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recordDeployment } from '../support/deployment-rows.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  jobNamed,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import {
  ADMIN_TOKEN,
  createUserWithToken,
  startTestServer,
  type TestServer,
} from '../support/test-server.ts';
import { basic, podman, registryTools, removeImages, unique, v2 } from './registry-helpers.ts';

// A build job on the embedded runner logs in to Gantry's bundled registry with its job token,
// builds an image with podman and pushes it; the push is recorded, and every kind of credential is
// accepted or refused as docs/registry.md says.

interface RepositoryView {
  id: number;
  name: string;
  path: string;
  location: string;
  tags_count: number;
}
interface TagView {
  name: string;
  path: string;
  location: string;
  digest: string;
  pushed_at: string;
  environments: Array<{ id: number; name: string; deployment_id: number }>;
}

const pipelineFile = (otherImage: string, tokenFile: string) => `build:
  script:
    - podman login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"
    - cp /bin/busybox busybox
    - podman build --pull=never --network none -t "$CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA" .
    - podman push --digestfile digest.txt "$CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA"
    - echo "pushed-digest=$(cat digest.txt)"
    - echo "auth-file=$REGISTRY_AUTH_FILE"
    - echo "other-project=$(curl -s -o /dev/null -w '%{http_code}' -u "gitlab-ci-token:$CI_JOB_TOKEN" "http://$CI_REGISTRY/v2/${otherImage}/tags/list")"
    - echo "$CI_JOB_TOKEN" > ${tokenFile}
    - podman rmi "$CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA"
`;

for (const dialect of DIALECTS) {
  describe(`the bundled registry with a build job (${dialect})`, {
    ...dialectSuiteOptions(dialect),
    ...registryTools.options,
  }, () => {
    let t: TestServer;
    let scratch: ScratchDir;
    const group = `Reg${unique()}`;
    const projectPath = `${group}/App`;
    const image = `${group.toLowerCase()}/app/web`;
    let registryHost: string;
    let projectId: number;
    let reporter: { id: number; token: string };
    let developer: { id: number; token: string };
    let maintainer: { id: number; token: string };
    let outsider: { id: number; token: string };
    let sha: string;
    let digest: string;
    let jobLog: string;
    let tokenFile: string;

    before(async () => {
      registryTools.assertPresent();
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '2' } });
      registryHost = new URL(t.url).host;
      scratch = await scratchDir('gantry-registry-');
      tokenFile = join(scratch.path, 'job-token');
      projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: projectPath } })).body.id;
      const other = await t.api<{ id: number }>('POST', 'projects', { body: { path: `${group}/other` } });
      assert.equal(other.status, 201);
      reporter = await createUserWithToken(t, `reporter${unique()}`);
      developer = await createUserWithToken(t, `developer${unique()}`);
      maintainer = await createUserWithToken(t, `maintainer${unique()}`);
      outsider = await createUserWithToken(t, `outsider${unique()}`);
      for (const [user, level] of [
        [reporter, 20],
        [developer, 30],
        [maintainer, 40],
      ] as const) {
        const added = await t.api('POST', `projects/${projectId}/members`, {
          body: { user_id: user.id, access_level: level },
        });
        assert.equal(added.status, 201);
      }
      const work = await cloneProject(t, projectPath, join(scratch.path, 'work'));
      sha = await pushFiles(work, {
        Containerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\n',
        '.gantry.yml': pipelineFile(`${group.toLowerCase()}/other`, tokenFile),
      });
      const created = await pipelineFor(t, projectId, sha);
      const { pipeline, jobs } = await waitForPipeline(t, projectId, created.id, undefined, 180_000);
      jobLog = await trace(t, projectId, jobNamed(jobs, 'build').id);
      assert.equal(pipeline.status, 'success', jobLog);
      digest = /^pushed-digest=(sha256:[0-9a-f]{64})$/m.exec(jobLog)?.[1] ?? assert.fail(jobLog);
    });
    after(async () => {
      if (t) await removeImages(t.dataDir, [`${registryHost}/${image}:${sha?.slice(0, 8)}`]);
      await t?.stop();
      await scratch?.cleanup();
    });

    test('the job got the registry variables, its own auth file, and pushed with its job token', () => {
      assert.match(jobLog, /Login Succeeded!/);
      assert.match(jobLog, /^auth-file=.*\/tmp\/auth\.json$/m);
      const token = readFileSync(tokenFile, 'utf8').trim();
      assert.match(token, /^gtj_/);
      assert.ok(!jobLog.includes(token), 'the job token is masked in the log');
    });

    test('the API lists the repository and the tag with the digest podman reported', async () => {
      const repositories = await t.api<RepositoryView[]>(
        'GET',
        `projects/${projectId}/registry/repositories`,
        {
          token: reporter.token,
        },
      );
      assert.equal(repositories.status, 200);
      assert.equal(repositories.headers.get('x-total'), '1');
      const [repository] = repositories.body;
      assert.deepEqual(
        { ...repository, id: undefined },
        {
          id: undefined,
          name: 'web',
          path: image,
          project_id: projectId,
          location: `${registryHost}/${image}`,
          tags_count: 1,
          created_at: (repository as unknown as { created_at: string }).created_at,
        },
      );
      const tags = await t.api<TagView[]>(
        'GET',
        `projects/${projectId}/registry/repositories/${repository!.id}/tags`,
        { token: reporter.token },
      );
      assert.equal(tags.status, 200);
      const tag = sha.slice(0, 8);
      assert.deepEqual(
        tags.body.map((row) => ({ ...row, pushed_at: undefined })),
        [
          {
            name: tag,
            path: `${image}:${tag}`,
            location: `${registryHost}/${image}:${tag}`,
            digest,
            pushed_at: undefined,
            environments: [],
          },
        ],
      );
    });

    test('a personal access token of a reporter pulls the image with podman', async () => {
      const reference = `${registryHost}/${image}:${sha.slice(0, 8)}`;
      // `--creds` as the reporter: podman stores nothing, the next pull asks again.
      await podman(t.dataDir, ['pull', '--quiet', '--creds', `reporter:${reporter.token}`, reference]);
      const { stdout } = await podman(t.dataDir, ['image', 'inspect', '--format', '{{.Digest}}', reference]);
      assert.equal(stdout.trim(), digest);
    });

    test('reporters may not push, developers may; no or bad credentials get the Basic challenge', async () => {
      const uploads = `/v2/${image}/blobs/uploads/`;
      const asReporter = await v2(t.url, uploads, {
        method: 'POST',
        auth: basic('reporter', reporter.token),
      });
      assert.equal(asReporter.status, 403);
      assert.equal(asReporter.body.errors?.[0]?.code, 'DENIED');
      const asDeveloper = await v2(t.url, uploads, { method: 'POST', auth: basic('dev', developer.token) });
      assert.equal(asDeveloper.status, 202);
      assert.match(asDeveloper.headers.get('location') ?? '', new RegExp(`^/v2/${image}/blobs/uploads/`));
      assert.ok(asDeveloper.headers.get('docker-upload-uuid'));
      const cancelled = await v2(t.url, asDeveloper.headers.get('location')!, {
        method: 'DELETE',
        auth: basic('dev', developer.token),
      });
      assert.equal(cancelled.status, 204);

      const tagsList = `/v2/${image}/tags/list`;
      const outsiderPull = await v2(t.url, tagsList, { auth: basic('outsider', outsider.token) });
      assert.equal(outsiderPull.status, 403);
      for (const auth of [
        undefined,
        basic('reporter', 'wrong-password'),
        basic('reporter', `${reporter.token}x`),
      ]) {
        const refused = await v2(t.url, tagsList, auth === undefined ? {} : { auth });
        assert.equal(refused.status, 401);
        assert.equal(
          refused.headers.get('www-authenticate'),
          'Basic realm="Gantry registry", charset="UTF-8"',
        );
        assert.equal(refused.body.errors?.[0]?.code, 'UNAUTHORIZED');
      }
      const login = await v2(t.url, '/v2/', { auth: basic('reporter', reporter.token) });
      assert.equal(login.status, 200);
      assert.equal(login.headers.get('docker-distribution-api-version'), 'registry/2.0');
      const catalog = await v2(t.url, '/v2/_catalog', { auth: basic('maintainer', maintainer.token) });
      assert.equal(catalog.status, 403);
      const adminCatalog = await v2(t.url, '/v2/_catalog', { auth: basic('admin', ADMIN_TOKEN) });
      assert.equal(adminCatalog.status, 200);
      assert.ok((adminCatalog.body.repositories as string[]).includes(image));
    });

    test('mounting a blob from a repository the client may not pull starts a plain upload instead', async () => {
      const manifest = await v2(t.url, `/v2/${image}/manifests/${digest}`, {
        auth: basic('reporter', reporter.token),
        headers: {
          accept:
            'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
        },
      });
      assert.equal(manifest.status, 200);
      const layer = (manifest.body.layers as Array<{ digest: string }>)[0]!.digest;
      const other = `${group.toLowerCase()}/other`;
      const stranger = await createUserWithToken(t, `stranger${unique()}`);
      const otherId = (await t.api<{ id: number }>('GET', `projects/${encodeURIComponent(`${group}/other`)}`))
        .body.id;
      await t.api('POST', `projects/${otherId}/members`, {
        body: { user_id: stranger.id, access_level: 30 },
      });
      const mount = `/v2/${other}/blobs/uploads/?mount=${layer}&from=${image}`;
      const refused = await v2(t.url, mount, { method: 'POST', auth: basic('stranger', stranger.token) });
      assert.equal(refused.status, 202, 'an upload started, nothing mounted');
      // Distribution also reads `mount` and `from` from a form body, which Gantry never checked.
      const formMount = await v2(t.url, `/v2/${other}/blobs/uploads/?mount=${layer}&from=${other}/x`, {
        method: 'POST',
        auth: basic('stranger', stranger.token),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `mount=${layer}&from=${image}`,
      });
      assert.equal(formMount.status, 202, 'a form body names no mount source');
      const mounted = await v2(t.url, mount, { method: 'POST', auth: basic('admin', ADMIN_TOKEN) });
      assert.equal(mounted.status, 201, 'who may pull the source mounts it');
    });

    test("a job token is refused for another project's repository, and once its job has finished", async () => {
      assert.match(jobLog, /^other-project=403$/m);
      const finishedToken = (await readFile(tokenFile, 'utf8')).trim();
      const refused = await v2(t.url, `/v2/${image}/tags/list`, {
        auth: basic('gitlab-ci-token', finishedToken),
      });
      assert.equal(refused.status, 401);
    });

    test('a tag lists the environments whose last successful deployment runs its digest', async () => {
      const db = t.server.store.db;
      const deploymentId = await recordDeployment(db, {
        projectId,
        environment: 'staging',
        userId: maintainer.id,
        status: 'success',
      });
      await db
        .updateTable('deployments')
        .set({
          snapshot: JSON.stringify({
            kind: 'podman',
            images: [{ container: 'web', image: `${registryHost}/${image}:${sha.slice(0, 8)}`, digest }],
          }),
        })
        .where('id', '=', deploymentId)
        .execute();
      const { environment_id: environmentId } = await db
        .selectFrom('deployments')
        .select('environment_id')
        .where('id', '=', deploymentId)
        .executeTakeFirstOrThrow();
      await db
        .updateTable('environments')
        .set({ last_success_deployment_id: deploymentId })
        .where('id', '=', environmentId)
        .execute();
      const [repository] = (
        await t.api<RepositoryView[]>('GET', `projects/${projectId}/registry/repositories`)
      ).body;
      const tags = await t.api<TagView[]>(
        'GET',
        `projects/${projectId}/registry/repositories/${repository!.id}/tags`,
      );
      assert.deepEqual(tags.body[0]?.environments, [
        { id: environmentId, name: 'staging', deployment_id: deploymentId },
      ]);
    });

    test('a project created later at the path of a pushed repository does not take it over', async () => {
      const nested = await t.api<{ id: number }>('POST', 'projects', {
        body: { path: `${projectPath}/web` },
      });
      assert.equal(nested.status, 201, 'an admin may create a project inside another');
      const pull = await v2(t.url, `/v2/${image}/manifests/${digest}`, {
        auth: basic('reporter', reporter.token),
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      assert.equal(pull.status, 200, "the image is still the first project's");
      const theirs = await t.api<RepositoryView[]>('GET', `projects/${nested.body.id}/registry/repositories`);
      assert.deepEqual(theirs.body, []);
      const ours = await t.api<RepositoryView[]>('GET', `projects/${projectId}/registry/repositories`);
      assert.deepEqual(
        ours.body.map((repository) => repository.path),
        [image],
      );
    });

    test('maintainers delete a tag, and the manifest is gone from the registry too', async () => {
      const [repository] = (
        await t.api<RepositoryView[]>('GET', `projects/${projectId}/registry/repositories`)
      ).body;
      const tagPath = `projects/${projectId}/registry/repositories/${repository!.id}/tags/${sha.slice(0, 8)}`;
      assert.equal((await t.api('DELETE', tagPath, { token: developer.token })).status, 403);
      assert.equal((await t.api('DELETE', tagPath, { token: maintainer.token })).status, 204);
      assert.equal((await t.api('DELETE', tagPath, { token: maintainer.token })).status, 404);
      const tags = await t.api<TagView[]>(
        'GET',
        `projects/${projectId}/registry/repositories/${repository!.id}/tags`,
      );
      assert.deepEqual(tags.body, []);
      const manifest = await v2(t.url, `/v2/${image}/manifests/${digest}`, {
        auth: basic('reporter', reporter.token),
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      assert.equal(manifest.status, 404);
    });
  });
}
