import { GantryError } from '../../domain/errors.ts';
import { parseArtifactMetadata, renderArtifactMetadata } from './artifact-metadata.ts';
import { isSnapshotVersion, type MavenCoordinates } from './maven-coordinates.ts';
import { artifactDirectory, METADATA_FILE } from './maven-layout.ts';
import { lastUpdatedStamp } from './metadata-xml.ts';
import { type MavenRepository, RepositoryClient } from './repository-client.ts';
import { decode, inMemory, putWithChecksums } from './repository-writes.ts';

/**
 * Makes an already published version the one Maven resolves as `LATEST` (and `RELEASE`, for a
 * release) again — a rollback, since published versions are never overwritten or deleted: the
 * artifact's `maven-metadata.xml` gets `latest`/`release` set to it (with fresh checksums); the
 * version list and every file stay as they are.
 * @throws GantryError `conflict` when the metadata does not list the version (it was never published
 * there, or the repository was cleaned); `unavailable` from the repository.
 */
export async function promoteVersion(
  repository: MavenRepository,
  coordinates: MavenCoordinates,
  options: { signal: AbortSignal; log: (line: string) => void; now?: Date },
): Promise<void> {
  const client = new RepositoryClient(repository);
  const path = `${artifactDirectory(coordinates)}/${METADATA_FILE}`;
  const existing = await client.get(path, options.signal);
  const metadata = existing === null ? null : parseArtifactMetadata(decode(existing), path);
  const { version } = coordinates;
  if (metadata === null || !metadata.versions.includes(version)) {
    throw new GantryError(
      'conflict',
      `${coordinates.groupId}:${coordinates.artifactId}:${version} is not listed in ${client.baseUrl}${path}: publish it again`,
    );
  }
  const promoted = {
    ...metadata,
    latest: version,
    release: isSnapshotVersion(version) ? metadata.release : version,
    lastUpdated: lastUpdatedStamp(options.now ?? new Date()),
  };
  await putWithChecksums(client, inMemory(path, renderArtifactMetadata(promoted)), options.signal);
  options.log(`updated ${path}: latest ${promoted.latest}, release ${promoted.release ?? '(none)'}`);
}
