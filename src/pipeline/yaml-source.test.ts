import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeNode, mapValue, type YamlMap, type YamlNode } from './yaml-node.ts';
import { MAX_EXPANDED_NODES, parseYamlSource } from './yaml-source.ts';

function plain(node: YamlNode | null): unknown {
  if (node === null) return null;
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(plain);
  return Object.fromEntries(node.entries.map((entry) => [entry.key, plain(entry.value)]));
}

function errors(text: string): string[] {
  return parseYamlSource('f.yml', text).errors.map((e) => `${e.line}:${e.column} ${e.message}`);
}

test('parses with YAML 1.1 scalars as GitLab does', () => {
  const { root, errors } = parseYamlSource('f.yml', 'a: yes\nb: 0777\nc: 2024-01-01\nd: ~\ne: "x"\n');
  assert.deepEqual(errors, []);
  assert.deepEqual(plain(root), { a: true, b: 511, c: '2024-01-01', d: null, e: 'x' });
});

test('keeps 1-based positions of keys and values', () => {
  const { root } = parseYamlSource('f.yml', 'job:\n  script: "echo hi"\n');
  const job = mapValue(root as YamlMap, 'job') as YamlMap;
  assert.deepEqual(job.entries[0]!.keyPosition, { file: 'f.yml', line: 2, column: 3 });
  assert.deepEqual(job.entries[0]!.value.position, { file: 'f.yml', line: 2, column: 11 });
  const script = job.entries[0]!.value;
  assert.equal(script.kind, 'scalar');
  if (script.kind === 'scalar') assert.deepEqual(script.locate(5), { file: 'f.yml', line: 2, column: 17 });
});

test('resolves aliases and merge keys, explicit keys winning', () => {
  const text = '.base: &base\n  a: 1\n  b: 2\njob:\n  <<: *base\n  b: 3\nlist: &l [x, y]\nother: *l\n';
  const { root, errors } = parseYamlSource('f.yml', text);
  assert.deepEqual(errors, []);
  assert.deepEqual(plain(root), {
    '.base': { a: 1, b: 2 },
    job: { a: 1, b: 3 },
    list: ['x', 'y'],
    other: ['x', 'y'],
  });
});

test('merge keys accept lists of aliases; earlier ones win', () => {
  const text = 'x: &x {a: 1}\ny: &y {a: 2, b: 2}\nz:\n  <<: [*x, *y]\n';
  assert.deepEqual(plain(parseYamlSource('f.yml', text).root), {
    x: { a: 1 },
    y: { a: 2, b: 2 },
    z: { a: 1, b: 2 },
  });
});

test('reports syntax errors with positions', () => {
  assert.deepEqual(errors('a: 1\na: 2\n'), ['2:1 invalid YAML: Map keys must be unique']);
  assert.deepEqual(errors('a:\n\tb: 1\n'), ['2:1 invalid YAML: Tabs are not allowed as indentation']);
  assert.deepEqual(errors('a: "open\n'), ['2:1 invalid YAML: Missing closing "quote']);
  assert.deepEqual(errors('a: 1\n---\nb: 2\n'), [
    '2:1 invalid YAML: Source contains multiple documents; please use YAML.parseAllDocuments()',
  ]);
});

test('reports unsupported tags, unknown aliases and complex keys', () => {
  assert.deepEqual(errors('a: !reference [.x, script]\n'), [
    '1:4 !reference tags are not supported by Gantry; use extends: or YAML anchors instead',
  ]);
  assert.deepEqual(errors('a: !!binary aGk=\n'), [
    '1:4 unsupported YAML tag !!binary; expected plain strings, numbers, booleans, lists and mappings',
  ]);
  assert.deepEqual(errors('a: *nope\n'), [
    '1:4 unknown alias *nope; expected an anchor (&nope) defined before it',
  ]);
  assert.deepEqual(errors('? [a]\n: 1\n'), ['1:3 expected a plain key (a string), got a complex key']);
  assert.deepEqual(errors('1: a\n"1": b\n'), ['2:1 invalid YAML: duplicate key "1"']);
});

test('rejects alias bombs instead of expanding them', () => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  const started = performance.now();
  const result = parseYamlSource('f.yml', lines.join('\n'));
  assert.equal(result.root, null);
  assert.match(result.errors[0]!.message, new RegExp(`more than ${MAX_EXPANDED_NODES}`));
  assert.ok(performance.now() - started < 5000);
});

test('an empty document has no root and no errors', () => {
  assert.deepEqual(parseYamlSource('f.yml', '# only a comment\n'), { root: null, errors: [], warnings: [] });
  assert.equal(describeNode(parseYamlSource('f.yml', '- a\n').root!), 'a list');
});
