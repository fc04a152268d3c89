import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareScopeSpecificity, isValidEnvironmentScope, scopeMatches } from './environment-scope.ts';

// [scope, environment name (null: the job has no environment), applies?]
const matches: Array<[string, string | null, boolean]> = [
  ['*', null, true],
  ['*', 'production', true],
  ['*', 'review/feature-1', true],
  ['production', 'production', true],
  ['production', 'production-eu', false],
  ['production', 'Production', false],
  ['production', null, false],
  ['review/*', 'review/feature-1', true],
  ['review/*', 'review/a/b', true],
  ['review/*', 'review/', true],
  ['review/*', 'review', false],
  ['review/*', 'staging', false],
  ['review/*', null, false],
  ['*-eu', 'production-eu', true],
  ['*-eu', 'production-us', false],
  ['prod*-eu', 'production-eu', true],
  ['prod*-eu', 'prod-eu', true],
  ['a.b', 'axb', false],
  ['a.b*', 'a.b-1', true],
  ['review/$CI_COMMIT_REF_SLUG', 'review/$CI_COMMIT_REF_SLUG', true],
  ['review/{x}', 'review/{x}', true],
];
for (const [scope, environment, expected] of matches) {
  test(`scope ${scope} ${expected ? 'applies' : 'does not apply'} to ${environment ?? '(no environment)'}`, () =>
    assert.equal(scopeMatches(scope, environment), expected));
}

// Each list holds scopes that all match the environment, from least to most specific.
const orders: Array<[string, string[]]> = [
  ['production', ['*', 'prod*', 'production']],
  ['review/app-1', ['*', 'review/*', 'review/app-*', 'review/app-1']],
  ['review/app-1', ['*', '*/app-1', 'review/app-1']],
];
for (const [environment, scopes] of orders) {
  test(`specificity for ${environment}: ${scopes.join(' < ')}`, () => {
    const shuffled = [...scopes].reverse();
    shuffled.sort((a, b) => compareScopeSpecificity(a, b, environment));
    assert.deepEqual(shuffled, scopes);
  });
}

test('two wildcard scopes of equal weight order the same whichever comes first', () => {
  const a = compareScopeSpecificity('rev*/x', 're*w/x', 'review/x');
  const b = compareScopeSpecificity('re*w/x', 'rev*/x', 'review/x');
  assert.notEqual(a, 0);
  assert.equal(Math.sign(a), -Math.sign(b));
});

const scopes: Array<[string, boolean]> = [
  ['*', true],
  ['production', true],
  ['review/*', true],
  ['review/$CI_COMMIT_REF_SLUG', true],
  ['my env', true],
  ['', false],
  [' production', false],
  ['production ', false],
  ['prod;rm', false],
  ['x'.repeat(256), false],
];
for (const [scope, valid] of scopes) {
  test(`environment scope ${JSON.stringify(scope.slice(0, 20))} is ${valid ? 'valid' : 'invalid'}`, () =>
    assert.equal(isValidEnvironmentScope(scope), valid));
}
