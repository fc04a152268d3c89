import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SshError } from '../ssh/ssh-error.ts';
import { readLocalTree } from './local-tree.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gantry-local-tree-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('lists directories parents first and files, following symlinks that stay inside', async () => {
  const root = join(dir, 'site');
  await mkdir(join(root, 'css/print'), { recursive: true });
  await mkdir(join(root, 'empty'));
  await writeFile(join(root, 'index.html'), 'hi');
  await writeFile(join(root, '.htaccess'), 'x');
  await writeFile(join(root, 'css/print/a.css'), 'a');
  await symlink('index.html', join(root, 'home.html'));
  assert.deepEqual(await readLocalTree(root), {
    dirs: ['css', 'css/print', 'empty'],
    files: [
      { path: '.htaccess', absolutePath: join(root, '.htaccess') },
      { path: 'css/print/a.css', absolutePath: join(root, 'css/print/a.css') },
      { path: 'home.html', absolutePath: join(root, 'index.html') },
      { path: 'index.html', absolutePath: join(root, 'index.html') },
    ],
  });
});

test('refuses symlinks leading outside the directory, dangling ones, and a missing directory', async () => {
  const root = join(dir, 'escape');
  await mkdir(root);
  await symlink('/etc/passwd', join(root, 'passwd'));
  await assert.rejects(readLocalTree(root), (error: SshError) =>
    /passwd is a symlink to \/etc\/passwd, outside/.test(error.message),
  );
  const dangling = join(dir, 'dangling');
  await mkdir(dangling);
  await symlink('nowhere', join(dangling, 'link'));
  await assert.rejects(readLocalTree(dangling), /link is a symlink to nothing/);
  await assert.rejects(readLocalTree(join(dir, 'missing')), /expected a directory to upload at .*ENOENT/);
});
