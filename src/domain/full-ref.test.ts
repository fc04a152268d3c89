import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fullRef, parseFullRef } from './full-ref.ts';

const table: Array<[string, { name: string; refType: 'branch' | 'tag' } | null]> = [
  ['refs/heads/main', { name: 'main', refType: 'branch' }],
  ['refs/heads/feature/x', { name: 'feature/x', refType: 'branch' }],
  ['refs/tags/v1.0', { name: 'v1.0', refType: 'tag' }],
  ['refs/heads/', null],
  ['refs/merge-requests/1/head', null],
  ['main', null],
  ['', null],
];
for (const [ref, expected] of table) {
  test(`parseFullRef(${JSON.stringify(ref)})`, () => {
    assert.deepEqual(parseFullRef(ref), expected);
    if (expected) assert.equal(fullRef(expected.name, expected.refType), ref);
  });
}
