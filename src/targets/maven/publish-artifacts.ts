import { openAsBlob } from 'node:fs';
import { conflict, GantryError } from '../../domain/errors.ts';
import { mergeArtifactMetadata, parseArtifactMetadata, renderArtifactMetadata } from './artifact-metadata.ts';
import { fileDigests } from './maven-checksums.ts';
import {
  isSnapshotVersion,
  type MavenCoordinates,
  type MavenFile,
  timestampedVersion,
  validatePublication,
} from './maven-coordinates.ts';
import { artifactDirectory, artifactPath, METADATA_FILE, versionDirectory } from './maven-layout.ts';
import { minimalPom } from './minimal-pom.ts';
import { type MavenRepository, RepositoryClient } from './repository-client.ts';
import { decode, inMemory, type PendingUpload, putWithChecksums } from './repository-writes.ts';
import {
  nextSnapshotMetadata,
  parseSnapshotMetadata,
  renderSnapshotMetadata,
  snapshotTimestamp,
} from './snapshot-metadata.ts';

export interface PublishOptions {
  /** Path of the local POM to publish; null publishes a generated minimal one (coordinates and packaging). */
  pom: string | null;
  signal: AbortSignal;
  /** Receives one line per file stored, for the deployment's log. */
  log: (line: string) => void;
  /** The publication's time (snapshot timestamp, `lastUpdated`); defaults to now. */
  now?: Date;
}

/** One file stored in the repository (checksum files not counted). */
export interface UploadedFile {
  /** Path in the repository, relative to its URL: `com/example/app/1.0.0/app-1.0.0.jar`. */
  path: string;
  size: number;
  sha1: string;
}

export interface PublishResult {
  /** The artifacts, then the POM, in upload order. */
  uploaded: UploadedFile[];
  /** Path of the artifact-level `maven-metadata.xml` written last. */
  metadataPath: string;
}

async function localFile(path: string, source: string, signal: AbortSignal): Promise<PendingUpload> {
  try {
    return { path, body: () => openAsBlob(source), digests: await fileDigests(source, signal) };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new GantryError(
      'validation_failed',
      `cannot read ${source} to publish it as ${path}: ${(error as Error).message}`,
    );
  }
}

/**
 * Publishes files as one version of a Maven artifact over HTTP, in the standard layout Maven, Nexus,
 * Artifactory and Reposilite share, as `mvn deploy` would: each file with `.md5`, `.sha1`, `.sha256` and
 * `.sha512` beside it, the artifact's `maven-metadata.xml` read, merged and written back.
 *
 * - A release version is never overwritten: when its POM is already in the repository, the publish is
 *   refused (GantryError `conflict`) before anything is uploaded.
 * - A `-SNAPSHOT` version is published under a new timestamped version (`1.0-20261129.101500-3`, build
 *   number one past the repository's) with the snapshot's own `maven-metadata.xml` pointing at it.
 * - Upload order: the artifacts first, then the POM, then the snapshot's metadata, then the artifact's
 *   metadata. An interrupted publish leaves a release without POM and unlisted, a snapshot build no
 *   metadata points to: never a version Maven resolves half-uploaded. Publishing again completes it.
 *
 * @throws GantryError `validation_failed` (bad coordinates or unreadable files), `conflict` (release
 * already published), `unavailable` (the repository unreachable, refusing credentials or a request);
 * the signal's reason when aborted.
 */
export async function publishArtifacts(
  repository: MavenRepository,
  coordinates: MavenCoordinates,
  files: readonly MavenFile[],
  options: PublishOptions,
): Promise<PublishResult> {
  const { signal, log } = options;
  const now = options.now ?? new Date();
  validatePublication(coordinates, files);
  if (files.length === 0 && options.pom === null) {
    throw new GantryError('validation_failed', 'nothing to publish: give files, a POM, or both');
  }
  const client = new RepositoryClient(repository);
  const gav = `${coordinates.groupId}:${coordinates.artifactId}:${coordinates.version}`;
  const snapshot = isSnapshotVersion(coordinates.version);
  const snapshotPath = `${versionDirectory(coordinates)}/${METADATA_FILE}`;

  let fileVersion = coordinates.version;
  let previousSnapshot: ReturnType<typeof parseSnapshotMetadata> | null = null;
  const timestamp = snapshotTimestamp(now);
  if (snapshot) {
    const existing = await client.get(snapshotPath, signal);
    previousSnapshot = existing === null ? null : parseSnapshotMetadata(decode(existing), snapshotPath);
    fileVersion = timestampedVersion(
      coordinates.version,
      timestamp,
      (previousSnapshot?.buildNumber ?? 0) + 1,
    );
  } else {
    const pomPath = artifactPath(coordinates, coordinates.version, null, 'pom');
    if ((await client.get(pomPath, signal)) !== null) {
      throw conflict(
        `${gav} is already published (${client.baseUrl}${pomPath} exists) and a release is never overwritten: publish a new version`,
      );
    }
  }

  const artifacts = await Promise.all(
    files.map((file) =>
      localFile(artifactPath(coordinates, fileVersion, file.classifier, file.extension), file.path, signal),
    ),
  );
  const pomPath = artifactPath(coordinates, fileVersion, null, 'pom');
  const packaging = files.find((file) => file.classifier === null)?.extension ?? 'pom';
  const pom =
    options.pom === null
      ? inMemory(pomPath, minimalPom(coordinates, packaging))
      : await localFile(pomPath, options.pom, signal);

  const uploaded: UploadedFile[] = [];
  for (const upload of [...artifacts, pom]) {
    await putWithChecksums(client, upload, signal);
    uploaded.push({ path: upload.path, size: upload.digests.size, sha1: upload.digests.checksums.sha1 });
    log(`uploaded ${upload.path} (${upload.digests.size} bytes, sha1 ${upload.digests.checksums.sha1})`);
  }

  if (snapshot) {
    const buildNumber = (previousSnapshot?.buildNumber ?? 0) + 1;
    const built = [...files, { classifier: null, extension: 'pom' }];
    const metadata = nextSnapshotMetadata(
      previousSnapshot,
      coordinates,
      { timestamp, buildNumber, now, files: built },
      fileVersion,
    );
    await putWithChecksums(client, inMemory(snapshotPath, renderSnapshotMetadata(metadata)), signal);
    log(`updated ${snapshotPath}: build ${buildNumber} (${fileVersion})`);
  }

  // Read as late as possible: another publish of the same artifact may have added a version meanwhile.
  const metadataPath = `${artifactDirectory(coordinates)}/${METADATA_FILE}`;
  const existing = await client.get(metadataPath, signal);
  const merged = mergeArtifactMetadata(
    existing === null ? null : parseArtifactMetadata(decode(existing), metadataPath),
    coordinates,
    now,
  );
  await putWithChecksums(client, inMemory(metadataPath, renderArtifactMetadata(merged)), signal);
  log(`updated ${metadataPath}: versions ${merged.versions.join(', ')}`);
  return { uploaded, metadataPath };
}
