import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SecretBox } from '../secrets/secret-box.ts';
import { DEPLOYER_USERNAME, PullCredentials } from './pull-credentials.ts';

const box = new SecretBox(Buffer.alloc(32, 7));

test('a minted credential pulls for its project until it expires', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const credentials = new PullCredentials(box, () => now);
  const minted = credentials.mint(42, 600);
  assert.equal(minted.username, DEPLOYER_USERNAME);
  assert.deepEqual(credentials.verify(minted.username, minted.password), { projectId: 42 });
  now += 599_000;
  assert.deepEqual(credentials.verify(minted.username, minted.password), { projectId: 42 });
  now += 1_000;
  assert.equal(credentials.verify(minted.username, minted.password), null);
});

test('a changed project, expiry or signature, another key or another username is refused', () => {
  const credentials = new PullCredentials(box);
  const { username, password } = credentials.mint(42, 600);
  const [, project, expires, signature] = password.split('_');
  assert.equal(credentials.verify(username, `gdp_43_${expires}_${signature}`), null);
  assert.equal(credentials.verify(username, `gdp_${project}_${Number(expires) + 1}_${signature}`), null);
  assert.equal(credentials.verify(username, `gdp_${project}_${expires}_${'0'.repeat(64)}`), null);
  assert.equal(credentials.verify('someone', password), null);
  assert.equal(new PullCredentials(new SecretBox(Buffer.alloc(32, 8))).verify(username, password), null);
  assert.equal(credentials.verify(username, 'glpat-something'), null);
});

test('lifetimes outside 1 s to 24 h are refused', () => {
  const credentials = new PullCredentials(box);
  assert.throws(() => credentials.mint(1, 0), /1 to 86400 seconds/);
  assert.throws(() => credentials.mint(1, 86_401), /1 to 86400 seconds/);
  assert.throws(() => credentials.mint(1, 1.5), /1 to 86400 seconds/);
});
