import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitFile, gitIn, initWorkTree, scratchDir } from '../../test/support/git-work-tree.ts';
import { GantryError } from '../domain/errors.ts';
import {
  createBareRepository,
  deleteBareRepository,
  diffRefs,
  listRefs,
  type RefUpdate,
  ZERO_OID,
} from './bare-repository.ts';
import { runGit } from './run-git.ts';

test('creates a bare repository with HEAD on the default branch and pushes enabled', async () => {
  const scratch = await scratchDir();
  try {
    const dir = join(scratch.path, 'group', 'app.git');
    await createBareRepository(dir, 'trunk');
    const head = await runGit(['--git-dir', dir, 'symbolic-ref', 'HEAD']);
    assert.equal(head.stdout.trim(), 'refs/heads/trunk');
    const bare = await runGit(['--git-dir', dir, 'rev-parse', '--is-bare-repository']);
    assert.equal(bare.stdout.trim(), 'true');
    const receive = await runGit(['--git-dir', dir, 'config', 'http.receivepack']);
    assert.equal(receive.stdout.trim(), 'true');
    assert.deepEqual(await listRefs(dir), new Map());

    // Re-running is harmless and can move HEAD.
    await createBareRepository(dir);
    const again = await runGit(['--git-dir', dir, 'symbolic-ref', 'HEAD']);
    assert.equal(again.stdout.trim(), 'refs/heads/main');
  } finally {
    await scratch.cleanup();
  }
});

test('rejects an invalid default branch name with a GantryError', async () => {
  const scratch = await scratchDir();
  try {
    for (const name of ['bad..name', '-x', 'a b', '', 'x.lock', 'a~1']) {
      await assert.rejects(createBareRepository(join(scratch.path, 'r.git'), name), (error) => {
        assert.ok(error instanceof GantryError);
        assert.equal(error.code, 'bad_request');
        return true;
      });
    }
  } finally {
    await scratch.cleanup();
  }
});

test('listRefs and diffRefs follow real pushes of branches and tags', async () => {
  const scratch = await scratchDir();
  try {
    const bare = join(scratch.path, 'app.git');
    const tree = join(scratch.path, 'tree');
    await createBareRepository(bare);
    const c1 = await initWorkTree(tree);
    const url = `file://${bare}`;

    const empty = await listRefs(bare);
    await gitIn(tree, ['push', '--quiet', url, 'main', 'main:refs/heads/feature']);
    await gitIn(tree, ['tag', '-a', '-m', 'v1', 'v1']);
    await gitIn(tree, ['tag', 'light']);
    await gitIn(tree, ['push', '--quiet', url, 'v1', 'light']);
    const tagObject = (await gitIn(tree, ['rev-parse', 'v1'])).stdout.trim();
    const afterCreate = await listRefs(bare);
    assert.deepEqual(
      afterCreate,
      new Map([
        ['refs/heads/feature', c1],
        ['refs/heads/main', c1],
        ['refs/tags/light', c1],
        ['refs/tags/v1', tagObject],
      ]),
    );
    assert.notEqual(tagObject, c1, 'annotated tags list the tag object, as post-receive reports it');
    assert.deepEqual(diffRefs(empty, afterCreate), [
      { ref: 'refs/heads/feature', before: ZERO_OID, after: c1 },
      { ref: 'refs/heads/main', before: ZERO_OID, after: c1 },
      { ref: 'refs/tags/light', before: ZERO_OID, after: c1 },
      { ref: 'refs/tags/v1', before: ZERO_OID, after: tagObject },
    ]);

    const c2 = await commitFile(tree, 'a.txt', 'a\n');
    await gitIn(tree, ['push', '--quiet', url, 'main', ':refs/heads/feature', ':refs/tags/light']);
    const afterUpdate = await listRefs(bare);
    assert.deepEqual(diffRefs(afterCreate, afterUpdate), [
      { ref: 'refs/heads/feature', before: c1, after: ZERO_OID },
      { ref: 'refs/heads/main', before: c1, after: c2 },
      { ref: 'refs/tags/light', before: c1, after: ZERO_OID },
    ]);
    assert.deepEqual(diffRefs(afterUpdate, afterUpdate), []);
  } finally {
    await scratch.cleanup();
  }
});

test('listRefs ignores refs outside heads and tags', async () => {
  const scratch = await scratchDir();
  try {
    const bare = join(scratch.path, 'app.git');
    const tree = join(scratch.path, 'tree');
    await createBareRepository(bare);
    const c1 = await initWorkTree(tree);
    await gitIn(tree, ['push', '--quiet', `file://${bare}`, 'main', 'main:refs/merge-requests/1/head']);
    assert.deepEqual(await listRefs(bare), new Map([['refs/heads/main', c1]]));
  } finally {
    await scratch.cleanup();
  }
});

test('diffRefs is pure and sorted', () => {
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);
  const before = new Map([
    ['refs/heads/z', a],
    ['refs/heads/same', a],
    ['refs/heads/gone', b],
  ]);
  const after = new Map([
    ['refs/heads/z', b],
    ['refs/heads/same', a],
    ['refs/heads/new', a],
  ]);
  const expected: RefUpdate[] = [
    { ref: 'refs/heads/gone', before: b, after: ZERO_OID },
    { ref: 'refs/heads/new', before: ZERO_OID, after: a },
    { ref: 'refs/heads/z', before: a, after: b },
  ];
  assert.deepEqual(diffRefs(before, after), expected);
  assert.equal(before.size, 3);
});

test('deleteBareRepository removes repositories and refuses anything else', async () => {
  const scratch = await scratchDir();
  try {
    const bare = join(scratch.path, 'app.git');
    await createBareRepository(bare);
    await deleteBareRepository(bare);
    await deleteBareRepository(bare); // already gone: fine
    const other = join(scratch.path, 'not-a-repo');
    await mkdir(other);
    await writeFile(join(other, 'precious.txt'), 'keep me');
    await assert.rejects(deleteBareRepository(other), /not a bare git repository/);
    await assert.rejects(deleteBareRepository(join(other, 'precious.txt')), /not a bare git repository/);
  } finally {
    await scratch.cleanup();
  }
});
