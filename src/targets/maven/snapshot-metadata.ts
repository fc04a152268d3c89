import type { MavenCoordinates } from './maven-coordinates.ts';
import { assertMetadataDocument, element, elementsNamed, lastUpdatedStamp, textOf } from './metadata-xml.ts';

/** One file of the newest build of a snapshot: which timestamped file Maven fetches for it. */
export interface SnapshotVersion {
  classifier: string | null;
  extension: string;
  /** The timestamped version, `1.0-20261129.101500-3`. */
  value: string;
  /** `yyyyMMddHHmmss`, UTC. */
  updated: string;
}

/** A snapshot version's own `maven-metadata.xml` (in `group/path/artifactId/1.0-SNAPSHOT/`). */
export interface SnapshotMetadata {
  groupId: string;
  artifactId: string;
  version: string;
  /** The newest build: `yyyyMMdd.HHmmss` and its number, counting from 1. */
  timestamp: string;
  buildNumber: number;
  lastUpdated: string;
  snapshotVersions: SnapshotVersion[];
}

/** Maven's snapshot timestamp of a time: `yyyyMMdd.HHmmss` in UTC. */
export function snapshotTimestamp(time: Date): string {
  const stamp = lastUpdatedStamp(time);
  return `${stamp.slice(0, 8)}.${stamp.slice(8)}`;
}

/**
 * Reads the build number and files of a snapshot's metadata, as written by Maven or a repository manager.
 * @throws GantryError `unavailable` when `xml` is not a metadata document.
 */
export function parseSnapshotMetadata(
  xml: string,
  path: string,
): Pick<SnapshotMetadata, 'buildNumber' | 'snapshotVersions'> {
  assertMetadataDocument(xml, path);
  const snapshot = elementsNamed(xml, 'snapshot')[0] ?? '';
  const buildNumber = Number.parseInt(textOf(snapshot, 'buildNumber') ?? '0', 10);
  return {
    buildNumber: Number.isSafeInteger(buildNumber) && buildNumber > 0 ? buildNumber : 0,
    snapshotVersions: elementsNamed(xml, 'snapshotVersion').flatMap((entry) => {
      const extension = textOf(entry, 'extension');
      const value = textOf(entry, 'value');
      if (extension === null || value === null) return [];
      return [
        {
          classifier: textOf(entry, 'classifier'),
          extension,
          value,
          updated: textOf(entry, 'updated') ?? '',
        },
      ];
    }),
  };
}

/**
 * The metadata of a new build of a snapshot: build number one past the previous one, and its files
 * replacing those of the same classifier and extension, the previous build's other files kept (as
 * `mvn deploy` does, so an attached file not built this time still resolves).
 */
export function nextSnapshotMetadata(
  previous: Pick<SnapshotMetadata, 'buildNumber' | 'snapshotVersions'> | null,
  coordinates: MavenCoordinates,
  build: {
    timestamp: string;
    buildNumber: number;
    now: Date;
    files: { classifier: string | null; extension: string }[];
  },
  value: string,
): SnapshotMetadata {
  const updated = lastUpdatedStamp(build.now);
  const key = (file: { classifier: string | null; extension: string }) =>
    `${file.classifier ?? ''}:${file.extension}`;
  const built = new Set(build.files.map(key));
  const kept = (previous?.snapshotVersions ?? []).filter((entry) => !built.has(key(entry)));
  return {
    groupId: coordinates.groupId,
    artifactId: coordinates.artifactId,
    version: coordinates.version,
    timestamp: build.timestamp,
    buildNumber: build.buildNumber,
    lastUpdated: updated,
    snapshotVersions: [
      ...build.files.map((file) => ({
        classifier: file.classifier,
        extension: file.extension,
        value,
        updated,
      })),
      ...kept,
    ],
  };
}

/** The XML of a snapshot's metadata. */
export function renderSnapshotMetadata(metadata: SnapshotMetadata): string {
  const entries = metadata.snapshotVersions
    .map(
      (entry) =>
        '      <snapshotVersion>\n' +
        element(4, 'classifier', entry.classifier) +
        element(4, 'extension', entry.extension) +
        element(4, 'value', entry.value) +
        element(4, 'updated', entry.updated) +
        '      </snapshotVersion>\n',
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<metadata modelVersion="1.1.0">\n' +
    element(1, 'groupId', metadata.groupId) +
    element(1, 'artifactId', metadata.artifactId) +
    element(1, 'version', metadata.version) +
    '  <versioning>\n    <snapshot>\n' +
    element(3, 'timestamp', metadata.timestamp) +
    element(3, 'buildNumber', String(metadata.buildNumber)) +
    '    </snapshot>\n' +
    element(2, 'lastUpdated', metadata.lastUpdated) +
    `    <snapshotVersions>\n${entries}    </snapshotVersions>\n` +
    '  </versioning>\n</metadata>\n'
  );
}
