import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentSlug } from './environment-slug.ts';

// The cases of GitLab's own slug specification, with the real SHA-256 suffixes (computed
// independently) in place of the stubbed digest GitLab's test uses.
const slugs: Array<[string, string]> = [
  ['production', 'production'],
  ['staging-12345678901234567', 'staging-123456789-s729ne'],
  ['9-staging-123456789012345', 'env-9-staging-123-f6hm7j'],
  ['staging-1234567890123456', 'staging-1234567890123456'],
  ['staging-1234567890123456-', 'staging-123456789-y52hkh'],
  ['PRODUCTION', 'production-vl4voz'],
  ['review/1-foo', 'review-1-foo-9tdj0u'],
  ['1-foo', 'env-1-foo-1k46wz'],
  ['1/foo', 'env-1-foo-t4rmb4'],
  ['foo-', 'foo'],
  ['foo--bar', 'foo-bar-q006cp'],
  ['foo**bar', 'foo-bar-3jfdn1'],
  ['*-foo', 'env-foo-i1o6om'],
  ['staging-12345678-', 'staging-12345678'],
  ['staging-12345678-01234567', 'staging-12345678-f21q2q'],
  ['', 'env-qhkd3p'],
  ['review/feature-x', 'review-feature-x-bjrazc'],
  ['Review/Fix_123', 'review-fix-123-h29g9n'],
  ['1abc', 'env-1abc-rpfhi6'],
  ['review/a-very-long-feature-branch-name-x', 'review-a-very-lon-zxphjk'],
  ['Ünïcode', 'env-n-code-npeld8'],
];
for (const [name, slug] of slugs) {
  test(`slug of ${JSON.stringify(name)} is ${slug}`, () => assert.equal(environmentSlug(name), slug));
}

test('every slug is a valid GitLab environment slug of at most 24 characters', () => {
  for (const [name] of slugs) {
    const slug = environmentSlug(name);
    assert.match(slug, /^[a-z]([a-z0-9-]*[a-z0-9])?$/);
    assert.ok(slug.length <= 24, slug);
  }
});
