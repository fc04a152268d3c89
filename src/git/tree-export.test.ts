import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportTree } from './tree-export.ts';

function repository(): { gitDir: string; sha: string } {
  const work = mkdtempSync(join(tmpdir(), 'gantry-tree-test-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: work })
      .toString()
      .trim();
  git('init', '-q');
  mkdirSync(join(work, 'k8s', 'base'), { recursive: true });
  writeFileSync(join(work, 'k8s', 'base', 'web.yaml'), 'kind: ConfigMap\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  return { gitDir: join(work, '.git'), sha: git('rev-parse', 'HEAD') };
}

test('exports the whole tree of a commit and removes it on dispose', async () => {
  const { gitDir, sha } = repository();
  const tree = await exportTree(gitDir, sha);
  assert.equal(readFileSync(join(tree.root, 'k8s', 'base', 'web.yaml'), 'utf8'), 'kind: ConfigMap\n');
  await tree.dispose();
  assert.ok(!existsSync(tree.root));
});

test('a missing commit fails naming it', async () => {
  const { gitDir } = repository();
  await assert.rejects(exportTree(gitDir, 'f'.repeat(40)), /cannot read the files of commit ffffffff/);
});
