import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitFile, gitIn, initWorkTree, scratchDir } from './git-work-tree.ts';

test('builds a work tree with commits and cleans up', async () => {
  const scratch = await scratchDir();
  const tree = join(scratch.path, 'tree');
  const first = await initWorkTree(tree);
  const second = await commitFile(tree, 'a.txt', 'a\n');
  assert.match(first, /^[0-9a-f]{40}$/);
  assert.notEqual(first, second);
  const log = await gitIn(tree, ['log', '--format=%an <%ae>', '-1']);
  assert.equal(log.stdout.trim(), 'Gantry Test <test@gantry.invalid>');
  await scratch.cleanup();
  await assert.rejects(access(scratch.path));
});
