import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { deploymentEnds, environmentNamed } from '../deployments/deployment-helpers.ts';
import { pushAndDeploy } from '../podman/podman-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, trace } from '../support/pipeline-helpers.ts';
import { type RunningS3Server, s3ServerSuiteOptions, startS3Server } from '../support/s3-server.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The S3 target end to end against a real versitygw on loopback, Gantry talking to it with the AWS
// SDK: registration checks the bucket, a build job's files are published with content types and
// cache headers, an upgrade deletes a removed file, a rollback brings the first release's files
// back (from the versions kept under the prefix, and from bucket versioning), stop deletes them.

const run = randomBytes(3).toString('hex');

interface S3SnapshotView {
  kind: string;
  bucket: string;
  prefix: string;
  files: { key: string; etag: string; contentType: string; cacheControl: string | null }[];
}

/** A build job writing `files` (path → content) under public/, and an S3 deploy of public/. */
function pipeline(files: Record<string, string>): string {
  const writes = Object.entries(files).flatMap(([path, content]) => [
    `    - mkdir -p "$(dirname public/${path})"`,
    `    - printf '%s' ${JSON.stringify(content)} > public/${path}`,
  ]);
  return `build:
  stage: build
  script:
${writes.join('\n')}
  artifacts: { paths: [public/] }
deploy-production:
  stage: deploy
  environment: { name: production }
  deploy:
    files: public
    cache_control: { "*.html": no-cache, "**": "public, max-age=3600" }
    delete_removed: true
`;
}

describe('S3 target', s3ServerSuiteOptions(), () => {
  let s3: RunningS3Server;
  before(async () => {
    s3 = await startS3Server();
  });
  after(async () => {
    await s3?.stop();
  });

  const keys = async (bucket: string, prefix: string) =>
    ((await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? [])
      .map((object) => object.Key!.slice(prefix.length))
      .filter((key) => !key.startsWith('.gantry/'))
      .sort();
  const text = async (bucket: string, key: string) =>
    (await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();

  for (const dialect of DIALECTS) {
    for (const versioning of ['prefix', 'bucket'] as const) {
      describe(`on ${dialect}, versions kept by ${versioning}`, dialectSuiteOptions(dialect), () => {
        let t: TestServer;
        let work: { path: string; cleanup(): Promise<void> };
        before(async () => {
          t = await startTestServer(dialect);
          work = await scratchDir();
        });
        after(async () => {
          await t?.stop();
          await work?.cleanup();
        });

        test('register, deploy, upgrade with a removed file, rollback, stop', async () => {
          const bucket = `gantry-${run}-${dialect}-${versioning}`;
          const prefix = 'site/';
          await s3.createBucket(bucket, { versioning: versioning === 'bucket' });
          const path = `s3-${run}/${dialect}-${versioning}`;
          const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
          const projectId = created.body.id;
          const settings = {
            bucket,
            prefix,
            endpoint: s3.endpoint,
            versioning,
            access_key_id: s3.accessKeyId,
            secret_access_key: s3.secretAccessKey,
          };

          // A wrong secret is refused at registration, saying so; nothing is stored.
          const refused = await t.api<{ error: { message: string } }>(
            'POST',
            `projects/${projectId}/targets`,
            {
              body: { name: 'site', kind: 's3', s3: { ...settings, secret_access_key: 'wrong-secret' } },
            },
          );
          assert.equal(refused.status, 400, JSON.stringify(refused.body));
          assert.match(refused.body.error.message, new RegExp(`bucket '${bucket}'`));
          const target = await t.api<{ s3: Record<string, unknown> }>(
            'POST',
            `projects/${projectId}/targets`,
            {
              body: { name: 'site', kind: 's3', s3: settings },
            },
          );
          assert.equal(target.status, 201, JSON.stringify(target.body));
          assert.equal(target.body.s3.secret_set, true);
          assert.doesNotMatch(JSON.stringify(target.body), new RegExp(s3.secretAccessKey));

          const clone = await cloneProject(t, path, join(work.path, 'clone'));
          const project = { id: projectId, clone };
          const deploy = async (files: Record<string, string>) =>
            (await pushAndDeploy(t, project, { '.gantry.yml': pipeline(files) })).deployments.production!;

          // 1. Deploy: files with their content types and cache headers.
          const first = await deploy({
            'index.html': '<h1>v1</h1>',
            'css/site.css': 'body {}',
            'old.txt': 'old',
          });
          assert.equal(first.status, 'success', await trace(t, projectId, first.deployable!.id));
          assert.deepEqual(await keys(bucket, prefix), ['css/site.css', 'index.html', 'old.txt']);
          const html = await s3.client.send(
            new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}index.html` }),
          );
          assert.match(html.ContentType ?? '', /^text\/html/);
          assert.equal(html.CacheControl, 'no-cache');
          const css = await s3.client.send(
            new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}css/site.css` }),
          );
          assert.match(css.ContentType ?? '', /^text\/css/);
          assert.equal(css.CacheControl, 'public, max-age=3600');
          const snapshot = first.snapshot as unknown as S3SnapshotView;
          assert.equal(snapshot.kind, 's3');
          assert.deepEqual(
            snapshot.files.map((file) => file.key),
            ['css/site.css', 'index.html', 'old.txt'].map((key) => `${prefix}${key}`),
          );

          // 2. Upgrade: a changed file, a removed one deleted.
          const second = await deploy({ 'index.html': '<h1>v2</h1>', 'css/site.css': 'body {}' });
          assert.equal(second.status, 'success', await trace(t, projectId, second.deployable!.id));
          assert.deepEqual(await keys(bucket, prefix), ['css/site.css', 'index.html']);
          assert.equal(await text(bucket, `${prefix}index.html`), '<h1>v2</h1>');

          // 3. Rollback: the first deployment's files, the removed one included, are live again.
          const rollback = await t.api<{ id: number }>(
            'POST',
            `projects/${projectId}/deployments/${first.id}/rollback`,
          );
          assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
          const rolledBack = await deploymentEnds(t, projectId, rollback.body.id);
          assert.equal(rolledBack.status, 'success', JSON.stringify(rolledBack));
          assert.deepEqual(await keys(bucket, prefix), ['css/site.css', 'index.html', 'old.txt']);
          assert.equal(await text(bucket, `${prefix}index.html`), '<h1>v1</h1>');

          // 4. Stop: the live files are deleted.
          const production = await environmentNamed(t, projectId, 'production');
          const stop = await t.api('POST', `projects/${projectId}/environments/${production.id}/stop`);
          assert.equal(stop.status, 200, JSON.stringify(stop.body));
          await eventually(
            async () => ((await keys(bucket, prefix)).length === 0 ? true : undefined),
            async () => `still live after stop: ${(await keys(bucket, prefix)).join(', ')}`,
          );
        });
      });
    }
  }
});
