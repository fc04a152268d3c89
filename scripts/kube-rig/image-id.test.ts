import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { fakeImageId } from './image-id.ts';

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const pinned = `sha256:${'a'.repeat(64)}`;

describe('fakeImageId', () => {
  const cases: Array<[image: string, expected: string]> = [
    ['nginx', `docker-pullable://nginx@${sha('nginx')}`],
    ['nginx:1.27', `docker-pullable://nginx@${sha('nginx:1.27')}`],
    ['registry:5000/team/app', `docker-pullable://registry:5000/team/app@${sha('registry:5000/team/app')}`],
    [
      'registry:5000/team/app:v2',
      `docker-pullable://registry:5000/team/app@${sha('registry:5000/team/app:v2')}`,
    ],
    [`app@${pinned}`, `docker-pullable://app@${pinned}`],
    [`app:v1@${pinned}`, `docker-pullable://app@${pinned}`],
  ];
  for (const [image, expected] of cases) {
    test(image, () => assert.equal(fakeImageId(image), expected));
  }

  test('different tags of one repository get different digests', () => {
    assert.notEqual(fakeImageId('app:v1'), fakeImageId('app:v2'));
  });
});
