import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLocation, isSiteKey, liveKey, stagingKey, versionKey } from './s3-location.ts';

test('a prefix is empty or relative and ends in a slash', () => {
  checkLocation({ bucket: 'b', prefix: '' });
  checkLocation({ bucket: 'b', prefix: 'site/' });
  checkLocation({ bucket: 'b', prefix: 'a/b/' });
  for (const prefix of ['site', '/site/', 'a//b/', '../x/', 'a/./']) {
    assert.throws(() => checkLocation({ bucket: 'b', prefix }), /expected an S3 key prefix/, prefix);
  }
  assert.throws(() => checkLocation({ bucket: '', prefix: '' }), /expected an S3 bucket name/);
});

test('live, version and staging keys sit under the prefix', () => {
  const location = { bucket: 'b', prefix: 'site/' };
  assert.equal(liveKey(location, 'css/a.css'), 'site/css/a.css');
  assert.equal(versionKey(location, 7, 'css/a.css'), 'site/.gantry/versions/7/css/a.css');
  assert.equal(stagingKey(location, 7, 'css/a.css'), 'site/.gantry/staging/7/css/a.css');
  assert.equal(isSiteKey(location, 'site/css/a.css'), true);
  assert.equal(isSiteKey(location, 'site/.gantry/versions/7/css/a.css'), false);
  assert.equal(isSiteKey(location, 'other/a.css'), false);
  assert.equal(isSiteKey({ bucket: 'b', prefix: '' }, '.gantry/staging/1/x'), false);
});
