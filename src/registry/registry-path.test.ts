import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isRepositoryName,
  isTag,
  parseRegistryPath,
  projectPathCandidates,
  repositoryAction,
} from './registry-path.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('parses every endpoint of the API, reading the greedy name from the end', () => {
  assert.deepEqual(parseRegistryPath('/v2/'), { kind: 'base' });
  assert.deepEqual(parseRegistryPath('/v2'), { kind: 'base' });
  assert.deepEqual(parseRegistryPath('/v2/_catalog'), { kind: 'catalog' });
  assert.deepEqual(parseRegistryPath('/v2/group/app/tags/list'), { kind: 'tags', name: 'group/app' });
  assert.deepEqual(parseRegistryPath('/v2/group/app/web/manifests/v1.2'), {
    kind: 'manifest',
    name: 'group/app/web',
    reference: 'v1.2',
  });
  assert.deepEqual(parseRegistryPath(`/v2/a/manifests/b/manifests/${DIGEST}`), {
    kind: 'manifest',
    name: 'a/manifests/b',
    reference: DIGEST,
  });
  assert.deepEqual(parseRegistryPath(`/v2/app/blobs/${DIGEST}`), {
    kind: 'blob',
    name: 'app',
    digest: DIGEST,
  });
  assert.deepEqual(parseRegistryPath('/v2/app/blobs/uploads/'), { kind: 'upload', name: 'app', uuid: null });
  assert.deepEqual(parseRegistryPath('/v2/app/blobs/uploads/0b7f-41c2'), {
    kind: 'upload',
    name: 'app',
    uuid: '0b7f-41c2',
  });
});

test('refuses malformed names, references, digests and anything encoded', () => {
  for (const path of [
    '/v2/App/tags/list',
    '/v2/a//b/tags/list',
    '/v2/a/../b/tags/list',
    '/v2/a%2Fb/tags/list',
    '/v2/a/manifests/-bad',
    '/v2/a/manifests/',
    '/v2/a/blobs/sha256:short',
    '/v2/a/blobs/uploads/a%2F',
    '/v2/a/unknown',
    '/v2/tags/list',
    '/v3/a/tags/list',
    `/v2/${'a'.repeat(256)}/tags/list`,
  ]) {
    assert.equal(parseRegistryPath(path), null, path);
  }
});

test('names and tags follow the distribution grammar', () => {
  assert.ok(isRepositoryName('group/my-app/web_1'));
  assert.ok(isRepositoryName('a__b/c.d'));
  assert.ok(!isRepositoryName('a_/b'));
  assert.ok(!isRepositoryName(''));
  assert.ok(isTag('latest'));
  assert.ok(!isTag(DIGEST));
});

test('reads pull, uploads and manifest writes push, deletes delete; other methods have no action', () => {
  const manifest = { kind: 'manifest', name: 'a', reference: 'v1' } as const;
  const upload = { kind: 'upload', name: 'a', uuid: 'u' } as const;
  assert.equal(repositoryAction('GET', manifest), 'pull');
  assert.equal(repositoryAction('HEAD', { kind: 'blob', name: 'a', digest: DIGEST }), 'pull');
  assert.equal(repositoryAction('PUT', manifest), 'push');
  assert.equal(repositoryAction('DELETE', manifest), 'delete');
  assert.equal(repositoryAction('POST', manifest), null);
  assert.equal(repositoryAction('POST', { kind: 'upload', name: 'a', uuid: null }), 'push');
  assert.equal(repositoryAction('GET', { kind: 'upload', name: 'a', uuid: null }), null);
  assert.equal(repositoryAction('PATCH', upload), 'push');
  assert.equal(repositoryAction('DELETE', upload), 'push');
  assert.equal(repositoryAction('GET', upload), 'push');
  assert.equal(repositoryAction('PUT', { kind: 'tags', name: 'a' }), null);
});

test('project candidates run from the whole name down to its first component', () => {
  assert.deepEqual(projectPathCandidates('a/b/web'), ['a/b/web', 'a/b', 'a']);
  assert.deepEqual(projectPathCandidates('app'), ['app']);
});
