import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shortDigest } from './digest.ts';

test('a digest keeps its algorithm and 12 hex digits', () => {
  assert.equal(shortDigest(`sha256:${'0123456789abcdef'.repeat(4)}`), 'sha256:0123456789ab');
  assert.equal(shortDigest(`sha512:${'f'.repeat(128)}`), `sha512:${'f'.repeat(12)}`);
});

test('a digest without an algorithm, or a short one, is cut or kept as it is', () => {
  assert.equal(shortDigest('0123456789abcdef'), '0123456789ab');
  assert.equal(shortDigest('sha256:abc'), 'sha256:abc');
});
