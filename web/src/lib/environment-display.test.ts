import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentLockKey, folderPrefix, tierTone } from './environment-display.ts';

test('tiers have their colours; unknown ones are neutral', () => {
  assert.equal(tierTone('production'), 'danger');
  assert.equal(tierTone('staging'), 'warning');
  assert.equal(tierTone('testing'), 'info');
  assert.equal(tierTone('development'), 'neutral');
  assert.equal(tierTone('other'), 'neutral');
});

test('lock keys and folder prefixes', () => {
  assert.equal(environmentLockKey(12), 'environment:12');
  assert.equal(folderPrefix('review'), 'review/');
});
