import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateProjectPath } from './project-path.ts';

const valid = ['app', 'group/app', 'a/b/c/d/e', 'my_app-2', 'v1.2', '_internal/x'];
const invalid = [
  '',
  '../etc',
  'group/../app',
  'group/./app',
  './app',
  '.hidden',
  '-flag',
  'group//app',
  '/abs',
  'trailing/',
  'a\\b',
  'app.git',
  'a/b.git',
  'feed.atom',
  'with space',
  'nul\0byte',
  'a/b/c/d/e/f',
  'api/x',
  'v2/app',
  'x'.repeat(201),
  'a..b',
  'é',
];

for (const path of valid) test(`accepts ${path}`, () => assert.equal(validateProjectPath(path), path));
for (const path of invalid) {
  test(`rejects ${JSON.stringify(path).slice(0, 40)}`, () => {
    assert.throws(
      () => validateProjectPath(path),
      (error: Error) => /invalid project path/.test(error.message),
    );
  });
}
