import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepMerge } from './deep-merge.ts';
import type { YamlMap, YamlNode } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function plain(node: YamlNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(plain);
  return Object.fromEntries(node.entries.map((entry) => [entry.key, plain(entry.value)]));
}

function merge(base: string, override: string): unknown {
  const a = (parseYamlSource('a.yml', `v: ${base}`).root as YamlMap).entries[0]!.value;
  const b = (parseYamlSource('b.yml', `v: ${override}`).root as YamlMap).entries[0]!.value;
  return plain(deepMerge(a, b));
}

test('hashes merge, arrays and scalars replace', () => {
  const table: Array<[string, string, unknown]> = [
    ['{a: 1, b: 2}', '{b: 3, c: 4}', { a: 1, b: 3, c: 4 }],
    ['{v: {X: 1, Y: 2}}', '{v: {Y: 3}}', { v: { X: 1, Y: 3 } }],
    ['{script: [a, b]}', '{script: [c]}', { script: ['c'] }],
    ['{rules: [{if: x}]}', '{rules: []}', { rules: [] }],
    ['{image: a}', '{image: {name: b}}', { image: { name: 'b' } }],
    ['{image: {name: b, entrypoint: [x]}}', '{image: c}', { image: 'c' }],
    ['{a: {b: {c: 1, d: 2}}}', '{a: {b: {d: 3}}}', { a: { b: { c: 1, d: 3 } } }],
    ['{a: 1}', '{a: null}', { a: null }],
    ['[1, 2]', '[3]', [3]],
    ['x', '{a: 1}', { a: 1 }],
  ];
  for (const [base, override, expected] of table)
    assert.deepEqual(merge(base, override), expected, `${base} + ${override}`);
});

test('keeps base order and the overriding positions', () => {
  const a = parseYamlSource('a.yml', 'x: 1\ny: 2\n').root as YamlMap;
  const b = parseYamlSource('b.yml', 'z: 3\nx: 4\n').root as YamlMap;
  const merged = deepMerge(a, b) as YamlMap;
  assert.deepEqual(
    merged.entries.map((e) => `${e.key}@${e.keyPosition.file}:${e.keyPosition.line}`),
    ['x@b.yml:2', 'y@a.yml:2', 'z@b.yml:1'],
  );
  assert.equal(a.entries.length, 2, 'inputs are not modified');
});
