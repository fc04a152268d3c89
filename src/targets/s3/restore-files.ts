import type { S3Client } from '@aws-sdk/client-s3';
import { badRequest, GantryError } from '../../domain/errors.ts';
import { type CopySource, copyObject, deleteObjects, headObject, listSiteObjects } from './bucket-objects.ts';
import { inParallel } from './in-parallel.ts';
import { checkLocation, type S3Location } from './s3-location.ts';
import { S3_PARALLELISM } from './sync-directory.ts';
import type { SyncedFile, SyncResult } from './synced-file.ts';

export interface RestoreOptions {
  /** Delete live files that are not among the restored ones (what `deleteRemoved` did for the deployment). */
  deleteOthers: boolean;
  /** Aborting before the switch leaves the live site untouched; the switch itself, once begun, completes. */
  signal: AbortSignal;
  log: (line: string) => void;
}

/**
 * Makes an earlier deployment's files live again (a rollback), from what {@link syncDirectory}
 * returned for it: each file is copied server-side from its kept copy (`versionKey`) or its bucket
 * version (`versionId`). Every source is checked first (present, same ETag), so a rollback whose
 * versions were deleted fails before touching the live site. Live files that already match are left
 * alone. The result describes the site afterwards: with bucket versioning, the new live VersionIds.
 */
export async function restoreFiles(
  client: S3Client,
  location: S3Location,
  files: readonly SyncedFile[],
  options: RestoreOptions,
): Promise<SyncResult> {
  checkLocation(location);
  const { signal, log } = options;
  const where = `s3://${location.bucket}/${location.prefix}`;
  const remote = await listSiteObjects(client, location, signal);
  const planned = await inParallel(files, S3_PARALLELISM, signal, async (file) => {
    const listed = remote.get(file.key);
    if (listed && listed.size === file.size && listed.etag === file.etag) {
      const live = await headObject(client, location, file.key, null, signal);
      if (live.contentType === file.contentType && live.cacheControl === file.cacheControl) {
        return { file, source: undefined, liveVersionId: live.versionId };
      }
    }
    const source = sourceOf(file);
    const kept = await headObject(client, location, source.key, source.versionId ?? null, signal);
    if (kept.etag !== file.etag) {
      throw new GantryError(
        'conflict',
        `cannot restore ${file.key}: its kept copy ${describe(source)} has ETag ${kept.etag}, not the deployed ${file.etag}`,
      );
    }
    return { file, source, liveVersionId: null };
  });
  const toCopy = planned.filter((entry) => entry.source !== undefined).length;
  log(
    `s3: restoring ${files.length} files in ${where}: ${toCopy} to copy back, ${files.length - toCopy} already live`,
  );
  signal.throwIfAborted();

  // Switch: from here on the signal is ignored, so the live site never ends half restored.
  const restored = await inParallel(planned, S3_PARALLELISM, new AbortController().signal, async (entry) => {
    const { file, source } = entry;
    if (!source) return { ...file, versionId: file.versionId === null ? null : entry.liveVersionId };
    log(`s3: restore ${file.key} from ${describe(source)}`);
    const live = await copyObject(client, location, source, file.key);
    return { ...file, etag: live.etag, versionId: file.versionId === null ? null : live.versionId };
  });

  const wanted = new Set(files.map((file) => file.key));
  const others = [...remote.keys()].filter((key) => !wanted.has(key)).sort();
  let deleted: string[] = [];
  if (others.length > 0 && options.deleteOthers) {
    for (const key of others) log(`s3: delete ${key}`);
    await deleteObjects(client, location, others);
    deleted = others;
  } else if (others.length > 0) {
    log(`s3: keeping ${others.length} live files the restored deployment does not have`);
  }
  log(
    `s3: ${where} restored: ${toCopy} copied back, ${files.length - toCopy} unchanged, ${deleted.length} deleted`,
  );
  return {
    files: restored.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    uploaded: toCopy,
    unchanged: files.length - toCopy,
    deleted,
  };
}

function sourceOf(file: SyncedFile): CopySource {
  if (file.versionKey) return { key: file.versionKey, etag: file.etag };
  if (file.versionId) return { key: file.key, versionId: file.versionId, etag: file.etag };
  throw badRequest(
    `cannot restore ${file.key}: the deployment kept neither a versions-folder copy nor a bucket version of it`,
  );
}

function describe(source: CopySource): string {
  return source.versionId ? `${source.key} (version ${source.versionId})` : source.key;
}
