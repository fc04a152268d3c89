import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWordList } from './word-list.ts';

test('commas and spaces separate words; blanks and repeats go', () => {
  assert.deepEqual(parseWordList(' docker, linux  arm64,,docker '), ['docker', 'linux', 'arm64']);
  assert.deepEqual(parseWordList('   '), []);
});
