import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readManifestDocuments } from './manifest-documents.ts';

const read = (text: string) => readManifestDocuments(text, { name: 'deploy/web.yaml' });

test('reads documents with their file:line, skipping empty ones', () => {
  const text = `---
# nothing here
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: "fast"
---
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
`;
  assert.deepEqual(read(text), [
    {
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'fast' } },
      source: 'deploy/web.yaml:4',
    },
    {
      object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
      source: 'deploy/web.yaml:12',
    },
  ]);
  assert.deepEqual(read(''), []);
  assert.deepEqual(read('# only a comment\n---\n'), []);
});

test('reads values as kubectl does: YAML 1.1 scalars, merge keys, dates as strings', () => {
  const [rendered] = read(`apiVersion: v1
kind: ConfigMap
metadata: {name: c}
x-common: &common {a: 1}
spec:
  defaultMode: 0644
  enabled: yes
  since: 2024-01-01
  merged: {<<: *common, b: 2}
`);
  assert.deepEqual(rendered!.object.spec, {
    defaultMode: 0o644,
    enabled: true,
    since: '2024-01-01',
    merged: { a: 1, b: 2 },
  });
});

test('takes the items of a List (nested too) as objects, each with its own line', () => {
  const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: web}
  - apiVersion: v1
    kind: ServiceList
    items:
      - apiVersion: v1
        kind: Service
        metadata: {name: api}
`;
  assert.deepEqual(
    read(text).map((r) => [r.object.metadata.name, r.source]),
    [
      ['web', 'deploy/web.yaml:4'],
      ['api', 'deploy/web.yaml:10'],
    ],
  );
});

test('reads JSON files', () => {
  const text = '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "shop"}\n}\n';
  assert.deepEqual(readManifestDocuments(text, { name: 'ns.json' }), [
    { object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, source: 'ns.json:1' },
  ]);
});

test('sourceOf names objects from the comment before their document', () => {
  const text =
    '---\n# Source: shop/templates/web.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n';
  const [rendered] = readManifestDocuments(text, {
    name: 'output of helm template chart',
    sourceOf: (line, comment) => `chart ${comment.trim()} @${line}`,
  });
  assert.equal(rendered!.source, 'chart Source: shop/templates/web.yaml @3');
});

test('errors name file:line:column and what is wrong', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'bad indentation',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n    labels: x\n',
      /^deploy\/web\.yaml:4:9: Nested mappings are not allowed/,
    ],
    [
      'duplicate key',
      'apiVersion: v1\nkind: Service\nkind: Pod\nmetadata: {name: a}\n',
      /^deploy\/web\.yaml:3:1: Map keys must be unique/,
    ],
    [
      'no metadata.name',
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n\napiVersion: v1\nkind: Service\nmetadata: {labels: {}}\n',
      /^deploy\/web\.yaml:6:1: a Kubernetes object needs apiVersion, kind and metadata\.name; this one has no metadata\.name$/,
    ],
    [
      'nothing but a name',
      'metadata: {name: a}\n',
      /^deploy\/web\.yaml:1:1: a Kubernetes object needs apiVersion, kind and metadata\.name; this one has no apiVersion, kind$/,
    ],
    [
      'a list item without kind',
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    metadata: {name: a}\n',
      /^deploy\/web\.yaml:4:5: a Kubernetes object needs apiVersion, kind and metadata\.name; this one has no kind$/,
    ],
    [
      'a scalar',
      'just text\n',
      /^deploy\/web\.yaml:1:1: expected a Kubernetes object with apiVersion, kind and metadata\.name, got the string "just text"$/,
    ],
    ['a sequence', '- a\n- b\n', /^deploy\/web\.yaml:1:1: expected a Kubernetes object .*, got a list$/],
    [
      'too many aliases',
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(40).fill('*a').join(', ')}]\nc: [${Array(40).fill('*b').join(', ')}]\n`,
      /^deploy\/web\.yaml:1:1: .*alias/i,
    ],
  ];
  for (const [name, text, message] of cases) {
    assert.throws(() => read(text), { name: 'GantryError', code: 'validation_failed', message }, name);
  }
});
