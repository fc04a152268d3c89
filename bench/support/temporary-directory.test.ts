import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { test } from 'node:test';
import { CleanupRegistry } from './cleanup-registry.ts';
import { temporaryDirectory } from './temporary-directory.ts';

test('a temporary directory is created under tmpdir and removed by cleanUp', async () => {
  const cleanup = new CleanupRegistry(() => {});
  const { path } = await temporaryDirectory(cleanup, 'gantry-bench-test-', 'test directory');
  assert.equal(dirname(path), tmpdir());
  assert.match(basename(path), /^gantry-bench-test-.{6}$/);
  assert.ok(existsSync(path));
  assert.equal(cleanup.size, 1);
  await cleanup.cleanUp();
  assert.ok(!existsSync(path));
});

test('release removes it early and forgets it', async () => {
  const cleanup = new CleanupRegistry(() => {});
  const { path, release } = await temporaryDirectory(cleanup, 'gantry-bench-test-', 'test directory');
  await release();
  assert.ok(!existsSync(path));
  assert.equal(cleanup.size, 0);
});
