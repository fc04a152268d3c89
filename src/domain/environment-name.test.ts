import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentFolder, validateEnvironmentName } from './environment-name.ts';
import { GantryError } from './errors.ts';

const valid = [
  'production',
  'staging',
  'review/feature-x',
  'review/a/b',
  'review//double',
  'Review/Fix_123',
  'my env',
  'review/$CI_COMMIT_REF_SLUG',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
  'review/${CI_COMMIT_REF_SLUG}',
  'v1.2.3',
  'a',
  '-',
  'x'.repeat(255),
];
for (const name of valid) {
  test(`environment name "${name.slice(0, 40)}" is valid`, () => validateEnvironmentName(name));
}

// [name, part of the message]
const invalid: Array<[string, string]> = [
  ['', '1 to 255 characters'],
  ['x'.repeat(256), '1 to 255 characters'],
  [' ', 'must not be blank'],
  ['   ', 'must not be blank'],
  ['/production', "cannot start nor end with '/'"],
  ['review/', "cannot start nor end with '/'"],
  ['/', "cannot start nor end with '/'"],
  ['prod*', 'can contain only letters'],
  ['prod:eu', 'can contain only letters'],
  ['prod\\eu', 'can contain only letters'],
  ['prod\neu', 'can contain only letters'],
  ['prödüction', 'can contain only letters'],
];
for (const [name, why] of invalid) {
  test(`environment name ${JSON.stringify(name.slice(0, 40))} is invalid: ${why}`, () =>
    assert.throws(
      () => validateEnvironmentName(name),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'validation_failed' &&
        error.message.includes(`"${name}"`) &&
        error.message.includes(why) &&
        error.details[0]?.path === '/name',
    ));
}

const folders: Array<[string, string | null]> = [
  ['production', null],
  ['review/feature-x', 'review'],
  ['review/a/b', 'review'],
  ['review//double', 'review'],
];
for (const [name, folder] of folders) {
  test(`folder of ${name} is ${folder}`, () => assert.equal(environmentFolder(name), folder));
}
