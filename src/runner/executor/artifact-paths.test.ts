import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { globSegmentPattern, resolveArtifactPaths } from './artifact-paths.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-artifact-paths-'));
const ws = join(scratch, 'ws');
after(() => rmSync(scratch, { recursive: true, force: true }));

before(() => {
  const files = [
    'dist/app.js',
    'dist/sub/deep.txt',
    'build/a.txt',
    'build/b.txt',
    'build/c.log',
    'report.xml',
    'x/y/z.xml',
  ];
  for (const file of files) {
    mkdirSync(join(ws, file, '..'), { recursive: true });
    writeFileSync(join(ws, file), file);
  }
  writeFileSync(join(scratch, 'secret.txt'), 'outside');
  symlinkSync('app.js', join(ws, 'dist/inside-link'));
  symlinkSync('/etc/passwd', join(ws, 'abs-link'));
  symlinkSync('../secret.txt', join(ws, 'rel-out-link'));
  symlinkSync(scratch, join(ws, 'dir-out'));
  symlinkSync('dist', join(ws, 'dist-alias'));
});

const paths = async (patterns: string[]) => {
  const { entries, warnings } = await resolveArtifactPaths(ws, patterns);
  return { names: entries.map((entry) => `${entry.type[0]}:${entry.path}`), warnings };
};

test('globSegmentPattern matches * and ? within one name', () => {
  assert.ok(globSegmentPattern('*.txt').test('a.txt'));
  assert.ok(!globSegmentPattern('*.txt').test('a.txt.bak'));
  assert.ok(globSegmentPattern('?.log').test('c.log'));
  assert.ok(globSegmentPattern('a+(b).txt').test('a+(b).txt'));
});

test('a directory is taken recursively, links inside it as links', async () => {
  const { names, warnings } = await paths(['dist/']);
  assert.deepEqual(names, [
    'd:dist',
    'f:dist/app.js',
    's:dist/inside-link',
    'd:dist/sub',
    'f:dist/sub/deep.txt',
  ]);
  assert.deepEqual(warnings, []);
});

test('globs match within a directory and ** across directories', async () => {
  assert.deepEqual((await paths(['build/*.txt'])).names, ['f:build/a.txt', 'f:build/b.txt']);
  assert.deepEqual((await paths(['build/?.log'])).names, ['f:build/c.log']);
  assert.deepEqual((await paths(['**/*.xml'])).names, ['f:report.xml', 'f:x/y/z.xml']);
});

test('duplicates across patterns are archived once', async () => {
  const { names } = await paths(['build/a.txt', 'build/', 'build/*.txt']);
  assert.deepEqual(names, ['f:build/a.txt', 'd:build', 'f:build/b.txt', 'f:build/c.log']);
});

test('absolute paths and .. are refused with a warning', async () => {
  const { names, warnings } = await paths(['/etc/passwd', '../secret.txt', 'dist/../../secret.txt']);
  assert.deepEqual(names, []);
  assert.equal(warnings.length, 3);
  assert.match(warnings[0]!, /\/etc\/passwd: refused, an artifact path must be relative/);
  assert.match(warnings[1]!, /must stay inside the project directory/);
});

test('links pointing outside are refused; leading through one is refused', async () => {
  const { names, warnings } = await paths(['abs-link', 'rel-out-link', 'dir-out/secret.txt']);
  assert.deepEqual(names, []);
  assert.match(warnings.join('\n'), /abs-link: refused, the symbolic link points outside/);
  assert.match(warnings.join('\n'), /rel-out-link: refused, the symbolic link points outside/);
  assert.match(warnings.join('\n'), /dir-out.*leads out of the project directory/);
});

test('a link to an inside directory is archived as a link, not followed', async () => {
  assert.deepEqual((await paths(['dist-alias'])).names, ['s:dist-alias']);
  assert.deepEqual((await paths(['dist-alias/app.js'])).names, ['f:dist-alias/app.js']);
});

test('a path matching nothing is a warning', async () => {
  const { names, warnings } = await paths(['missing/', 'nothing-*.bin']);
  assert.deepEqual(names, []);
  assert.deepEqual(warnings, [
    'missing/: no matching files. Ensure that the artifact path is relative to the working directory',
    'nothing-*.bin: no matching files. Ensure that the artifact path is relative to the working directory',
  ]);
});
