import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_SECRET_VALUE_BYTES,
  secretKeyProblem,
  secretsForEnvironment,
  secretValueProblem,
} from './environment-secret.ts';

// [key, accepted?]
const keys: Array<[string, boolean]> = [
  ['DATABASE_URL', true],
  ['tls.crt', true],
  ['app-config.yaml', true],
  ['.env', true],
  ['a..b', true],
  ['_', true],
  ['k'.repeat(253), true],
  ['k'.repeat(254), false],
  ['', false],
  ['.', false],
  ['..', false],
  ['..data', false],
  ['with space', false],
  ['a/b', false],
  ['a=b', false],
  ['ключ', false],
];
for (const [key, ok] of keys) {
  test(`secret key ${JSON.stringify(key.length > 20 ? `${key.slice(0, 8)}…(${key.length})` : key)} is ${ok ? 'accepted' : 'refused'}`, () =>
    assert.equal(secretKeyProblem(key) === null, ok));
}

test('values are limited in UTF-8 bytes, and the problem never repeats the value', () => {
  assert.equal(secretValueProblem(''), null);
  assert.equal(secretValueProblem('x'.repeat(MAX_SECRET_VALUE_BYTES)), null);
  const tooLong = `${'s'.repeat(MAX_SECRET_VALUE_BYTES - 1)}é`;
  const problem = secretValueProblem(tooLong);
  assert.match(problem ?? '', /at most 65536 bytes \(64 KiB\); this one has 65537/);
  assert.ok(!(problem ?? '').includes('ssss'));
});

// [environment, the scopes stored for one key, the scope that wins (null: none applies)]
const precedence: Array<[string, string[], string | null]> = [
  ['production', ['*'], '*'],
  ['production', ['*', 'production'], 'production'],
  ['production', ['production', '*'], 'production'],
  ['production', ['prod*', '*'], 'prod*'],
  ['production', ['prod*', 'production', '*'], 'production'],
  ['review/app-1', ['*', 'review/*', 'review/app-*'], 'review/app-*'],
  ['review/app-1', ['review/app-*', 'review/*'], 'review/app-*'],
  ['staging', ['review/*', 'production'], null],
  ['staging', [], null],
];
for (const [environment, scopes, winner] of precedence) {
  test(`${environment} with scopes [${scopes.join(', ')}] gets ${winner ?? 'nothing'}`, () => {
    const chosen = secretsForEnvironment(
      scopes.map((scope) => ({ key: 'K', environment_scope: scope })),
      environment,
    );
    assert.deepEqual(
      chosen.map((s) => s.environment_scope),
      winner === null ? [] : [winner],
    );
  });
}

test('each key is chosen on its own, and the result is sorted by key', () => {
  const stored = [
    { key: 'TOKEN', environment_scope: '*', value: 'any' },
    { key: 'API_URL', environment_scope: 'production', value: 'prod' },
    { key: 'API_URL', environment_scope: '*', value: 'default' },
    { key: 'ONLY_REVIEW', environment_scope: 'review/*', value: 'review' },
  ];
  const values = (environment: string) =>
    secretsForEnvironment(stored, environment).map((s) => `${s.key}=${s.value}`);
  assert.deepEqual(values('production'), ['API_URL=prod', 'TOKEN=any']);
  assert.deepEqual(values('review/x'), ['API_URL=default', 'ONLY_REVIEW=review', 'TOKEN=any']);
  assert.deepEqual(values('staging'), ['API_URL=default', 'TOKEN=any']);
});
