import { type ErrorDetail, GantryError } from '../../domain/errors.ts';

/** What a Maven artifact is published as: `groupId:artifactId:version`. */
export interface MavenCoordinates {
  groupId: string;
  artifactId: string;
  /** A release (`1.0.0`, never overwritten) or a snapshot (`1.0.0-SNAPSHOT`, timestamped on each publish). */
  version: string;
}

/** One local file published under the coordinates: the main artifact (no classifier) or an attached one. */
export interface MavenFile {
  /** Path of the file on this machine. */
  path: string;
  /** `sources`, `javadoc`, …; null for the main artifact. */
  classifier: string | null;
  /** The file's type as Maven names it: `jar`, `war`, `zip`, `tar.gz`. */
  extension: string;
}

// Maven's model validator allows these in groupId and artifactId; classifiers and extensions end up in
// file names beside them, so they get the same set.
const ID = /^[A-Za-z0-9_.-]+$/;
// Maven is laxer about versions, but they become a path segment and part of file names: no separators,
// spaces or characters URLs would need to escape.
const VERSION = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
const SNAPSHOT_SUFFIX = '-SNAPSHOT';
// A snapshot's unique version, `1.0-20261129.101500-3`: Maven treats it as a snapshot of `1.0-SNAPSHOT`.
const TIMESTAMPED = /-\d{8}\.\d{6}-\d+$/;
// Version words Maven resolves as "newest": a version named so could never be asked for.
const META_VERSIONS = new Set(['LATEST', 'RELEASE']);

/** Whether `version` is a snapshot (`…-SNAPSHOT`), published under a new timestamped version each time. */
export function isSnapshotVersion(version: string): boolean {
  return version.endsWith(SNAPSHOT_SUFFIX);
}

/** `1.0-SNAPSHOT` with timestamp `20261129.101500` and build 3 → `1.0-20261129.101500-3`. */
export function timestampedVersion(version: string, timestamp: string, buildNumber: number): string {
  return `${version.slice(0, -SNAPSHOT_SUFFIX.length)}-${timestamp}-${buildNumber}`;
}

function idProblem(what: string, value: string): string | null {
  if (!ID.test(value))
    return `${what} must be letters, digits, '.', '-' or '_' (got ${JSON.stringify(value)})`;
  if (value.startsWith('.') || value.endsWith('.') || value.includes('..')) {
    return `${what} must not start or end with '.' or hold '..' (got ${JSON.stringify(value)})`;
  }
  return null;
}

function versionProblem(version: string): string | null {
  if (!VERSION.test(version) || version.includes('..')) {
    return `version must start with a letter or digit followed by letters, digits, '.', '-', '_' or '+' (got ${JSON.stringify(version)})`;
  }
  if (META_VERSIONS.has(version.toUpperCase())) {
    return `version ${version} is reserved: Maven resolves it as the newest version`;
  }
  if (version.toUpperCase().endsWith('SNAPSHOT') && !isSnapshotVersion(version)) {
    return `a snapshot version must end with "${SNAPSHOT_SUFFIX}" (got ${JSON.stringify(version)})`;
  }
  if (TIMESTAMPED.test(version)) {
    return `version ${version} looks like a timestamped snapshot: publish the "${SNAPSHOT_SUFFIX}" version and Gantry timestamps it`;
  }
  return null;
}

/**
 * Checks coordinates and files against what Maven and the repository layout allow: ids of letters,
 * digits, `.`, `-`, `_`; a version usable as a path segment (not `LATEST`/`RELEASE`, snapshots ending in
 * `-SNAPSHOT`); one file per classifier and extension; no POM among the files (it is passed apart).
 * @throws GantryError `validation_failed` listing every problem, located by field.
 */
export function validatePublication(coordinates: MavenCoordinates, files: readonly MavenFile[]): void {
  const details: ErrorDetail[] = [];
  const add = (path: string, message: string | null) => {
    if (message !== null) details.push({ path, message });
  };
  add('/groupId', idProblem('groupId', coordinates.groupId));
  add('/artifactId', idProblem('artifactId', coordinates.artifactId));
  add('/version', versionProblem(coordinates.version));
  const seen = new Set<string>();
  files.forEach((file, index) => {
    add(`/files/${index}/extension`, idProblem('extension', file.extension));
    if (file.classifier !== null) add(`/files/${index}/classifier`, idProblem('classifier', file.classifier));
    const key = `${file.classifier ?? ''}:${file.extension}`;
    if (seen.has(key)) {
      add(
        `/files/${index}`,
        `two files with classifier ${file.classifier ?? '(none)'} and extension ${file.extension}`,
      );
    }
    seen.add(key);
    if (file.classifier === null && file.extension === 'pom') {
      add(`/files/${index}`, 'the POM is not one of the files: pass it as the pom option');
    }
  });
  if (details.length > 0) {
    throw new GantryError(
      'validation_failed',
      `invalid Maven publication of ${coordinates.groupId}:${coordinates.artifactId}:${coordinates.version}: ${details.map((d) => d.message).join('; ')}`,
      details,
    );
  }
}
