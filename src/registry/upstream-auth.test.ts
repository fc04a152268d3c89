import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenge } from './upstream-auth.ts';

test('parses Basic and Bearer challenges, keeping commas inside quoted values', () => {
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic' });
  assert.deepEqual(
    parseChallenge(
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"',
    ),
    { scheme: 'bearer', realm: 'https://auth.example.com/token', service: 'registry.example.com' },
  );
  assert.deepEqual(parseChallenge('bearer realm=https://auth.example.com/token'), {
    scheme: 'bearer',
    realm: 'https://auth.example.com/token',
    service: undefined,
  });
});

test('refuses schemes and realms it cannot answer', () => {
  assert.equal(parseChallenge(undefined), null);
  assert.equal(parseChallenge('Negotiate abc'), null);
  assert.equal(parseChallenge('Bearer service="x"'), null);
  assert.equal(parseChallenge('Bearer realm="file:///etc/passwd"'), null);
});
