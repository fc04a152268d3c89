import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './password-hash.ts';

test('verifies the right password and rejects a wrong one', async () => {
  const stored = await hashPassword('correct horse battery staple');
  assert.match(stored, /^scrypt\$131072\$8\$1\$/);
  assert.ok(!stored.includes('correct horse'));
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
});

test('salts: the same password hashes differently', async () => {
  assert.notEqual(await hashPassword('pw'), await hashPassword('pw'));
});

test('a malformed stored hash never verifies', async () => {
  assert.equal(await verifyPassword('pw', 'plain-text'), false);
  assert.equal(await verifyPassword('pw', ''), false);
});
