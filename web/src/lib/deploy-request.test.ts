import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployRequest } from './deploy-request.ts';

test('a ref, a full commit id or a pipeline id becomes the one field the API takes', () => {
  assert.deepEqual(deployRequest('ref', ' main ', false), { ref: 'main' });
  assert.deepEqual(deployRequest('sha', 'ABCDEF0123456789abcdef0123456789ABCDEF01', false), {
    sha: 'abcdef0123456789abcdef0123456789abcdef01',
  });
  assert.deepEqual(deployRequest('pipeline', '42', false), { pipeline_id: 42 });
  assert.deepEqual(deployRequest('pipeline', '#7', false), { pipeline_id: 7 });
});

test('"always deploy" is sent only when checked', () => {
  assert.deepEqual(deployRequest('ref', 'main', true), { ref: 'main', always: true });
  assert.deepEqual(deployRequest('pipeline', '3', true), { pipeline_id: 3, always: true });
});

test('empty or malformed fields say what they must hold', () => {
  assert.throws(() => deployRequest('ref', '  ', false), /branch or tag/);
  assert.throws(() => deployRequest('sha', 'abc123', false), /40 hexadecimal digits/);
  assert.throws(() => deployRequest('pipeline', '', false), /Choose a pipeline/);
  assert.throws(() => deployRequest('pipeline', '1.5', false), /Choose a pipeline/);
  assert.throws(() => deployRequest('pipeline', '0', false), /Choose a pipeline/);
});
