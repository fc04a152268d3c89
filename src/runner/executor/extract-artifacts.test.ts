import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { freshDirs } from '../../../test/support/fresh-dirs.ts';
import { extractArtifacts, UnsafeArchiveError } from './extract-artifacts.ts';
import { encodeTarHeader, endOfArchive, paddingFor } from './tar-format.ts';

const fresh = freshDirs('gantry-extract-');

/** A tar header with any type flag (`1` hard link, `6` FIFO…), checksum fixed up. */
function rawHeader(path: string, typeflag: string, linkTarget = ''): Buffer {
  const block = encodeTarHeader({ path, type: 'symlink', size: 0, mode: 0o644, mtime: 0, linkTarget });
  const header = block.subarray(block.length - 512);
  header.write(typeflag, 156, 1, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return block;
}

function file(path: string, content: string): Buffer {
  const data = Buffer.from(content);
  return Buffer.concat([
    encodeTarHeader({ path, type: 'file', size: data.length, mode: 0o644, mtime: 0 }),
    data,
    Buffer.alloc(paddingFor(data.length)),
  ]);
}

const link = (path: string, target: string): Buffer =>
  encodeTarHeader({ path, type: 'symlink', size: 0, mode: 0o777, mtime: 0, linkTarget: target });

function archiveOf(...parts: Buffer[]): string {
  const path = join(fresh('archive'), 'artifacts.tar.gz');
  writeFileSync(path, gzipSync(Buffer.concat([...parts, endOfArchive()])));
  return path;
}

test('extraction merges into an existing directory and replaces files', async () => {
  const into = fresh('into');
  writeFileSync(join(into, 'keep.txt'), 'keep');
  writeFileSync(join(into, 'a.txt'), 'old');
  await extractArtifacts(archiveOf(file('a.txt', 'new')), into);
  assert.equal(readFileSync(join(into, 'a.txt'), 'utf8'), 'new');
  assert.equal(readFileSync(join(into, 'keep.txt'), 'utf8'), 'keep');
});

const hostile: Array<[string, Buffer[], RegExp]> = [
  ['a ../ entry', [file('ok.txt', 'fine'), file('../escape.txt', 'pwned')], /path leaves the directory/],
  ['a nested ../ entry', [file('a/../../escape.txt', 'pwned')], /path leaves the directory/],
  ['an absolute path', [file('/tmp/gantry-absolute-escape.txt', 'pwned')], /absolute path/],
  ['an absolute symlink', [link('passwd', '/etc/passwd')], /points outside/],
  ['a relative symlink climbing out', [link('a/up', '../../outside')], /points outside/],
  [
    'a symlink then a file written through it',
    [link('out', '..'), file('out/escape.txt', 'pwned')],
    /points outside/,
  ],
  ['a hard link', [rawHeader('hard', '1', '/etc/passwd')], /hard links are not extracted/],
  ['a FIFO', [rawHeader('fifo', '6')], /type "6" are not extracted/],
  ['a character device', [rawHeader('dev', '3')], /type "3" are not extracted/],
];

for (const [name, parts, message] of hostile) {
  test(`hostile archive refused, nothing written: ${name}`, async () => {
    const parent = fresh('hostile');
    const into = join(parent, 'into');
    mkdirSync(into);
    await assert.rejects(extractArtifacts(archiveOf(...parts), into), (error: unknown) => {
      assert.ok(error instanceof UnsafeArchiveError, String(error));
      assert.match(error.message, message);
      return true;
    });
    assert.deepEqual(readdirSync(into), [], 'nothing extracted');
    assert.deepEqual(readdirSync(parent), ['into'], 'nothing written beside');
    assert.equal(existsSync('/tmp/gantry-absolute-escape.txt'), false);
  });
}

test('an existing link in the target directory is not written through', async () => {
  const parent = fresh('hostile');
  const into = join(parent, 'into');
  const outside = join(parent, 'outside');
  mkdirSync(into);
  mkdirSync(outside);
  // Say the checked-out repository holds a link to somewhere else on the machine.
  symlinkSync(outside, join(into, 'repo-link'));
  await assert.rejects(
    extractArtifacts(archiveOf(file('repo-link/escape.txt', 'pwned')), into),
    UnsafeArchiveError,
  );
  assert.deepEqual(readdirSync(outside), []);
});

test('an existing link as the file name itself is replaced, not followed', async () => {
  const parent = fresh('hostile');
  const into = join(parent, 'into');
  mkdirSync(into);
  writeFileSync(join(parent, 'victim.txt'), 'original');
  symlinkSync(join(parent, 'victim.txt'), join(into, 'a.txt'));
  await extractArtifacts(archiveOf(file('a.txt', 'new')), into);
  assert.equal(readFileSync(join(parent, 'victim.txt'), 'utf8'), 'original');
  assert.equal(lstatSync(join(into, 'a.txt')).isFile(), true);
});

test('links that only escape together are refused (a -> b/.., then b -> .)', async () => {
  const parent = fresh('hostile');
  const into = join(parent, 'into');
  mkdirSync(into);
  await assert.rejects(
    extractArtifacts(archiveOf(link('a', 'b/..'), link('b', '.')), into),
    (error: unknown) => {
      assert.ok(error instanceof UnsafeArchiveError);
      assert.match(error.message, /through other links/);
      return true;
    },
  );
  assert.equal(existsSync(join(into, 'a')), false, 'the escaping link is removed');
});

test('links inside are kept, also through inside links', async () => {
  const into = fresh('into');
  await extractArtifacts(
    archiveOf(
      file('real/x.txt', 'x'),
      link('alias', 'real'),
      file('alias/y.txt', 'y'),
      link('real/up', '../real'),
    ),
    into,
  );
  assert.equal(readFileSync(join(into, 'real/y.txt'), 'utf8'), 'y');
  assert.equal(readlinkSync(join(into, 'real/up')), '../real');
});

test('limits on entries and bytes are enforced before writing', async () => {
  const into = fresh('into');
  const archive = archiveOf(file('a', 'x'.repeat(100)), file('b', 'y'));
  await assert.rejects(extractArtifacts(archive, into, { maxBytes: 50 }), /more than 50 bytes/);
  await assert.rejects(extractArtifacts(archive, into, { maxEntries: 1 }), /more than 1 entries/);
  assert.deepEqual(readdirSync(into), []);
});

test('a corrupt archive is an error', async () => {
  const path = join(fresh('corrupt'), 'corrupt.tar.gz');
  writeFileSync(path, Buffer.from('not gzip at all'));
  await assert.rejects(extractArtifacts(path, fresh('into')));
});
