import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { keyIdOf, SecretBox } from './secret-box.ts';

const key = randomBytes(32);

test('round-trips a secret and never stores the plaintext', () => {
  const box = new SecretBox(key);
  const sealed = box.encrypt('hunter2-password', 'project:1:mirror_password');
  assert.match(sealed, new RegExp(`^v1:${keyIdOf(key)}:`));
  assert.ok(!sealed.includes('hunter2'));
  assert.equal(box.decrypt(sealed, 'project:1:mirror_password'), 'hunter2-password');
});

test('the same plaintext encrypts differently each time (random IV)', () => {
  const box = new SecretBox(key);
  assert.notEqual(box.encrypt('x', 'c'), box.encrypt('x', 'c'));
});

test('a ciphertext moved to another context fails', () => {
  const box = new SecretBox(key);
  const sealed = box.encrypt('value', 'project:1:mirror_password');
  assert.throws(() => box.decrypt(sealed, 'project:2:mirror_password'), /failed authentication/);
});

test('tampered data fails', () => {
  const box = new SecretBox(key);
  const sealed = box.encrypt('value', 'c');
  const raw = Buffer.from(sealed.split(':')[2]!, 'base64');
  raw[raw.length - 1]! ^= 1;
  const tampered = `v1:${keyIdOf(key)}:${raw.toString('base64')}`;
  assert.throws(() => box.decrypt(tampered, 'c'), /failed authentication/);
});

test('rotation: a new primary key still decrypts secrets sealed with an older key', () => {
  const old = new SecretBox(key);
  const sealed = old.encrypt('value', 'c');
  const next = randomBytes(32);
  const rotated = new SecretBox(next, [key]);
  assert.equal(rotated.decrypt(sealed, 'c'), 'value');
  assert.match(rotated.encrypt('value', 'c'), new RegExp(`^v1:${keyIdOf(next)}:`));
  assert.throws(() => new SecretBox(next).decrypt(sealed, 'c'), /unknown key/);
});

test('rejects keys of the wrong size', () => {
  assert.throws(() => new SecretBox(randomBytes(16)), /32 bytes/);
});

test('digests are keyed, bound to their context, and stable for one key', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  assert.equal(box.digest('v', 'ctx'), new SecretBox(key).digest('v', 'ctx'));
  assert.notEqual(box.digest('v', 'ctx'), box.digest('v', 'other'));
  assert.notEqual(box.digest('v', 'ctx'), new SecretBox(randomBytes(32)).digest('v', 'ctx'));
  assert.match(box.digest('v', 'ctx'), /^[0-9a-f]{64}$/);
});
