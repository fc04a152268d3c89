import assert from 'node:assert/strict';
import { test } from 'node:test';
import { affectsRegistry, repositoryName, tagsOfSameImage } from './registry.ts';

test('successful jobs and deployments of the project refresh the registry page', () => {
  assert.equal(affectsRegistry({ type: 'job', project_id: 3, status: 'success' }, 3), true);
  assert.equal(affectsRegistry({ type: 'deployment', project_id: 3, status: 'running' }, 3), true);
});

test('other events, and events of other projects, do not', () => {
  assert.equal(affectsRegistry({ type: 'job', project_id: 3, status: 'running' }, 3), false);
  assert.equal(affectsRegistry({ type: 'pipeline', project_id: 3, status: 'success' }, 3), false);
  assert.equal(affectsRegistry({ type: 'job', project_id: 4, status: 'success' }, 3), false);
  assert.equal(affectsRegistry({ type: 'push', project_id: 3 }, 3), false);
});

test("the project's own image is named as such", () => {
  assert.equal(repositoryName({ name: 'web' }), 'web');
  assert.equal(repositoryName({ name: '' }), '(project image)');
});

test('deleting a tag takes the other tags of its image with it', () => {
  const tags = [
    { name: 'v1', digest: 'sha256:a' },
    { name: 'latest', digest: 'sha256:b' },
    { name: '1a2b3c4d', digest: 'sha256:a' },
  ];
  assert.deepEqual(
    tagsOfSameImage(tags, tags[0]!).map((tag) => tag.name),
    ['1a2b3c4d'],
  );
  assert.deepEqual(tagsOfSameImage(tags, tags[1]!), []);
});
