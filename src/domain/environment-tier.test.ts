import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DeploymentTier, guessTier } from './environment-tier.ts';

const guesses: Array<[string, DeploymentTier]> = [
  ['production', 'production'],
  ['Production', 'production'],
  ['prod', 'production'],
  ['prd', 'production'],
  ['live', 'production'],
  ['eu-live-1', 'production'],
  ['staging', 'staging'],
  ['stg', 'staging'],
  ['stage', 'staging'],
  ['model', 'staging'],
  ['mdl', 'other'],
  ['modl', 'staging'],
  ['pre-production', 'staging'],
  ['demo', 'staging'],
  ['non-prod', 'staging'],
  ['test', 'testing'],
  ['tst', 'testing'],
  ['integration', 'testing'],
  ['acceptance', 'testing'],
  ['accept', 'testing'],
  ['accpt', 'other'],
  ['acpt', 'testing'],
  ['QA', 'testing'],
  ['qc', 'testing'],
  ['quality', 'testing'],
  ['control', 'testing'],
  ['development', 'development'],
  ['dev', 'development'],
  ['review/feature-x', 'development'],
  ['trunk', 'development'],
  // The order decides names matching several patterns.
  ['review/prod-fix', 'development'],
  ['dev-test', 'development'],
  ['test-staging', 'testing'],
  ['staging-live', 'staging'],
  ['sandbox', 'other'],
  ['canary', 'other'],
  ['', 'other'],
];
for (const [name, tier] of guesses) {
  test(`tier of ${JSON.stringify(name)} is ${tier}`, () => assert.equal(guessTier(name), tier));
}
