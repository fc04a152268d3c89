import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './password-hash.ts';

test('verifies the right password and rejects a wrong one', async () => {
  const stored = await hashPassword('correct horse battery staple');
  assert.match(stored, /^scrypt\$32768\$8\$3\$/);
  assert.ok(!stored.includes('correct horse'));
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
});

test('salts: the same password hashes differently', async () => {
  assert.notEqual(await hashPassword('pw'), await hashPassword('pw'));
});

test('hashes made with other parameters still verify (parameters are stored with the hash)', async () => {
  const legacy =
    'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$' +
    (await import('node:crypto'))
      .scryptSync('pw', Buffer.from('saltsaltsaltsalt'), 32, { N: 16384, r: 8, p: 1 })
      .toString('base64');
  assert.equal(await verifyPassword('pw', legacy), true);
  assert.equal(await verifyPassword('other', legacy), false);
});

test('a malformed stored hash never verifies', async () => {
  assert.equal(await verifyPassword('pw', 'plain-text'), false);
  assert.equal(await verifyPassword('pw', ''), false);
});
