import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestOf } from './deployed-images.ts';

test('digests from the imageID forms runtimes report', () => {
  const hex = 'a'.repeat(64);
  const cases: Array<[string, string | null]> = [
    [`docker-pullable://registry.example/web@sha256:${hex}`, `sha256:${hex}`],
    [`registry.example/web@sha256:${hex}`, `sha256:${hex}`],
    [`sha256:${hex}`, `sha256:${hex}`],
    ['', null],
    ['registry.example/web:1.0', null],
  ];
  for (const [imageId, digest] of cases) assert.equal(digestOf(imageId), digest, imageId);
});
