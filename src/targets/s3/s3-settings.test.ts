import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GantryError } from '../../domain/errors.ts';
import { mergeS3Settings, parseS3Config } from './s3-settings.ts';

const base = { bucket: 'site-bucket', access_key_id: 'AKIA1', secret_access_key: 's3cr3t' };

const refused = (input: object, path: string, message: RegExp) =>
  assert.throws(
    () => mergeS3Settings({ ...base, ...input }, null),
    (error: GantryError) => error.details?.[0]?.path === path && message.test(error.message),
  );

test('defaults: AWS region, versions kept under the prefix; an endpoint means path-style', () => {
  const aws = mergeS3Settings(base, null);
  assert.deepEqual(aws.config, {
    bucket: 'site-bucket',
    prefix: '',
    region: 'us-east-1',
    endpoint: null,
    force_path_style: false,
    versioning: 'prefix',
    access_key_id: 'AKIA1',
    secret_set: true,
  });
  assert.deepEqual(aws.credentials, { secret_access_key: 's3cr3t' });
  const local = mergeS3Settings(
    { ...base, endpoint: 'http://127.0.0.1:7070/', prefix: 'sites/$CI_ENVIRONMENT_SLUG/' },
    null,
  );
  assert.equal(local.config.endpoint, 'http://127.0.0.1:7070');
  assert.equal(local.config.force_path_style, true);
  assert.equal(local.config.prefix, 'sites/$CI_ENVIRONMENT_SLUG/');
  assert.deepEqual(parseS3Config(JSON.stringify(local.config)), local.config);
});

test('an update keeps the stored secret unless a new one is given', () => {
  const stored = mergeS3Settings(base, null);
  assert.equal(mergeS3Settings({ prefix: 'v2/' }, stored).credentials.secret_access_key, 's3cr3t');
  assert.equal(mergeS3Settings({ secret_access_key: 'new' }, stored).credentials.secret_access_key, 'new');
});

test('every bad field is named', () => {
  refused({ bucket: 'No_Such' }, '/s3/bucket', /bucket name/);
  refused({ prefix: 'site' }, '/s3/prefix', /ending in \//);
  refused({ prefix: 'a/../b/' }, '/s3/prefix', /folder/);
  refused({ endpoint: 'ftp://x' }, '/s3/endpoint', /http\(s\) URL/);
  refused({ endpoint: 'http://user:pw@127.0.0.1:7070' }, '/s3/endpoint', /http\(s\) URL/);
  refused({ versioning: 'sometimes' }, '/s3/versioning', /prefix .* or bucket/);
  refused({ secret_access_key: null }, '/s3/secret_access_key', /needed/);
});
