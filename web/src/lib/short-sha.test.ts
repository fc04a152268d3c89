import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shortSha } from './short-sha.ts';

test('a commit id is shown by its first 8 digits', () => {
  assert.equal(shortSha('0123456789abcdef0123456789abcdef01234567'), '01234567');
  assert.equal(shortSha('abc'), 'abc');
});
