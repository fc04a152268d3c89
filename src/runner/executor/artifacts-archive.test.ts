import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshDirs } from '../../../test/support/fresh-dirs.ts';
import { createArtifactsArchive } from './artifacts-archive.ts';
import { extractArtifacts } from './extract-artifacts.ts';

const fresh = freshDirs('gantry-archive-');

test('round trip: files, directories, links, modes and times survive', async () => {
  const ws = fresh('ws');
  mkdirSync(join(ws, 'dist/sub/empty'), { recursive: true });
  writeFileSync(join(ws, 'dist/app.js'), 'console.log(1)\n');
  writeFileSync(join(ws, 'dist/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(ws, 'dist/sub/big.bin'), Buffer.alloc(300_000, 7));
  writeFileSync(join(ws, `dist/${'n'.repeat(150)}.txt`), 'long name');
  utimesSync(join(ws, 'dist/app.js'), 1_600_000_000, 1_600_000_000);
  symlinkSync('app.js', join(ws, 'dist/current'));
  const archive = join(fresh('out'), 'artifacts.tar.gz');
  const made = await createArtifactsArchive(ws, ['dist/'], archive);
  assert.equal(made.written, true);
  assert.deepEqual(made.warnings, []);

  const into = fresh('into');
  const result = await extractArtifacts(archive, into);
  assert.equal(result.entries, made.entries);
  assert.equal(readFileSync(join(into, 'dist/app.js'), 'utf8'), 'console.log(1)\n');
  assert.equal(statSync(join(into, 'dist/run.sh')).mode & 0o777, 0o755);
  assert.equal(statSync(join(into, 'dist/app.js')).mtimeMs, 1_600_000_000_000);
  assert.deepEqual(readFileSync(join(into, 'dist/sub/big.bin')), Buffer.alloc(300_000, 7));
  assert.equal(readFileSync(join(into, `dist/${'n'.repeat(150)}.txt`), 'utf8'), 'long name');
  assert.equal(readlinkSync(join(into, 'dist/current')), 'app.js');
  assert.ok(statSync(join(into, 'dist/sub/empty')).isDirectory());
});

test('nothing matched: no archive is written', async () => {
  const ws = fresh('ws');
  const archive = join(fresh('none'), 'artifacts.tar.gz');
  const made = await createArtifactsArchive(ws, ['missing/'], archive);
  assert.equal(made.written, false);
  assert.equal(existsSync(archive), false);
});
