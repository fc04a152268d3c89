import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import { s3Error } from './s3-errors.ts';

const location = { bucket: 'site', prefix: '' };

function serviceError(name: string, status: number, message = ''): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

test('rejected credentials blame the target settings', () => {
  const error = s3Error(serviceError('InvalidAccessKeyId', 403, 'x'), 'list the live files', location);
  assert.ok(error instanceof GantryError);
  assert.equal(error.code, 'validation_failed');
  assert.equal(
    error.message,
    "cannot list the live files in bucket 'site': the access key ID is unknown to the server (InvalidAccessKeyId)",
  );
  assert.match(
    s3Error(serviceError('SignatureDoesNotMatch', 403), 'x', location).message,
    /secret access key/,
  );
});

test('a missing bucket says so', () => {
  const error = s3Error(serviceError('NoSuchBucket', 404), 'upload index.html', location);
  assert.equal((error as GantryError).code, 'validation_failed');
  assert.match(error.message, /cannot upload index\.html in bucket 'site': the bucket does not exist/);
});

test('an unreachable endpoint is unavailable, found along the cause chain', () => {
  const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
  const error = s3Error(new Error('fetch failed', { cause: socket }), 'list the live files', location);
  assert.equal((error as GantryError).code, 'unavailable');
  assert.match(error.message, /the S3 endpoint is unreachable \(connection refused\)/);
});

test('other service errors keep their message, name and status', () => {
  const error = s3Error(serviceError('SlowDown', 503, 'please reduce your request rate'), 'copy a', location);
  assert.equal((error as GantryError).code, 'unavailable');
  assert.equal(
    error.message,
    "cannot copy a in bucket 'site': please reduce your request rate (SlowDown, HTTP 503)",
  );
  assert.equal(
    (s3Error(serviceError('InvalidArgument', 400, 'bad'), 'x', location) as GantryError).code,
    'bad_request',
  );
});

test('aborts and Gantry errors pass through', () => {
  const reason = new Error('cancelled');
  const abort = Object.assign(new Error('Request aborted', { cause: reason }), { name: 'AbortError' });
  assert.equal(s3Error(abort, 'x', location), reason);
  const bare = Object.assign(new Error('aborted'), { name: 'AbortError' });
  assert.equal(s3Error(bare, 'x', location), bare);
  const own = new GantryError('bad_request', 'mine');
  assert.equal(s3Error(own, 'x', location), own);
});
