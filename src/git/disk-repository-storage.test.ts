import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir } from '../../test/support/git-work-tree.ts';
import { DiskRepositoryStorage } from './disk-repository-storage.ts';

test('repositories live at <root>/<id>.git and follow their default branch', async () => {
  const scratch = await scratchDir();
  try {
    const storage = new DiskRepositoryStorage(scratch.path);
    assert.equal(storage.pathOf(7), join(scratch.path, '7.git'));
    await storage.create(7, 'trunk');
    assert.equal(await readFile(join(scratch.path, '7.git', 'HEAD'), 'utf8'), 'ref: refs/heads/trunk\n');
    await storage.setDefaultBranch(7, 'main');
    assert.equal(await readFile(join(scratch.path, '7.git', 'HEAD'), 'utf8'), 'ref: refs/heads/main\n');
    await storage.remove(7);
    assert.ok(!existsSync(join(scratch.path, '7.git')));
    await storage.remove(7);
  } finally {
    await scratch.cleanup();
  }
});

test('ids that are not positive integers never become paths', () => {
  const storage = new DiskRepositoryStorage('/srv/repos');
  for (const id of [0, -1, 1.5, Number.NaN]) assert.throws(() => storage.pathOf(id));
});
