import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isProtectedRef, isValidRefPattern, refPatternMatches } from './protected-ref.ts';

// [pattern, ref, covered?] — GitLab's RefMatcher semantics.
const table: Array<[string, string, boolean]> = [
  ['main', 'main', true],
  ['main', 'main2', false],
  ['main', 'Main', false],
  ['main', 'feature/main', false],
  ['*', 'main', true],
  ['*', 'feature/deep/branch', true],
  ['release/*', 'release/1.0', true],
  ['release/*', 'release/a/b', true],
  ['release/*', 'release/', true],
  ['release/*', 'release', false],
  ['release/*', 'prerelease/1.0', false],
  ['*-stable', '8-1-stable', true],
  ['*-stable', 'stable', false],
  ['*-stable', '8-1-stable-fix', false],
  ['7.*.x', '7.3.x', true],
  ['7.*.x', '7.3.x-patch', false],
  ['7.*.x', '703x', false],
  ['v*', 'v1.2.3', true],
  ['v*', 'version', true],
  ['v*', 'av1', false],
  ['feat*/*', 'feature/login', true],
  ['feat*/*', 'feature', false],
  ['a+b', 'a+b', true],
  ['a+b', 'aab', false],
  ['(x)*', '(x)yz', true],
  ['', '', false],
  ['', 'main', false],
];
for (const [pattern, ref, expected] of table) {
  test(`${pattern || '(empty)'} ${expected ? 'covers' : 'does not cover'} ${ref || '(empty)'}`, () =>
    assert.equal(refPatternMatches(pattern, ref), expected));
}

test('isProtectedRef: any rule covering the ref protects it', () => {
  assert.equal(isProtectedRef([], 'main'), false);
  assert.equal(isProtectedRef(['release/*', 'main'], 'main'), true);
  assert.equal(isProtectedRef(['release/*', 'main'], 'release/2'), true);
  assert.equal(isProtectedRef(['release/*', 'main'], 'feature/x'), false);
});

const names: Array<[string, boolean]> = [
  ['main', true],
  ['release/*', true],
  ['*-stable', true],
  ['*', true],
  ['v1.*', true],
  ['', false],
  ['with space', false],
  ['-leading-dash', false],
  ['/leading-slash', false],
  ['trailing/', false],
  ['double//slash', false],
  ['refs/heads/main', false],
  ['what?', false],
  ['tilde~1', false],
  ['caret^', false],
  ['co:lon', false],
  ['brack[et', false],
  ['back\\slash', false],
  ['x'.repeat(256), false],
];
for (const [name, valid] of names) {
  test(`rule name ${JSON.stringify(name.slice(0, 20))} is ${valid ? 'valid' : 'invalid'}`, () =>
    assert.equal(isValidRefPattern(name), valid));
}
