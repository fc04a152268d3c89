import assert from 'node:assert/strict';
import { test } from 'node:test';
import { artifactDirectory, artifactPath, versionDirectory } from './maven-layout.ts';

const coordinates = { groupId: 'com.example.shop', artifactId: 'cart', version: '1.0-SNAPSHOT' };

test('the group becomes directories, then the artifact and the version', () => {
  assert.equal(artifactDirectory(coordinates), 'com/example/shop/cart');
  assert.equal(versionDirectory(coordinates), 'com/example/shop/cart/1.0-SNAPSHOT');
});

test('file names carry the file version, the classifier when there is one, and the extension', () => {
  assert.equal(
    artifactPath(coordinates, '1.0-20261129.101500-3', null, 'jar'),
    'com/example/shop/cart/1.0-SNAPSHOT/cart-1.0-20261129.101500-3.jar',
  );
  assert.equal(
    artifactPath({ ...coordinates, version: '2.1' }, '2.1', 'dist', 'tar.gz'),
    'com/example/shop/cart/2.1/cart-2.1-dist.tar.gz',
  );
});
