import { isSnapshotVersion, type MavenCoordinates } from './maven-coordinates.ts';
import {
  assertMetadataDocument,
  element,
  elementsNamed,
  lastUpdatedStamp,
  textOf,
  textsOf,
} from './metadata-xml.ts';

/** An artifact's `maven-metadata.xml` (in `group/path/artifactId/`): the versions Maven may resolve. */
export interface ArtifactMetadata {
  groupId: string;
  artifactId: string;
  /** Every published version, oldest first (snapshots as `1.0-SNAPSHOT`). */
  versions: string[];
  /** The version published last, snapshot or not. */
  latest: string | null;
  /** The release version published last. */
  release: string | null;
  /** `yyyyMMddHHmmss`, UTC. */
  lastUpdated: string | null;
}

/**
 * Reads an artifact-level `maven-metadata.xml` as written by Maven, Nexus, Artifactory or Reposilite.
 * @throws GantryError `unavailable` when `xml` is not a metadata document (see `assertMetadataDocument`).
 */
export function parseArtifactMetadata(xml: string, path: string): ArtifactMetadata {
  assertMetadataDocument(xml, path);
  // A top-level <version> (older Maven wrote one) is not in the list: only <versions> counts.
  const versioning = elementsNamed(xml, 'versioning')[0] ?? '';
  return {
    groupId: textOf(xml, 'groupId') ?? '',
    artifactId: textOf(xml, 'artifactId') ?? '',
    versions: textsOf(elementsNamed(versioning, 'versions')[0] ?? '', 'version').filter(
      (version) => version !== '',
    ),
    latest: textOf(versioning, 'latest'),
    release: textOf(versioning, 'release'),
    lastUpdated: textOf(versioning, 'lastUpdated'),
  };
}

/**
 * The metadata after publishing `coordinates.version`, as `mvn deploy` merges it: the version appended
 * to the list when new, `latest` set to it, `release` too unless it is a snapshot, `lastUpdated` now.
 * Like Maven, `latest` and `release` follow the order of publication, not version ordering.
 */
export function mergeArtifactMetadata(
  existing: ArtifactMetadata | null,
  coordinates: MavenCoordinates,
  now: Date,
): ArtifactMetadata {
  const versions = existing?.versions ?? [];
  const { version } = coordinates;
  return {
    groupId: coordinates.groupId,
    artifactId: coordinates.artifactId,
    versions: versions.includes(version) ? versions : [...versions, version],
    latest: version,
    release: isSnapshotVersion(version) ? (existing?.release ?? null) : version,
    lastUpdated: lastUpdatedStamp(now),
  };
}

/** The XML of artifact-level metadata. */
export function renderArtifactMetadata(metadata: ArtifactMetadata): string {
  const versions = metadata.versions.map((version) => element(3, 'version', version)).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<metadata>\n' +
    element(1, 'groupId', metadata.groupId) +
    element(1, 'artifactId', metadata.artifactId) +
    '  <versioning>\n' +
    element(2, 'latest', metadata.latest) +
    element(2, 'release', metadata.release) +
    `    <versions>\n${versions}    </versions>\n` +
    element(2, 'lastUpdated', metadata.lastUpdated) +
    '  </versioning>\n</metadata>\n'
  );
}
