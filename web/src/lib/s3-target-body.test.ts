import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_S3_TARGET_FORM, s3Settings, s3TargetForm } from './s3-target-body.ts';

test('an AWS bucket sends no endpoint and virtual-host addressing; blank region and keys are left out', () => {
  assert.deepEqual(s3Settings({ ...EMPTY_S3_TARGET_FORM, bucket: ' site ' }), {
    bucket: 'site',
    prefix: '',
    endpoint: null,
    force_path_style: false,
    versioning: 'prefix',
  });
});

test('an S3-compatible server gets path-style addressing unless unticked', () => {
  const form = { ...EMPTY_S3_TARGET_FORM, bucket: 'b', endpoint: 'http://127.0.0.1:7070' };
  assert.equal(s3Settings(form).force_path_style, true);
  assert.equal(s3Settings({ ...form, forcePathStyle: false }).force_path_style, false);
});

test('an S3-compatible server sends its endpoint and keys', () => {
  assert.deepEqual(
    s3Settings({
      bucket: 'b',
      prefix: 'site/',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:7070',
      forcePathStyle: true,
      versioning: 'bucket',
      accessKeyId: 'AKIA',
      secretAccessKey: ' sekret ',
    }),
    {
      bucket: 'b',
      prefix: 'site/',
      force_path_style: true,
      versioning: 'bucket',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:7070',
      access_key_id: 'AKIA',
      secret_access_key: 'sekret',
    },
  );
});

test('a stored bucket edits with its access key id shown and the secret blank (kept)', () => {
  const form = s3TargetForm({
    bucket: 'b',
    prefix: '',
    region: 'us-east-1',
    endpoint: null,
    force_path_style: false,
    versioning: 'prefix',
    access_key_id: 'AKIA',
    secret_set: true,
  });
  assert.deepEqual([form.endpoint, form.accessKeyId, form.secretAccessKey], ['', 'AKIA', '']);
  assert.equal('secret_access_key' in s3Settings(form), false);
  // An endpoint typed in later starts path-style, as S3-compatible servers want.
  assert.equal(s3Settings({ ...form, endpoint: 'http://127.0.0.1:7070' }).force_path_style, true);
});
