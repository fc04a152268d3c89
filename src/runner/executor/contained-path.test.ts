import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  isWithin,
  linkTargetStaysInside,
  normalizeRelativePath,
  resolvePhysically,
} from './contained-path.ts';

test('normalizeRelativePath keeps inside paths and refuses the rest', () => {
  const table: Array<[string, string | null]> = [
    ['a/b', 'a/b'],
    ['./a//b/', 'a/b'],
    ['a/./b', 'a/b'],
    ['dir/', 'dir'],
    ['', null],
    ['.', null],
    ['/etc/passwd', null],
    ['../x', null],
    ['a/../../x', null],
    ['a/../b', null],
    ['a\0b', null],
    ['..foo/bar', '..foo/bar'],
  ];
  for (const [input, expected] of table) assert.equal(normalizeRelativePath(input), expected, input);
});

test('linkTargetStaysInside judges targets relative to the link', () => {
  const table: Array<[string, string, boolean]> = [
    ['link', 'file', true],
    ['a/link', '../file', true],
    ['a/b/link', '../../file', true],
    ['link', '../file', false],
    ['a/link', '../../file', false],
    ['link', '/etc/passwd', false],
    ['link', '', false],
    ['a/link', '.', true],
    ['link', '..', false],
  ];
  for (const [link, target, expected] of table)
    assert.equal(linkTargetStaysInside(link, target), expected, `${link} -> ${target}`);
});

test('isWithin compares whole path segments', () => {
  assert.equal(isWithin('/a/b', '/a/b'), true);
  assert.equal(isWithin('/a/b', '/a/b/c'), true);
  assert.equal(isWithin('/a/b', '/a/bc'), false);
  assert.equal(isWithin('/a/b', '/a'), false);
});

const scratch = mkdtempSync(join(tmpdir(), 'gantry-paths-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('resolvePhysically follows links, also dangling ones and loops', async () => {
  const root = join(scratch, 'root');
  mkdirSync(join(root, 'real'), { recursive: true });
  symlinkSync('real', join(root, 'alias'));
  symlinkSync('/etc', join(root, 'out'));
  symlinkSync('missing/..', join(root, 'dangling'));
  symlinkSync('alias/..', join(root, 'up'));
  symlinkSync('loop', join(root, 'loop'));
  assert.equal(await resolvePhysically(join(root, 'alias/x')), join(root, 'real/x'));
  assert.equal(await resolvePhysically(join(root, 'out/passwd')), '/etc/passwd');
  assert.equal(await resolvePhysically(join(root, 'dangling')), root);
  assert.equal(await resolvePhysically(join(root, 'up')), root);
  assert.equal(await resolvePhysically(join(root, 'alias/../..')), scratch);
  await assert.rejects(resolvePhysically(join(root, 'loop')), /too many levels/);
});
