import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshDirs } from '../../../test/support/fresh-dirs.ts';
import { isInside, resolveInTree, treeRelative, walkTree } from './tree-path.ts';

const dirs = freshDirs('gantry-tree-path-');

/** repo/ with deploy/{b.yaml,a/x.yaml,.hidden/h.yaml}, links in and out, and outside/secret.yaml. */
function fixture(): { root: string; outside: string } {
  const scratch = dirs('tree');
  const root = join(scratch, 'repo');
  const outside = join(scratch, 'outside');
  mkdirSync(join(root, 'deploy', 'a'), { recursive: true });
  mkdirSync(join(root, 'deploy', '.hidden'), { recursive: true });
  mkdirSync(join(root, 'shared'), { recursive: true });
  mkdirSync(outside);
  for (const file of ['deploy/b.yaml', 'deploy/a/x.yaml', 'deploy/.hidden/h.yaml', 'shared/s.yaml']) {
    writeFileSync(join(root, file), 'kind: X\n');
  }
  writeFileSync(join(outside, 'secret.yaml'), 'kind: X\n');
  symlinkSync('../shared', join(root, 'deploy', 'linked'));
  symlinkSync('..', join(root, 'deploy', 'a', 'loop'));
  symlinkSync('missing.yaml', join(root, 'deploy', 'dangling.yaml'));
  symlinkSync(outside, join(root, 'escape'));
  return { root: realpathSync(root), outside: realpathSync(outside) };
}

test('isInside and treeRelative', () => {
  const cases: Array<[string, string, boolean]> = [
    ['/r/repo', '/r/repo', true],
    ['/r/repo', '/r/repo/a', true],
    ['/r/repo', '/r/repository', false],
    ['/r/repo', '/r', false],
  ];
  for (const [root, path, inside] of cases) assert.equal(isInside(root, path), inside, `${root} ${path}`);
  assert.equal(treeRelative('/r/repo', '/r/repo/a/b.yaml'), 'a/b.yaml');
  assert.equal(treeRelative('/r/repo', '/r/repo'), '.');
});

test('resolveInTree accepts paths in the tree and refuses the rest', async () => {
  const { root } = fixture();
  const accepted: Array<[string, string, string]> = [
    ['deploy/', 'deploy', 'deploy'],
    ['./deploy/b.yaml', 'deploy/b.yaml', 'deploy/b.yaml'],
    ['.', '.', '.'],
    ['', '.', '.'],
    ['deploy/linked', 'deploy/linked', 'shared'],
  ];
  for (const [path, shown, real] of accepted) {
    assert.deepEqual(
      await resolveInTree(root, path, 'deploy:manifests'),
      { shown, real: join(root, real) },
      path,
    );
  }
  const refused: Array<[string, string]> = [
    ['/etc', 'deploy:manifests must be a path inside the repository, got the absolute path /etc'],
    ['deploy/../../x', 'deploy:manifests must stay inside the repository, got deploy/../../x with ".."'],
    ['k8s/', 'deploy:manifests: k8s does not exist at this commit'],
    ['deploy/dangling.yaml', 'deploy:manifests: deploy/dangling.yaml does not exist at this commit'],
    [
      'escape/secret.yaml',
      'deploy:manifests: escape/secret.yaml is a symbolic link leading outside the repository',
    ],
  ];
  for (const [path, message] of refused) {
    await assert.rejects(
      resolveInTree(root, path, 'deploy:manifests'),
      { code: 'validation_failed', message },
      path,
    );
  }
});

test('walkTree lists files in path order, follows links in the tree once, refuses links out', async () => {
  const { root } = fixture();
  const files = await walkTree(root, join(root, 'deploy'));
  assert.deepEqual(
    files.map((file) => [file.path, treeRelative(root, file.real)]),
    [
      ['.hidden/h.yaml', 'deploy/.hidden/h.yaml'],
      ['a/x.yaml', 'deploy/a/x.yaml'],
      ['b.yaml', 'deploy/b.yaml'],
      ['linked/s.yaml', 'shared/s.yaml'],
    ],
  );
  await assert.rejects(walkTree(root, root), {
    message: 'escape is a symbolic link leading outside the repository',
  });
});
