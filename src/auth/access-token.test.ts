import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateToken, hashToken, TOKEN_PREFIX, tokenDisplayPrefix } from './access-token.ts';

test('tokens are prefixed, unique and hash to a stable hex digest', () => {
  const a = generateToken(TOKEN_PREFIX.personal);
  const b = generateToken(TOKEN_PREFIX.personal);
  assert.match(a, /^gty_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.equal(hashToken(a), hashToken(a));
  assert.match(hashToken(a), /^[0-9a-f]{64}$/);
  assert.notEqual(hashToken(a), hashToken(b));
  assert.equal(tokenDisplayPrefix(a), a.slice(0, 8));
});
