import { readFile } from 'node:fs/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  bareEtag,
  copyObject,
  deleteObjects,
  headObject,
  type ListedObject,
  listSiteObjects,
  type ObjectHeaders,
  requireBucketVersioning,
} from './bucket-objects.ts';
import { type CacheControlRule, cacheControlFor } from './cache-control.ts';
import { contentTypeFor } from './content-types.ts';
import { inParallel } from './in-parallel.ts';
import { type LocalFile, listLocalFiles } from './local-files.ts';
import { s3Error } from './s3-errors.ts';
import { checkLocation, liveKey, type S3Location, stagingKey, versionKey } from './s3-location.ts';
import type { SyncedFile, SyncResult } from './synced-file.ts';

/** How a rollback finds a deployment's files again. */
export type S3Versioning = 'prefix' | 'bucket';

export interface SyncOptions {
  deploymentId: number;
  /** Delete live files the directory no longer has (otherwise they stay, and are not in the result). */
  deleteRemoved: boolean;
  /** The first matching rule gives a file's `Cache-Control`; no match, no header. */
  cacheControl: readonly CacheControlRule[];
  /** Extension → content type, over the built-in table. */
  contentTypes?: Readonly<Record<string, string>>;
  /**
   * `prefix`: every file of the deployment is kept under `<prefix>.gantry/versions/<id>/`.
   * `bucket`: the bucket keeps versions (it must have versioning enabled); each live VersionId is recorded.
   */
  versioning: S3Versioning;
  /** Aborting before the switch leaves the live site untouched; the switch itself, once begun, completes. */
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Requests in flight at once: enough to hide latency, few enough for a small server. */
export const S3_PARALLELISM = 8;

/** What a file needs to be live as the deployment wants it. */
type Change = 'upload' | 'headers' | 'none';

interface Planned {
  local: LocalFile;
  key: string;
  contentType: string;
  cacheControl: string | null;
  change: Change;
  /** The live object's headers, read when its content is already right. */
  live?: ObjectHeaders;
}

/**
 * Syncs a directory of files to a bucket and prefix, so that interrupting it never leaves a half
 * deployed site: everything new is first written beside the site (the deployment's versions folder, or
 * a staging folder with bucket versioning); only when all of it is there do server-side copies switch
 * the live keys, and removed files are deleted last.
 *
 * Files whose live object already has the same size, MD5 ETag, content type and cache control are not
 * written (with prefix versioning they are still copied, server-side, into the versions folder); files
 * with the right content but other headers are copied onto themselves with the new headers, not
 * uploaded. Each file is read whole into memory while it uploads (single-part PUT, up to 5 GB).
 */
export async function syncDirectory(
  client: S3Client,
  location: S3Location,
  localDir: string,
  options: SyncOptions,
): Promise<SyncResult> {
  checkLocation(location);
  const { deploymentId, signal, log, versioning } = options;
  const where = `s3://${location.bucket}/${location.prefix}`;
  if (versioning === 'bucket') await requireBucketVersioning(client, location, signal);
  const locals = await listLocalFiles(localDir);
  const remote = await listSiteObjects(client, location, signal);
  const planned = await inParallel(locals, S3_PARALLELISM, signal, (local) =>
    plan(client, location, local, remote.get(liveKey(location, local.path)), options),
  );
  const counts = { upload: 0, headers: 0, none: 0 };
  for (const file of planned) counts[file.change] += 1;
  log(
    `s3: ${locals.length} files for ${where}: ${counts.upload} new or changed, ${counts.headers} with new headers, ${counts.none} unchanged`,
  );

  // Stage: nothing live changes here, so an abort or a failure leaves the site as it was.
  const staged = new Map<string, string>();
  await inParallel(planned, S3_PARALLELISM, signal, async (file) => {
    const stageKey =
      versioning === 'prefix'
        ? versionKey(location, deploymentId, file.local.path)
        : stagingKey(location, deploymentId, file.local.path);
    if (file.change === 'upload') {
      log(`s3: upload ${file.local.path} (${file.local.size} bytes, ${file.contentType})`);
      await putFile(client, location, file, stageKey, signal);
      staged.set(file.key, stageKey);
    } else if (versioning === 'prefix') {
      const headers = { contentType: file.contentType, cacheControl: file.cacheControl };
      await copyObject(client, location, { key: file.key, etag: file.local.md5, headers }, stageKey, signal);
      staged.set(file.key, stageKey);
    }
  });
  signal.throwIfAborted();

  // Switch: from here on the signal is ignored, so the live site never ends half switched.
  log(`s3: switching ${counts.upload + counts.headers} files live in ${where}`);
  const files = await inParallel(planned, S3_PARALLELISM, new AbortController().signal, async (file) => {
    const stageKey = staged.get(file.key);
    let live: { etag: string; versionId: string | null };
    if (stageKey && file.change !== 'none') {
      // The staged copy carries the file's headers, which the copy keeps.
      live = await copyObject(client, location, { key: stageKey, etag: file.local.md5 }, file.key);
    } else if (file.change === 'headers') {
      const headers = { contentType: file.contentType, cacheControl: file.cacheControl };
      live = await copyObject(client, location, { key: file.key, etag: file.local.md5, headers }, file.key);
    } else {
      live = { etag: file.live?.etag ?? file.local.md5, versionId: file.live?.versionId ?? null };
    }
    return {
      key: file.key,
      size: file.local.size,
      etag: live.etag,
      contentType: file.contentType,
      cacheControl: file.cacheControl,
      versionId: versioning === 'bucket' ? live.versionId : null,
      versionKey: versioning === 'prefix' ? (stageKey ?? null) : null,
    } satisfies SyncedFile;
  });

  const deleted = await removeStale(
    client,
    location,
    remote,
    new Set(files.map((file) => file.key)),
    options.deleteRemoved,
    log,
  );
  if (versioning === 'bucket' && staged.size > 0) {
    // The switch is done; a failed clean-up only leaves staging copies behind.
    await deleteObjects(client, location, [...staged.values()]).catch((error: unknown) => {
      log(
        `s3: warning: could not delete the staging copies: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }
  log(
    `s3: ${where} is live: ${counts.upload + counts.headers} written, ${counts.none} unchanged, ${deleted.length} deleted`,
  );
  return { files, uploaded: counts.upload + counts.headers, unchanged: counts.none, deleted };
}

async function plan(
  client: S3Client,
  location: S3Location,
  local: LocalFile,
  listed: ListedObject | undefined,
  options: SyncOptions,
): Promise<Planned> {
  const file = {
    local,
    key: liveKey(location, local.path),
    contentType: contentTypeFor(local.path, options.contentTypes),
    cacheControl: cacheControlFor(local.path, options.cacheControl),
  };
  if (!listed || listed.size !== local.size || listed.etag !== local.md5)
    return { ...file, change: 'upload' };
  const live = await headObject(client, location, file.key, null, options.signal);
  const sameHeaders = live.contentType === file.contentType && live.cacheControl === file.cacheControl;
  return { ...file, live, change: sameHeaders ? 'none' : 'headers' };
}

async function putFile(
  client: S3Client,
  location: S3Location,
  file: Planned,
  key: string,
  signal: AbortSignal,
): Promise<void> {
  // A buffer, not a stream: the SDK then signs a plain body, where a stream would go as `aws-chunked`,
  // an encoding some servers (versitygw) keep as the object's Content-Encoding.
  const body = await readFile(file.local.absolutePath);
  const result = await client
    .send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: key,
        Body: body,
        // The server refuses the body unless it is what was hashed (the file changed since?).
        ContentMD5: Buffer.from(file.local.md5, 'hex').toString('base64'),
        ContentType: file.contentType,
        CacheControl: file.cacheControl ?? undefined,
      }),
      { abortSignal: signal },
    )
    .catch((error: unknown) => {
      throw s3Error(error, `upload ${file.local.path}`, location);
    });
  // The switch copies only what has this ETag; a server using other ETags would refuse every copy.
  if (bareEtag(result.ETag) !== file.local.md5) {
    throw s3Error(
      new Error(`the server answered ETag ${result.ETag}, not the content's MD5 ${file.local.md5}`),
      `upload ${file.local.path}`,
      location,
    );
  }
}

/** Deletes (or, when asked not to, names) the live files the deployment no longer has. */
async function removeStale(
  client: S3Client,
  location: S3Location,
  remote: ReadonlyMap<string, ListedObject>,
  kept: ReadonlySet<string>,
  deleteRemoved: boolean,
  log: (line: string) => void,
): Promise<string[]> {
  const stale = [...remote.keys()].filter((key) => !kept.has(key)).sort();
  if (stale.length === 0) return [];
  if (!deleteRemoved) {
    log(
      `s3: keeping ${stale.length} live files this deployment does not have (delete of removed files is off)`,
    );
    return [];
  }
  for (const key of stale) log(`s3: delete ${key}`);
  await deleteObjects(client, location, stale);
  return stale;
}
