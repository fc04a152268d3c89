import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GantryError } from '../../src/domain/errors.ts';
import { restoreFiles } from '../../src/targets/s3/restore-files.ts';
import type { S3Location } from '../../src/targets/s3/s3-location.ts';
import { type SyncOptions, syncDirectory } from '../../src/targets/s3/sync-directory.ts';
import { type RunningS3Server, s3ServerSuiteOptions, startS3Server } from '../support/s3-server.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-s3-sync-'));
after(() => rmSync(work, { recursive: true, force: true }));
let sites = 0;

/** A directory holding these files (path → content). */
function site(files: Record<string, string | Buffer>): string {
  const dir = join(work, `site-${++sites}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const md5 = (content: string | Buffer) => createHash('md5').update(content).digest('hex');
const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);
const V1 = {
  'index.html': '<h1>v1</h1>',
  'css/site.css': 'body { color: black }',
  'img/logo.png': logo,
  'old.txt': 'removed in v2',
  'notes.thing': 'custom type',
};
const V2 = {
  'index.html': '<h1>v2</h1>',
  'css/site.css': 'body { color: black }',
  'img/logo.png': logo,
  'notes.thing': 'custom type',
  'new.txt': 'added in v2',
};
const cacheControl = [
  { pattern: '*.html', value: 'no-cache' },
  { pattern: 'css/**', value: 'public, max-age=31536000, immutable' },
];

describe('syncing a directory to a real S3 server (versitygw)', s3ServerSuiteOptions(), () => {
  let s3: RunningS3Server;
  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3?.stop());

  function options(deploymentId: number, extra: Partial<SyncOptions> = {}) {
    const lines: string[] = [];
    const all: SyncOptions = {
      deploymentId,
      deleteRemoved: true,
      cacheControl,
      contentTypes: { thing: 'text/x-thing' },
      versioning: 'prefix',
      signal: new AbortController().signal,
      log: (line) => lines.push(line),
      ...extra,
    };
    return { options: all, lines };
  }

  async function text(bucket: string, key: string): Promise<string> {
    const object = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString()) ?? '';
  }

  async function keys(bucket: string, prefix = ''): Promise<string[]> {
    const listing = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (listing.Contents ?? []).map((object) => object.Key ?? '').sort();
  }

  describe('with versions kept under the prefix', () => {
    const location: S3Location = { bucket: 'prefixed', prefix: 'www/' };
    let v1: Awaited<ReturnType<typeof syncDirectory>>;

    before(async () => {
      await s3.createBucket('prefixed');
      // Beside the site, never touched by it.
      await s3.client.send(new PutObjectCommand({ Bucket: 'prefixed', Key: 'other/keep.txt', Body: 'mine' }));
    });

    test('deploys v1 with content types, cache headers and MD5 ETags', async () => {
      v1 = await syncDirectory(s3.client, location, site(V1), options(1).options);
      assert.equal(v1.uploaded, 5);
      assert.equal(v1.unchanged, 0);
      assert.deepEqual(v1.deleted, []);
      const index = v1.files.find((file) => file.key === 'www/index.html');
      assert.deepEqual(index, {
        key: 'www/index.html',
        size: 11,
        etag: md5(V1['index.html']),
        contentType: 'text/html; charset=utf-8',
        cacheControl: 'no-cache',
        versionId: null,
        versionKey: 'www/.gantry/versions/1/index.html',
      });
      assert.deepEqual(
        v1.files.map((file) => [file.key, file.contentType, file.cacheControl, file.etag]),
        [
          [
            'www/css/site.css',
            'text/css; charset=utf-8',
            'public, max-age=31536000, immutable',
            md5(V1['css/site.css']),
          ],
          ['www/img/logo.png', 'image/png', null, md5(logo)],
          ['www/index.html', 'text/html; charset=utf-8', 'no-cache', md5(V1['index.html'])],
          ['www/notes.thing', 'text/x-thing', null, md5(V1['notes.thing'])],
          ['www/old.txt', 'text/plain; charset=utf-8', null, md5(V1['old.txt'])],
        ],
      );
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'prefixed', Key: 'www/index.html' }));
      assert.equal(head.ContentType, 'text/html; charset=utf-8');
      assert.equal(head.CacheControl, 'no-cache');
      assert.equal(head.ContentEncoding, undefined);
      assert.equal(head.ETag, `"${md5(V1['index.html'])}"`);
      assert.equal(await text('prefixed', 'www/index.html'), '<h1>v1</h1>');
      assert.equal(await text('prefixed', 'www/.gantry/versions/1/index.html'), '<h1>v1</h1>');
    });

    test('upgrades to v2: only changed files upload, the removed one is deleted', async () => {
      const { options: v2Options, lines } = options(2);
      const v2 = await syncDirectory(s3.client, location, site(V2), v2Options);
      assert.equal(v2.uploaded, 2);
      assert.equal(v2.unchanged, 3);
      assert.deepEqual(v2.deleted, ['www/old.txt']);
      assert.deepEqual(lines.filter((line) => line.startsWith('s3: upload')).sort(), [
        's3: upload index.html (11 bytes, text/html; charset=utf-8)',
        's3: upload new.txt (11 bytes, text/plain; charset=utf-8)',
      ]);
      assert.deepEqual(await keys('prefixed', 'www/css'), ['www/css/site.css']);
      assert.deepEqual(
        (await keys('prefixed')).filter((key) => !key.includes('.gantry/')),
        [
          'other/keep.txt',
          'www/css/site.css',
          'www/img/logo.png',
          'www/index.html',
          'www/new.txt',
          'www/notes.thing',
        ],
      );
      assert.equal(await text('prefixed', 'www/index.html'), '<h1>v2</h1>');
      // Unchanged files are kept for v2 too (copied server-side), so v2 can be restored on its own.
      assert.equal(
        v2.files.find((file) => file.key === 'www/css/site.css')?.versionKey,
        'www/.gantry/versions/2/css/site.css',
      );
      assert.equal(await text('prefixed', 'www/.gantry/versions/2/css/site.css'), V2['css/site.css']);
      assert.equal(await text('prefixed', 'other/keep.txt'), 'mine');
    });

    test('keeps a removed file when delete of removed files is off', async () => {
      const { 'new.txt': _dropped, ...v3Files } = V2;
      const { options: v3Options, lines } = options(3, { deleteRemoved: false });
      const v3 = await syncDirectory(s3.client, location, site(v3Files), v3Options);
      assert.deepEqual(v3.deleted, []);
      assert.equal(v3.uploaded, 0);
      assert.equal(v3.unchanged, 4);
      assert.equal(
        v3.files.some((file) => file.key === 'www/new.txt'),
        false,
      );
      assert.equal(await text('prefixed', 'www/new.txt'), 'added in v2');
      assert.ok(lines.some((line) => line.includes('keeping 1 live files')));
    });

    test('a changed cache rule rewrites the headers without uploading', async () => {
      const rules = [{ pattern: '*.html', value: 'max-age=60' }, ...cacheControl];
      const { options: v4Options, lines } = options(4, { cacheControl: rules, deleteRemoved: false });
      const v4 = await syncDirectory(s3.client, location, site(V2), v4Options);
      assert.equal(v4.uploaded, 1);
      assert.equal(v4.unchanged, 4);
      assert.equal(lines.filter((line) => line.startsWith('s3: upload')).length, 0);
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'prefixed', Key: 'www/index.html' }));
      assert.equal(head.CacheControl, 'max-age=60');
      assert.equal(head.ContentType, 'text/html; charset=utf-8');
    });

    test("rolls back to v1's files from the versions folder", async () => {
      const lines: string[] = [];
      const restored = await restoreFiles(s3.client, location, v1.files, {
        deleteOthers: true,
        signal: new AbortController().signal,
        log: (line) => lines.push(line),
      });
      assert.equal(restored.uploaded, 2); // index.html (content and headers) and old.txt
      assert.equal(restored.unchanged, 3);
      assert.deepEqual(restored.deleted, ['www/new.txt']);
      assert.deepEqual(restored.files, v1.files);
      assert.equal(await text('prefixed', 'www/index.html'), '<h1>v1</h1>');
      assert.equal(await text('prefixed', 'www/old.txt'), 'removed in v2');
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'prefixed', Key: 'www/index.html' }));
      assert.equal(head.CacheControl, 'no-cache');
      assert.equal(await text('prefixed', 'other/keep.txt'), 'mine');
    });

    test('a rollback whose kept copies are gone fails before touching the live site', async () => {
      const missing = v1.files.map((file) => ({
        ...file,
        etag: md5('other'),
        versionKey: `www/.gantry/versions/99/${file.key.slice(4)}`,
      }));
      await assert.rejects(
        restoreFiles(s3.client, location, missing, {
          deleteOthers: true,
          signal: new AbortController().signal,
          log: () => {},
        }),
        (error: unknown) =>
          error instanceof GantryError &&
          error.code === 'conflict' &&
          /versions\/99\/.* but it is gone/.test(error.message),
      );
      assert.equal(await text('prefixed', 'www/index.html'), '<h1>v1</h1>');
    });
  });

  describe('with bucket versioning', () => {
    const location: S3Location = { bucket: 'versioned', prefix: '' };

    before(() => s3.createBucket('versioned', { versioning: true }));

    test('deploys, upgrades and rolls back by VersionId, leaving no staging copies', async () => {
      const v1 = await syncDirectory(
        s3.client,
        location,
        site(V1),
        options(1, { versioning: 'bucket' }).options,
      );
      assert.equal(v1.uploaded, 5);
      for (const file of v1.files) {
        assert.equal(file.versionKey, null);
        assert.ok(file.versionId, `${file.key} has a VersionId`);
      }
      const v2 = await syncDirectory(
        s3.client,
        location,
        site(V2),
        options(2, { versioning: 'bucket' }).options,
      );
      assert.equal(v2.uploaded, 2);
      assert.deepEqual(v2.deleted, ['old.txt']);
      assert.equal(
        v2.files.find((file) => file.key === 'css/site.css')?.versionId,
        v1.files.find((file) => file.key === 'css/site.css')?.versionId,
      );
      assert.equal(await text('versioned', 'index.html'), '<h1>v2</h1>');
      assert.deepEqual(await keys('versioned', '.gantry/'), []);

      const restored = await restoreFiles(s3.client, location, v1.files, {
        deleteOthers: true,
        signal: new AbortController().signal,
        log: () => {},
      });
      assert.equal(restored.uploaded, 2);
      assert.deepEqual(restored.deleted, ['new.txt']);
      assert.equal(await text('versioned', 'index.html'), '<h1>v1</h1>');
      assert.equal(await text('versioned', 'old.txt'), 'removed in v2');
      const index = restored.files.find((file) => file.key === 'index.html');
      assert.ok(
        index?.versionId && index.versionId !== v1.files.find((file) => file.key === 'index.html')?.versionId,
      );
      assert.equal(index.etag, md5(V1['index.html']));
    });

    test('refuses bucket versioning on a bucket without it', async () => {
      await s3.createBucket('unversioned');
      await assert.rejects(
        syncDirectory(
          s3.client,
          { bucket: 'unversioned', prefix: '' },
          site(V1),
          options(1, { versioning: 'bucket' }).options,
        ),
        /expected bucket versioning to be enabled on bucket 'unversioned'/,
      );
      assert.deepEqual(await keys('unversioned'), []);
    });
  });

  test('an upload aborted mid-way leaves the previous deployment live', async () => {
    await s3.createBucket('aborted');
    for (const versioning of ['prefix', 'bucket'] as const) {
      const location: S3Location = { bucket: 'aborted', prefix: `${versioning}/` };
      if (versioning === 'bucket') await s3.createBucket('aborted-versioned', { versioning: true });
      const where = versioning === 'bucket' ? { ...location, bucket: 'aborted-versioned' } : location;
      const v1 = await syncDirectory(s3.client, where, site(V1), options(1, { versioning }).options);
      const many: Record<string, string | Buffer> = { ...V2 };
      for (let n = 0; n < 40; n += 1) many[`pages/${n}.html`] = `page ${n}`;
      const controller = new AbortController();
      const { options: v2Options } = options(2, { versioning, signal: controller.signal });
      v2Options.log = (line) => {
        if (line.startsWith('s3: upload')) controller.abort(new Error('deployment cancelled'));
      };
      await assert.rejects(syncDirectory(s3.client, where, site(many), v2Options), /deployment cancelled/);
      assert.equal(await text(where.bucket, `${where.prefix}index.html`), '<h1>v1</h1>');
      const live = (await keys(where.bucket, where.prefix)).filter((key) => !key.includes('.gantry/'));
      assert.deepEqual(
        live,
        v1.files.map((file) => file.key),
        versioning,
      );
    }
  });

  test('wrong credentials and a missing bucket give clear errors', async () => {
    const client = (accessKeyId: string, secretAccessKey: string) =>
      new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId, secretAccessKey },
      });
    const wrongSecret = client(s3.accessKeyId, 'not-the-secret');
    const unknownKey = client('nobody', s3.secretAccessKey);
    try {
      const location = { bucket: 'prefixed', prefix: '' };
      await assert.rejects(
        syncDirectory(wrongSecret, location, site(V1), options(1).options),
        (error: unknown) =>
          error instanceof GantryError &&
          error.code === 'validation_failed' &&
          /cannot list the live files in bucket 'prefixed': the secret access key does not match/.test(
            error.message,
          ),
      );
      await assert.rejects(
        syncDirectory(unknownKey, location, site(V1), options(1).options),
        /the access key ID is unknown to the server/,
      );
      await assert.rejects(
        syncDirectory(s3.client, { bucket: 'no-such-bucket', prefix: '' }, site(V1), options(1).options),
        /cannot list the live files in bucket 'no-such-bucket': the bucket does not exist \(NoSuchBucket\)/,
      );
    } finally {
      wrongSecret.destroy();
      unknownKey.destroy();
    }
  });
});
