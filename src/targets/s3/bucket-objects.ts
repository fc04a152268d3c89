import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GantryError } from '../../domain/errors.ts';
import { s3Error } from './s3-errors.ts';
import { isSiteKey, type S3Location } from './s3-location.ts';

/** A live object as a listing shows it. */
export interface ListedObject {
  size: number;
  etag: string;
}

/** A live object's headers, as a rollback or an unchanged-file check compares them. */
export interface ObjectHeaders {
  etag: string;
  contentType: string;
  cacheControl: string | null;
  versionId: string | null;
}

/** What a server-side copy needs: the source key and, for bucket versioning, its version. */
export interface CopySource {
  key: string;
  versionId?: string | null;
  /** Refuse the copy unless the source still has this ETag (it may have changed since it was read). */
  etag: string;
  /** New headers for the copy; without them the copy keeps the source's. */
  headers?: { contentType: string; cacheControl: string | null };
}

/** S3 quotes ETags; Gantry stores them bare. */
export const bareEtag = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '');

/** Every object of the site (not under Gantry's own folder), by key. */
export async function listSiteObjects(
  client: S3Client,
  location: S3Location,
  signal?: AbortSignal,
): Promise<Map<string, ListedObject>> {
  const objects = new Map<string, ListedObject>();
  let token: string | undefined;
  do {
    const page = await client
      .send(
        new ListObjectsV2Command({
          Bucket: location.bucket,
          Prefix: location.prefix,
          ContinuationToken: token,
        }),
        { abortSignal: signal },
      )
      .catch((error: unknown) => {
        throw s3Error(error, 'list the live files', location);
      });
    for (const object of page.Contents ?? []) {
      if (object.Key && isSiteKey(location, object.Key)) {
        objects.set(object.Key, { size: object.Size ?? 0, etag: bareEtag(object.ETag) });
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** The headers of one object (of one version when given). */
export async function headObject(
  client: S3Client,
  location: S3Location,
  key: string,
  versionId: string | null,
  signal?: AbortSignal,
): Promise<ObjectHeaders> {
  const head = await client
    .send(new HeadObjectCommand({ Bucket: location.bucket, Key: key, VersionId: versionId ?? undefined }), {
      abortSignal: signal,
    })
    .catch((error: unknown) => {
      const name = (error as { name?: unknown }).name;
      if (name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchVersion') {
        const what = versionId ? `version ${versionId} of ${key}` : key;
        return Promise.reject(
          new GantryError('conflict', `expected ${what} in bucket '${location.bucket}', but it is gone`),
        );
      }
      throw s3Error(error, `read the headers of ${key}`, location);
    });
  return {
    etag: bareEtag(head.ETag),
    contentType: head.ContentType ?? '',
    cacheControl: head.CacheControl ?? null,
    versionId: head.VersionId ?? null,
  };
}

/**
 * Copies an object inside the bucket, server-side, and returns the copy's ETag and version. Callers
 * switching a deployment live pass no signal: once begun, a switch runs to its end.
 */
export async function copyObject(
  client: S3Client,
  location: S3Location,
  source: CopySource,
  targetKey: string,
  signal?: AbortSignal,
): Promise<{ etag: string; versionId: string | null }> {
  const encodedKey = source.key.split('/').map(encodeURIComponent).join('/');
  const copySource = `${location.bucket}/${encodedKey}${source.versionId ? `?versionId=${encodeURIComponent(source.versionId)}` : ''}`;
  const result = await client
    .send(
      new CopyObjectCommand({
        Bucket: location.bucket,
        Key: targetKey,
        CopySource: copySource,
        CopySourceIfMatch: `"${source.etag}"`,
        ...(source.headers
          ? {
              MetadataDirective: 'REPLACE',
              ContentType: source.headers.contentType,
              CacheControl: source.headers.cacheControl ?? undefined,
            }
          : {}),
      }),
      { abortSignal: signal },
    )
    .catch((error: unknown) => {
      throw s3Error(error, `copy ${source.key} to ${targetKey}`, location);
    });
  return { etag: bareEtag(result.CopyObjectResult?.ETag), versionId: result.VersionId ?? null };
}

/** Deletes objects, a thousand (S3's limit per request) at a time. */
export async function deleteObjects(
  client: S3Client,
  location: S3Location,
  keys: readonly string[],
): Promise<void> {
  for (let start = 0; start < keys.length; start += 1000) {
    const batch = keys.slice(start, start + 1000);
    const result = await client
      .send(
        new DeleteObjectsCommand({
          Bucket: location.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      )
      .catch((error: unknown) => {
        throw s3Error(error, `delete ${batch.length} files`, location);
      });
    const failed = result.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0];
      throw new GantryError(
        'unavailable',
        `cannot delete ${failed.length} of ${batch.length} files in bucket '${location.bucket}', e.g. ${first?.Key}: ${first?.Message ?? first?.Code}`,
      );
    }
  }
}

/** Throws unless bucket versioning is enabled: a rollback could not find the versions otherwise. */
export async function requireBucketVersioning(
  client: S3Client,
  location: S3Location,
  signal?: AbortSignal,
): Promise<void> {
  const result = await client
    .send(new GetBucketVersioningCommand({ Bucket: location.bucket }), { abortSignal: signal })
    .catch((error: unknown) => {
      throw s3Error(error, 'read the versioning setting', location);
    });
  if (result.Status !== 'Enabled') {
    throw new GantryError(
      'validation_failed',
      `expected bucket versioning to be enabled on bucket '${location.bucket}' (it is ${result.Status ?? 'off'}): enable it, or keep versions under the prefix (versioning: prefix)`,
    );
  }
}
