import type { MavenCoordinates } from './maven-coordinates.ts';

// Maven's standard ("default") repository layout: where each file of a publication lives.

/** `com.example` / `app` → `com/example/app`: the directory of the artifact, holding its `maven-metadata.xml`. */
export function artifactDirectory(coordinates: Pick<MavenCoordinates, 'groupId' | 'artifactId'>): string {
  return `${coordinates.groupId.replaceAll('.', '/')}/${coordinates.artifactId}`;
}

/** `com/example/app/1.0.0`: the directory of one version (a snapshot's is its `-SNAPSHOT` version). */
export function versionDirectory(coordinates: MavenCoordinates): string {
  return `${artifactDirectory(coordinates)}/${coordinates.version}`;
}

/**
 * The path of one file of a version: `com/example/app/1.0.0/app-1.0.0-sources.jar`. `fileVersion` is
 * the version itself for a release, the timestamped one (`1.0.0-20261129.101500-3`) for a snapshot.
 */
export function artifactPath(
  coordinates: MavenCoordinates,
  fileVersion: string,
  classifier: string | null,
  extension: string,
): string {
  const suffix = classifier === null ? '' : `-${classifier}`;
  return `${versionDirectory(coordinates)}/${coordinates.artifactId}-${fileVersion}${suffix}.${extension}`;
}

/** The name of the metadata file, in an artifact's directory and in a snapshot version's. */
export const METADATA_FILE = 'maven-metadata.xml';
