import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadOrCreateKeyFile, parseSecretKey } from './secret-key-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'gantry-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('creates a 0600 key file once and reads the same key back', () => {
  const path = join(dir, 'secret.key');
  const first = loadOrCreateKeyFile(path);
  assert.equal(first.length, 32);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(loadOrCreateKeyFile(path), first);
  assert.ok(readFileSync(path, 'utf8').trim().length > 0);
});

test('refuses a key file readable by others', () => {
  const path = join(dir, 'open.key');
  loadOrCreateKeyFile(path);
  chmodSync(path, 0o644);
  assert.throws(() => loadOrCreateKeyFile(path), /must not be readable by group or others/);
});

test('parses hex and base64 keys and explains what it expects otherwise', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseSecretKey(key.toString('hex'), 'GANTRY_SECRET_KEY'), key);
  assert.deepEqual(parseSecretKey(key.toString('base64'), 'GANTRY_SECRET_KEY'), key);
  assert.throws(
    () => parseSecretKey('short', 'GANTRY_SECRET_KEY'),
    /GANTRY_SECRET_KEY must hold a 32-byte key/,
  );
});
