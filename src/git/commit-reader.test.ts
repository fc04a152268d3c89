import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitFile, gitIn, initWorkTree, scratchDir } from '../../test/support/git-work-tree.ts';
import { createBareRepository } from './bare-repository.ts';
import { CommitReader } from './commit-reader.ts';

test('reads files, lists trees, diffs commits and resolves refs of a bare repository', async () => {
  const scratch = await scratchDir();
  try {
    const bare = join(scratch.path, 'app.git');
    const tree = join(scratch.path, 'tree');
    await createBareRepository(bare);
    const first = await initWorkTree(tree);
    await mkdir(join(tree, 'ci'));
    await writeFile(join(tree, 'ci', 'jobs.yml'), 'job: {}\n');
    await gitIn(tree, ['add', '.']);
    await writeFile(join(tree, 'huge.bin'), Buffer.alloc(1024 * 1024 + 1, 0x61));
    await gitIn(tree, ['add', 'huge.bin']);
    const second = await commitFile(tree, '.gantry.yml', 'stages: [test]\n');
    await gitIn(tree, ['tag', 'v1']);
    await gitIn(tree, ['push', '--quiet', `file://${bare}`, 'main', 'v1']);

    const reader = new CommitReader(bare);
    assert.equal(await reader.readFile(second, '.gantry.yml'), 'stages: [test]\n');
    assert.equal(await reader.readFile(second, './ci/jobs.yml'), 'job: {}\n');
    assert.equal(await reader.readFile(first, '.gantry.yml'), undefined);
    assert.equal(await reader.readFile(second, 'ci'), undefined, 'a directory is not a file');
    assert.equal(await reader.readFile(second, '../etc/passwd'), undefined);
    assert.equal(await reader.readFile(second, 'huge.bin'), undefined, 'files over 1 MiB are refused');
    assert.deepEqual((await reader.listFiles(second)).sort(), [
      '.gantry.yml',
      'README.md',
      'ci/jobs.yml',
      'huge.bin',
    ]);
    assert.deepEqual((await reader.changedFiles(first, second))?.sort(), [
      '.gantry.yml',
      'ci/jobs.yml',
      'huge.bin',
    ]);
    assert.equal(await reader.changedFiles('0'.repeat(40), second), null);
    assert.equal(await reader.changedFiles('f'.repeat(40), second), null);
    assert.deepEqual(await reader.resolve('main'), { sha: second, refType: 'branch' });
    assert.deepEqual(await reader.resolve('v1'), { sha: second, refType: 'tag' });
    assert.equal(await reader.resolve('nope'), undefined);
    assert.equal(await reader.hasCommit(first), true);
    assert.equal(await reader.hasCommit('a'.repeat(40)), false);
  } finally {
    await scratch.cleanup();
  }
});
