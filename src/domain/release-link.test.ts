import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from './errors.ts';
import { assertDistinctLinks, validReleaseLink } from './release-link.ts';

// [url, accepted?]
const urls: Array<[string, boolean]> = [
  ['https://example.com/app.tar.gz', true],
  ['http://10.0.0.1:8080/x?y=1#z', true],
  ['HTTPS://EXAMPLE.COM/', true],
  ['ftp://example.com/file', false],
  ['javascript:alert(1)', false],
  ['file:///etc/passwd', false],
  ['data:text/plain,hi', false],
  ['ssh://git@example.com/repo', false],
  ['example.com/app', false],
  ['not a url', false],
  ['', false],
  [`https://example.com/${'a'.repeat(2048)}`, false],
];
for (const [url, accepted] of urls) {
  test(`asset link URL ${url.slice(0, 40) || '(empty)'} is ${accepted ? 'accepted' : 'refused'}`, () => {
    if (accepted) {
      assert.equal(validReleaseLink({ name: 'n', url }).url, url);
    } else {
      assert.throws(
        () => validReleaseLink({ name: 'n', url }, '/assets/links/2'),
        (error: unknown) =>
          error instanceof GantryError &&
          error.code === 'validation_failed' &&
          error.details[0]?.path === '/assets/links/2/url',
      );
    }
  });
}

test('names are trimmed and required; link_type defaults to other and must be known', () => {
  assert.deepEqual(validReleaseLink({ name: '  bin ', url: 'https://e.com/' }), {
    name: 'bin',
    url: 'https://e.com/',
    link_type: 'other',
  });
  assert.equal(
    validReleaseLink({ name: 'r', url: 'https://e.com/', link_type: 'runbook' }).link_type,
    'runbook',
  );
  assert.throws(() => validReleaseLink({ name: '  ', url: 'https://e.com/' }), /needs a name/);
  assert.throws(
    () => validReleaseLink({ name: 'x', url: 'https://e.com/', link_type: 'binary' as 'other' }),
    /link_type must be one of other, runbook, image, package/,
  );
});

test('links given together differ in name and URL', () => {
  const a = { name: 'a', url: 'https://e.com/a', link_type: 'other' as const };
  const b = { name: 'b', url: 'https://e.com/b', link_type: 'other' as const };
  assertDistinctLinks([a, b]);
  assert.throws(
    () => assertDistinctLinks([a, b, { ...b, name: 'c' }]),
    (error: unknown) => error instanceof GantryError && error.details[0]?.path === '/assets/links/2/url',
  );
  assert.throws(
    () => assertDistinctLinks([a, { ...a, url: 'https://e.com/c' }]),
    (error: unknown) => error instanceof GantryError && error.details[0]?.path === '/assets/links/1/name',
  );
});
