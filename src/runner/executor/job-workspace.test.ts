import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { createJobWorkspace, projectDirName } from './job-workspace.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-ws-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('projectDirName keeps safe names only', () => {
  assert.equal(projectDirName('team/app'), 'app');
  assert.equal(projectDirName('a/b/my.app-2'), 'my.app-2');
  assert.equal(projectDirName('team/weird name'), 'weird_name');
  assert.equal(projectDirName(''), 'project');
  assert.equal(projectDirName('team/..'), 'project');
  assert.equal(projectDirName('team/tmp'), 'project');
});

test('each job gets a fresh root with private temp dirs, removed whole', async () => {
  const workDir = join(scratch, 'work');
  const a = await createJobWorkspace(workDir, 5, 'team/app');
  const b = await createJobWorkspace(workDir, 5, 'team/app');
  assert.notEqual(a.root, b.root);
  assert.equal(dirname(a.root), workDir);
  assert.match(a.root, /\/5-[0-9a-f]{8}$/);
  assert.equal(a.dir, join(a.root, 'app'));
  assert.ok(!a.tempDir.startsWith(a.dir), 'temp dir is outside the checkout');
  assert.equal(statSync(a.root).mode & 0o777, 0o700);
  assert.equal(statSync(a.tempDir).mode & 0o777, 0o700);
  assert.equal(statSync(a.privateDir).mode & 0o777, 0o700);
  writeFileSync(join(a.dir, 'file'), 'x');
  await a.remove();
  await a.remove();
  assert.equal(existsSync(a.root), false);
  assert.equal(existsSync(b.root), true);
  await b.remove();
});

test('an unusable workDir rejects', async () => {
  const file = join(scratch, 'not-a-dir');
  writeFileSync(file, 'x');
  await assert.rejects(createJobWorkspace(file, 1, 'a/b'));
});
