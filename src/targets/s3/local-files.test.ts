import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { listLocalFiles } from './local-files.ts';

const base = mkdtempSync(join(tmpdir(), 'gantry-local-files-'));
after(() => rmSync(base, { recursive: true, force: true }));
let count = 0;

function site(files: Record<string, string>): string {
  const dir = join(base, `site-${++count}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

test('lists files with slash-separated paths, sizes and MD5s, sorted', async () => {
  const dir = site({ 'index.html': '<h1>hi</h1>', 'css/a.css': 'body{}', 'b/c/d.txt': '' });
  const files = await listLocalFiles(dir);
  assert.deepEqual(
    files.map(({ path, size, md5: hash }) => ({ path, size, hash })),
    [
      { path: 'b/c/d.txt', size: 0, hash: md5('') },
      { path: 'css/a.css', size: 6, hash: md5('body{}') },
      { path: 'index.html', size: 11, hash: md5('<h1>hi</h1>') },
    ],
  );
});

test('follows symlinks inside the directory, and survives a loop', async () => {
  const dir = site({ 'real/a.txt': 'a' });
  symlinkSync('real/a.txt', join(dir, 'alias.txt'));
  symlinkSync('..', join(dir, 'real', 'up'));
  const paths = (await listLocalFiles(dir)).map((file) => file.path);
  assert.deepEqual(paths, ['alias.txt', 'real/a.txt']);
});

test('refuses symlinks leading outside the directory', async () => {
  const outside = site({ 'secret.txt': 'secret' });
  const dir = site({ 'index.html': 'x' });
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'leak.txt'));
  await assert.rejects(listLocalFiles(dir), /leak\.txt is a symlink to .*secret\.txt, outside the directory/);
  const dir2 = site({ 'index.html': 'x' });
  symlinkSync(outside, join(dir2, 'folder'));
  await assert.rejects(listLocalFiles(dir2), /folder is a symlink to .*, outside the directory/);
});

test("refuses a top-level .gantry folder, Gantry's own in the bucket", async () => {
  await assert.rejects(listLocalFiles(site({ '.gantry/versions/1/x': 'x' })), /'\.gantry\/' is reserved/);
  assert.equal((await listLocalFiles(site({ 'docs/.gantry/x': 'x' }))).length, 1);
});

test('a missing directory is a clear error', async () => {
  await assert.rejects(
    listLocalFiles(join(base, 'nope')),
    /expected a directory of files to deploy at .*nope: ENOENT/,
  );
});
