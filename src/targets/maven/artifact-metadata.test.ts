import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeArtifactMetadata, parseArtifactMetadata, renderArtifactMetadata } from './artifact-metadata.ts';

const now = new Date('2026-11-29T10:15:00Z');
const app = { groupId: 'com.example', artifactId: 'app' };

test('metadata written by another tool is read: only <versions> lists versions', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>com.example</groupId>
  <artifactId>app</artifactId>
  <version>0.9</version>
  <versioning>
    <latest>1.0-SNAPSHOT</latest>
    <release>0.9</release>
    <versions>
      <version>0.9</version>
      <version>1.0-SNAPSHOT</version>
    </versions>
    <lastUpdated>20250101000000</lastUpdated>
  </versioning>
</metadata>`;
  assert.deepEqual(parseArtifactMetadata(xml, 'p'), {
    ...app,
    versions: ['0.9', '1.0-SNAPSHOT'],
    latest: '1.0-SNAPSHOT',
    release: '0.9',
    lastUpdated: '20250101000000',
  });
});

test('a release is appended and becomes latest and release; a snapshot only latest', () => {
  const first = mergeArtifactMetadata(null, { ...app, version: '1.0.0' }, now);
  assert.deepEqual(first, {
    ...app,
    versions: ['1.0.0'],
    latest: '1.0.0',
    release: '1.0.0',
    lastUpdated: '20261129101500',
  });
  const snapshot = mergeArtifactMetadata(first, { ...app, version: '1.1.0-SNAPSHOT' }, now);
  assert.deepEqual(snapshot.versions, ['1.0.0', '1.1.0-SNAPSHOT']);
  assert.equal(snapshot.latest, '1.1.0-SNAPSHOT');
  assert.equal(snapshot.release, '1.0.0');
  const again = mergeArtifactMetadata(snapshot, { ...app, version: '1.1.0-SNAPSHOT' }, now);
  assert.deepEqual(again.versions, ['1.0.0', '1.1.0-SNAPSHOT']);
});

test('rendered metadata reads back the same', () => {
  const metadata = mergeArtifactMetadata(
    mergeArtifactMetadata(null, { ...app, version: '1.0.0' }, now),
    { ...app, version: '1.1.0' },
    now,
  );
  assert.deepEqual(parseArtifactMetadata(renderArtifactMetadata(metadata), 'p'), metadata);
});
