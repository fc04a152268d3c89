import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRegistryImage, registryDigest, repositoryOf } from './registry-digest.ts';

test('repositoryOf drops the tag or digest, not a registry port', () => {
  const cases: Array<[string, string]> = [
    ['127.0.0.1:8080/demo/hello/web:abc123', '127.0.0.1:8080/demo/hello/web'],
    ['127.0.0.1:8080/demo/hello/web', '127.0.0.1:8080/demo/hello/web'],
    ['registry.example.com/a/b@sha256:00ff', 'registry.example.com/a/b'],
    ['localhost/app:v1', 'localhost/app'],
  ];
  for (const [image, repository] of cases) assert.equal(repositoryOf(image), repository, image);
});

test("registryDigest: the pulled digest of the container's repository, not the local build's", () => {
  const repoDigests = [
    '127.0.0.1:8080/other@sha256:aaa',
    '127.0.0.1:8080/demo/hello/web@sha256:local',
    '127.0.0.1:8080/demo/hello/web@sha256:pushed',
  ];
  assert.equal(
    registryDigest('127.0.0.1:8080/demo/hello/web:abc', repoDigests, 'sha256:local'),
    'sha256:pushed',
  );
  // Only pulled: its one digest; never pulled from a registry: the local one.
  assert.equal(
    registryDigest('127.0.0.1:8080/other:1', ['127.0.0.1:8080/other@sha256:aaa'], 'sha256:aaa'),
    'sha256:aaa',
  );
  assert.equal(registryDigest('localhost/app:v1', repoDigests, 'sha256:local'), 'sha256:local');
  assert.equal(registryDigest('localhost/app:v1', null, null), null);
});

test('isRegistryImage: images named with a registry host are pulled, local and short names are not', () => {
  assert.equal(isRegistryImage('127.0.0.1:8080/demo/hello/web:abc'), true);
  assert.equal(isRegistryImage('registry.example.com/web:1'), true);
  assert.equal(isRegistryImage('localhost/gantry-test:v1'), false);
  assert.equal(isRegistryImage('busybox'), false);
  assert.equal(isRegistryImage('library/busybox:1'), false);
});
