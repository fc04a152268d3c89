import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics } from './diagnostics.ts';
import {
  checkKeys,
  childWhere,
  closest,
  indexWhere,
  readBoolean,
  readCommands,
  readDuration,
  readEnum,
  readInteger,
  readMap,
  readString,
  readStringList,
} from './node-readers.ts';
import type { YamlMap, YamlNode } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function node(yaml: string): YamlNode {
  const root = parseYamlSource('f.yml', `v: ${yaml}\n`).root as YamlMap;
  return root.entries[0]!.value;
}

function run<T>(read: (d: ReturnType<typeof createDiagnostics>) => T): [T, string[]] {
  const diagnostics = createDiagnostics();
  const value = read(diagnostics);
  return [value, diagnostics.errors.map((e) => `${e.line}:${e.column} ${e.message}`)];
}

test('names places like GitLab paths', () => {
  assert.equal(childWhere('', 'stages'), 'stages');
  assert.equal(childWhere('job "a"', 'retry'), 'job "a" retry');
  assert.equal(childWhere('job "a" retry', 'max'), 'job "a" retry:max');
  assert.equal(indexWhere('stages', 2), 'stages[2]');
});

test('reads scalars or reports what was expected', () => {
  assert.deepEqual(
    run((d) => readString(d, node('"x"'), 'w')),
    ['x', []],
  );
  assert.deepEqual(
    run((d) => readString(d, node('""'), 'w')),
    [undefined, ['1:4 w: expected a non-empty string, got ""']],
  );
  assert.deepEqual(
    run((d) => readString(d, node('""'), 'w', { allowEmpty: true })),
    ['', []],
  );
  assert.deepEqual(
    run((d) => readString(d, node('3'), 'w')),
    [undefined, ['1:4 w: expected a non-empty string, got 3']],
  );
  assert.deepEqual(
    run((d) => readBoolean(d, node('yes'), 'w')),
    [true, []],
  );
  assert.deepEqual(
    run((d) => readBoolean(d, node('"true"'), 'w')),
    [undefined, ['1:4 w: expected true or false, got "true"']],
  );
  assert.deepEqual(
    run((d) => readInteger(d, node('2'), 'w', 0, 2)),
    [2, []],
  );
  assert.deepEqual(
    run((d) => readInteger(d, node('3'), 'w', 0, 2)),
    [undefined, ['1:4 w: expected an integer from 0 to 2, got 3']],
  );
  assert.deepEqual(
    run((d) => readEnum(d, node('b'), 'w', ['a', 'b'])),
    ['b', []],
  );
  assert.deepEqual(
    run((d) => readEnum(d, node('c'), 'w', ['a', 'b'])),
    [undefined, ['1:4 w: expected one of a, b, got "c"']],
  );
  assert.deepEqual(
    run((d) => readMap(d, node('[1]'), 'w')),
    [undefined, ['1:4 w: expected a mapping, got a list']],
  );
});

test('reads lists and commands', () => {
  assert.deepEqual(
    run((d) => readStringList(d, node('[a, b]'), 'w')),
    [['a', 'b'], []],
  );
  assert.deepEqual(
    run((d) => readStringList(d, node('a'), 'w', { allowSingle: true })),
    [['a'], []],
  );
  assert.deepEqual(
    run((d) => readStringList(d, node('[a, 1]'), 'w')),
    [undefined, ['1:8 w[1]: expected a non-empty string, got 1']],
  );
  assert.deepEqual(
    run((d) => readStringList(d, node('[a, b, c]'), 'w', { max: 2 })),
    [undefined, ['1:4 w: expected at most 2 entries, got 3']],
  );
  assert.deepEqual(
    run((d) => readCommands(d, node('echo hi'), 'w')),
    [['echo hi'], []],
  );
  assert.deepEqual(
    run((d) => readCommands(d, node('[a, [b, [c]], d]'), 'w')),
    [['a', 'b', 'c', 'd'], []],
  );
  assert.deepEqual(
    run((d) => readCommands(d, node('[a, {x: 1}]'), 'w')),
    [undefined, ['1:8 w[1]: expected a string or a nested list of strings, got a mapping']],
  );
});

test('reads durations', () => {
  assert.deepEqual(
    run((d) => readDuration(d, node('1h 30m'), 'w')),
    [5400, []],
  );
  assert.deepEqual(
    run((d) => readDuration(d, node('90'), 'w')),
    [90, []],
  );
  assert.deepEqual(
    run((d) => readDuration(d, node('never'), 'w', { allowNever: true })),
    [null, []],
  );
  assert.deepEqual(
    run((d) => readDuration(d, node('never'), 'w')),
    [undefined, ['1:4 w: expected a duration such as "30 minutes", "1h 30m" or "2 days", got "never"']],
  );
  assert.deepEqual(
    run((d) => readDuration(d, node('0'), 'w')),
    [undefined, ['1:4 w: expected a duration such as "30 minutes", "1h 30m" or "2 days", got 0']],
  );
  assert.deepEqual(
    run((d) => readDuration(d, node('2 weeks'), 'w', { maxSeconds: 604800, maxText: '1 week' })),
    [undefined, ['1:4 w: expected a duration of at most 1 week, got "2 weeks"']],
  );
});

test('reports unknown and unsupported keys', () => {
  const map = node('{scrpt: 1, cache: 2, zzz: 3, stage: 4}') as YamlMap;
  const [, errors] = run((d) =>
    checkKeys(d, map, 'job "a"', ['script', 'stage'], { cache: 'caches are not supported' }),
  );
  assert.deepEqual(errors, [
    '1:5 job "a": unknown keyword "scrpt" (did you mean "script"?)',
    '1:15 job "a": unsupported keyword "cache": caches are not supported',
    '1:25 job "a": unknown keyword "zzz"; expected one of script, stage',
  ]);
  assert.equal(closest('stges', ['stages', 'stage']), 'stages');
  assert.equal(closest('x', ['stages']), undefined);
});
