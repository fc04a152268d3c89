import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FolderCandidate, topLevelEntries } from './environment-folders.ts';

const at = (minute: number) => `2026-11-29T12:${String(minute).padStart(2, '0')}:00.000Z`;

test('folders collapse into one entry with their size, by name among the other environments', () => {
  const environments: FolderCandidate[] = [
    { id: 1, name: 'production', updated_at: at(1) },
    { id: 2, name: 'review/b', updated_at: at(5) },
    { id: 3, name: 'review/a', updated_at: at(9) },
    { id: 4, name: 'review/c/deep', updated_at: at(2) },
    { id: 5, name: 'staging', updated_at: at(3) },
    { id: 6, name: 'review-x', updated_at: at(4) },
  ];
  assert.deepEqual(topLevelEntries(environments), [
    { name: 'production', folder: false, size: 1, environmentId: 1 },
    { name: 'review', folder: true, size: 3, environmentId: 3 },
    { name: 'review-x', folder: false, size: 1, environmentId: 6 },
    { name: 'staging', folder: false, size: 1, environmentId: 5 },
  ]);
});

test('a folder stands for its most recently updated environment, the newest id on a tie', () => {
  const entries = topLevelEntries([
    { id: 7, name: 'review/a', updated_at: at(1) },
    { id: 9, name: 'review/b', updated_at: at(1) },
    { id: 8, name: 'review/c', updated_at: at(1) },
  ]);
  assert.deepEqual(entries, [{ name: 'review', folder: true, size: 3, environmentId: 9 }]);
});

test('an environment named like a folder comes before the folder', () => {
  const entries = topLevelEntries([
    { id: 1, name: 'review/a', updated_at: at(1) },
    { id: 2, name: 'review', updated_at: at(1) },
  ]);
  assert.deepEqual(
    entries.map((entry) => [entry.name, entry.folder]),
    [
      ['review', false],
      ['review', true],
    ],
  );
});

test('no environments, no entries', () => {
  assert.deepEqual(topLevelEntries([]), []);
});
