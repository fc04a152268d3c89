import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { contentTypeOf, fileIn, openRegularFile, staticPathSegments } from './static-files.ts';

describe('contentTypeOf', () => {
  const cases: Array<[string, string]> = [
    ['index.html', 'text/html; charset=utf-8'],
    ['index-4f2a.js', 'text/javascript; charset=utf-8'],
    ['index-4f2a.css', 'text/css; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['logo.PNG', 'image/png'],
    ['favicon.ico', 'image/x-icon'],
    ['index-4f2a.js.map', 'application/json; charset=utf-8'],
    ['inter.woff2', 'font/woff2'],
    ['manifest.json', 'application/json; charset=utf-8'],
    ['LICENSE', 'application/octet-stream'],
    ['archive.tar.gz', 'application/octet-stream'],
  ];
  for (const [name, type] of cases) test(`${name} is ${type}`, () => assert.equal(contentTypeOf(name), type));
});

describe('staticPathSegments', () => {
  test('splits and decodes, ignoring the query and empty segments', () => {
    assert.deepEqual(staticPathSegments('/'), []);
    assert.deepEqual(staticPathSegments('/assets/index-4f2a.js?v=1'), ['assets', 'index-4f2a.js']);
    assert.deepEqual(staticPathSegments('//projects/group%20a/pipelines/7/'), [
      'projects',
      'group a',
      'pipelines',
      '7',
    ]);
  });

  const refused = [
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/assets/%2e%2e/%2E%2E/etc/passwd',
    '/assets/..%2f..%2fetc%2fpasswd',
    '/assets/..%5c..%5cetc',
    '/./index.html',
    '/assets/x%2f.%2findex.html',
    '/bad%zzencoding',
  ];
  for (const url of refused) test(`refuses ${url}`, () => assert.equal(staticPathSegments(url), null));
});

describe('fileIn', () => {
  test('joins file name segments under the root', () => {
    assert.equal(fileIn('/srv/ui', ['assets', 'index-4f2a.js']), '/srv/ui/assets/index-4f2a.js');
  });

  test('no segments, or one that is no file name, name no file', () => {
    assert.equal(fileIn('/srv/ui', []), undefined);
    assert.equal(fileIn('/srv/ui', ['environments', 'review/app']), undefined);
    assert.equal(fileIn('/srv/ui', ['a\\b']), undefined);
    assert.equal(fileIn('/srv/ui', ['index.html\0.js']), undefined);
  });
});

describe('openRegularFile', () => {
  const outside = mkdtempSync(join(tmpdir(), 'gantry-static-outside-'));
  const dir = mkdtempSync(join(tmpdir(), 'gantry-static-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'a.txt'), 'hello');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(outside, 'secret.txt'), 'outside');
  symlinkSync(join(dir, 'a.txt'), join(dir, 'sub', 'link.txt'));
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'leak.txt'));
  symlinkSync(outside, join(dir, 'elsewhere'));
  symlinkSync(join(dir, 'loop'), join(dir, 'loop'));

  test('opens a regular file with its size', async () => {
    const file = await openRegularFile(join(dir, 'a.txt'), dir);
    assert.ok(file);
    assert.equal(file.stats.size, 5);
    assert.equal((await file.handle.readFile('utf8')).toString(), 'hello');
    await file.handle.close();
  });

  test('a directory, a missing file or a path through a file is no file', async () => {
    assert.equal(await openRegularFile(join(dir, 'sub'), dir), undefined);
    assert.equal(await openRegularFile(join(dir, 'missing.js'), dir), undefined);
    assert.equal(await openRegularFile(join(dir, 'a.txt', 'below'), dir), undefined);
    assert.equal(await openRegularFile(join(dir, 'loop'), dir), undefined);
  });

  test('a symbolic link is followed only while it stays below the root', async () => {
    const linked = await openRegularFile(join(dir, 'sub', 'link.txt'), dir);
    assert.ok(linked);
    assert.equal((await linked.handle.readFile('utf8')).toString(), 'hello');
    await linked.handle.close();
    assert.equal(await openRegularFile(join(dir, 'leak.txt'), dir), undefined);
    assert.equal(await openRegularFile(join(dir, 'elsewhere', 'secret.txt'), dir), undefined);
  });

  test('the root may itself be reached through a link', async () => {
    const alias = join(outside, 'alias');
    symlinkSync(dir, alias);
    const file = await openRegularFile(join(alias, 'a.txt'), alias);
    assert.ok(file);
    await file.handle.close();
  });
});
