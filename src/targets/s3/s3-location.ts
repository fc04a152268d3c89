import { badRequest } from '../../domain/errors.ts';

/** Where a site lives: a bucket and a key prefix inside it (`''` for the bucket's root, or ending in `/`). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/**
 * Gantry's own folder under the prefix: per-deployment copies (`versions/<id>/`) and uploads waiting to
 * be switched live (`staging/<id>/`). Never synced, listed as a live file or deleted as a removed one.
 */
export const GANTRY_FOLDER = '.gantry/';

/**
 * Throws a `bad_request` error unless the prefix is `''` or a relative key prefix ending in `/` with no
 * empty, `.` or `..` segment: anything else would put files beside, not under, the intended folder.
 */
export function checkLocation(location: S3Location): void {
  const { bucket, prefix } = location;
  if (bucket === '') throw badRequest('expected an S3 bucket name, got an empty string');
  if (prefix === '') return;
  const segments = prefix.slice(0, -1).split('/');
  if (
    !prefix.endsWith('/') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw badRequest(
      `expected an S3 key prefix like 'site/' (relative, ending in '/', no empty, '.' or '..' parts), got '${prefix}'`,
    );
  }
}

/** The live key of a site file (`path` is relative to the site's root, with `/` separators). */
export function liveKey(location: S3Location, path: string): string {
  return location.prefix + path;
}

/** The key of a deployment's kept copy of a file (prefix versioning). */
export function versionKey(location: S3Location, deploymentId: number, path: string): string {
  return `${location.prefix}${GANTRY_FOLDER}versions/${deploymentId}/${path}`;
}

/** The key a file waits under until the deployment switches live (bucket versioning). */
export function stagingKey(location: S3Location, deploymentId: number, path: string): string {
  return `${location.prefix}${GANTRY_FOLDER}staging/${deploymentId}/${path}`;
}

/** Whether a key under the prefix belongs to the site (not to Gantry's own folder). */
export function isSiteKey(location: S3Location, key: string): boolean {
  return key.startsWith(location.prefix) && !key.startsWith(location.prefix + GANTRY_FOLDER);
}
