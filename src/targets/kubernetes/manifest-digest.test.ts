import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './kube-object.ts';
import { manifestDigest } from './manifest-digest.ts';

const configMap = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop' },
  data,
});
const a = configMap('a', { x: '1', y: '2' });
const b = configMap('b', { list: '[1,2]' });

test('equal sets give equal digests whatever the object and key order', () => {
  const reordered: KubeObject = {
    data: { y: '2', x: '1' },
    metadata: { namespace: 'shop', name: 'a' },
    kind: 'ConfigMap',
    apiVersion: 'v1',
  };
  const cases: Array<[KubeObject[], KubeObject[]]> = [
    [
      [a, b],
      [b, a],
    ],
    [[a], [reordered]],
    [[a], [{ ...a, status: undefined }]],
    [[], []],
  ];
  for (const [left, right] of cases) assert.equal(manifestDigest(left), manifestDigest(right));
  assert.match(manifestDigest([a, b]), /^[0-9a-f]{64}$/);
});

test('any change of content, or of the set, changes the digest', () => {
  const variants: KubeObject[][] = [
    [a, b],
    [a],
    [b],
    [configMap('a', { x: '1', y: '3' }), b],
    [configMap('a', { x: '1', y: '2', z: '' }), b],
    [a, { ...b, data: { list: '[2,1]' } }],
    [a, { ...b, metadata: { ...b.metadata, namespace: 'other' } }],
    [a, { ...b, spec: { items: [1, 2] } }],
    [a, { ...b, spec: { items: [2, 1] } }],
  ];
  const digests = new Set(variants.map(manifestDigest));
  assert.equal(digests.size, variants.length);
});
