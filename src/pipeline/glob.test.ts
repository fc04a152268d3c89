import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGlob, matchesGlob } from './glob.ts';

test('matches like fnmatch with pathname, dotmatch and braces', () => {
  const table: Array<[string, string, boolean]> = [
    ['Dockerfile', 'Dockerfile', true],
    ['Dockerfile', 'docker/Dockerfile', false],
    ['*.md', 'README.md', true],
    ['*.md', 'docs/README.md', false],
    ['*.md', '.hidden.md', true],
    ['docs/**/*', 'docs/a.md', true],
    ['docs/**/*', 'docs/a/b/c.md', true],
    ['docs/**/*', 'src/a.md', false],
    ['**/*.js', 'a.js', true],
    ['**/*.js', 'x/y/a.js', true],
    ['src/*', 'src/a/b', false],
    ['src/**', 'src/a', true],
    ['src/**', 'src/a/b', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file12.txt', false],
    ['[ab].txt', 'a.txt', true],
    ['[!ab].txt', 'a.txt', false],
    ['[!ab].txt', 'c.txt', true],
    ['{src,lib}/**/*.ts', 'lib/x.ts', true],
    ['{src,lib}/**/*.ts', 'test/x.ts', false],
    ['/k8s/*.yaml', 'k8s/app.yaml', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a.b', 'axb', false],
  ];
  for (const [pattern, path, expected] of table)
    assert.equal(matchesGlob(pattern, path), expected, `${pattern} ~ ${path}`);
});

test('malformed patterns never match', () => {
  for (const pattern of ['[abc', '{a,b', 'x\\', 'a'.repeat(1001)]) {
    assert.equal(compileGlob(pattern), null, pattern);
    assert.equal(matchesGlob(pattern, 'a'), false);
  }
});

test('pathological globs stay fast', () => {
  const pattern = `${'*a'.repeat(40)}b`;
  const started = performance.now();
  assert.equal(matchesGlob(pattern, 'a'.repeat(200)), false);
  assert.ok(performance.now() - started < 2000);
});
