import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckoutError, checkCheckoutSpec, jobTokenAuthorization } from './git-checkout.ts';

test('the job token is sent as Basic auth for gitlab-ci-token', () => {
  const header = jobTokenAuthorization('s3cret');
  assert.equal(header, `Basic ${Buffer.from('gitlab-ci-token:s3cret').toString('base64')}`);
});

const good = {
  repositoryUrl: 'https://gantry.example/team/app.git',
  sha: 'a'.repeat(40),
  ref: 'feature/x-1.2',
};

test('a sane spec passes', () => {
  checkCheckoutSpec(good);
  checkCheckoutSpec({
    ...good,
    repositoryUrl: 'http://127.0.0.1:8080/a/b.git',
    sha: 'b'.repeat(64),
    ref: 'v1.0.0',
  });
});

const bad: Array<[string, Partial<typeof good>, RegExp]> = [
  ['a short sha', { sha: 'abc123' }, /no valid commit id/],
  ['an option as sha', { sha: `--upload-pack=touch${'0'.repeat(20)}` }, /no valid commit id/],
  ['an upper-case sha', { sha: 'A'.repeat(40) }, /no valid commit id/],
  ['the ext transport', { repositoryUrl: 'ext::sh -c touch% /tmp/pwned' }, /not a URL|http or https/],
  ['a file URL', { repositoryUrl: 'file:///srv/repo.git' }, /must use http or https/],
  [
    'credentials in the URL',
    { repositoryUrl: 'https://gitlab-ci-token:t@gantry.example/a.git' },
    /must not carry credentials/,
  ],
  ['a ref that is an option', { ref: '--force' }, /no valid ref/],
  ['a ref with ..', { ref: 'a..b' }, /no valid ref/],
  ['a ref with a colon', { ref: 'a:b' }, /no valid ref/],
  ['an empty ref', { ref: '' }, /no valid ref/],
];

for (const [name, change, message] of bad) {
  test(`refused before git runs: ${name}`, () => {
    assert.throws(
      () => checkCheckoutSpec({ ...good, ...change }),
      (error: unknown) => {
        assert.ok(error instanceof CheckoutError);
        assert.match(error.message, message);
        return true;
      },
    );
  });
}
