import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeNode, entryOf, mapValue, plainScalar, withoutKey, type YamlMap } from './yaml-node.ts';

const at = { file: 'f.yml', line: 1, column: 1 };

test('describes values for messages', () => {
  assert.equal(describeNode(plainScalar('x', at)), '"x"');
  assert.equal(describeNode(plainScalar(3, at)), '3');
  assert.equal(describeNode(plainScalar(null, at)), 'null');
  assert.equal(describeNode(plainScalar(true, at)), 'true');
  assert.equal(describeNode({ kind: 'seq', position: at, items: [] }), 'a list');
  assert.equal(describeNode({ kind: 'map', position: at, entries: [] }), 'a mapping');
  assert.equal(describeNode(plainScalar('a'.repeat(50), at)), `"${'a'.repeat(40)}…"`);
});

test('looks up and removes keys without mutating', () => {
  const map: YamlMap = {
    kind: 'map',
    position: at,
    entries: [
      { key: 'a', keyPosition: at, value: plainScalar(1, at) },
      { key: 'b', keyPosition: at, value: plainScalar(2, at) },
    ],
  };
  assert.equal(entryOf(map, 'b')?.key, 'b');
  assert.deepEqual(mapValue(map, 'a'), plainScalar(1, at) && map.entries[0]!.value);
  assert.equal(mapValue(map, 'c'), undefined);
  assert.deepEqual(
    withoutKey(map, 'a').entries.map((e) => e.key),
    ['b'],
  );
  assert.equal(map.entries.length, 2);
  assert.equal(plainScalar('x', at).locate(5), at);
});
