import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  nextSnapshotMetadata,
  parseSnapshotMetadata,
  renderSnapshotMetadata,
  snapshotTimestamp,
} from './snapshot-metadata.ts';

const coordinates = { groupId: 'com.example', artifactId: 'app', version: '1.0-SNAPSHOT' };
const now = new Date('2026-11-29T10:15:00Z');

test('the snapshot timestamp is yyyyMMdd.HHmmss in UTC', () => {
  assert.equal(snapshotTimestamp(now), '20261129.101500');
});

test('a new build replaces the files it built and keeps the others of the previous build', () => {
  const previous = {
    buildNumber: 2,
    snapshotVersions: [
      { classifier: null, extension: 'jar', value: '1.0-20261128.090000-2', updated: '20261128090000' },
      { classifier: 'javadoc', extension: 'jar', value: '1.0-20261128.090000-2', updated: '20261128090000' },
    ],
  };
  const next = nextSnapshotMetadata(
    previous,
    coordinates,
    { timestamp: '20261129.101500', buildNumber: 3, now, files: [{ classifier: null, extension: 'jar' }] },
    '1.0-20261129.101500-3',
  );
  assert.deepEqual(next.snapshotVersions, [
    { classifier: null, extension: 'jar', value: '1.0-20261129.101500-3', updated: '20261129101500' },
    { classifier: 'javadoc', extension: 'jar', value: '1.0-20261128.090000-2', updated: '20261128090000' },
  ]);
  const xml = renderSnapshotMetadata(next);
  assert.match(
    xml,
    /<snapshot>\s*<timestamp>20261129\.101500<\/timestamp>\s*<buildNumber>3<\/buildNumber>\s*<\/snapshot>/,
  );
  assert.match(xml, /<version>1\.0-SNAPSHOT<\/version>/);
  assert.deepEqual(parseSnapshotMetadata(xml, 'p'), {
    buildNumber: 3,
    snapshotVersions: next.snapshotVersions,
  });
});

test('metadata without a build number (a local-copy style file) counts as build 0', () => {
  const xml =
    '<metadata><versioning><snapshot><localCopy>true</localCopy></snapshot></versioning></metadata>';
  assert.deepEqual(parseSnapshotMetadata(xml, 'p'), { buildNumber: 0, snapshotVersions: [] });
});
