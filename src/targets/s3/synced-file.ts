/** One file of a deployment as it went live: what a snapshot records and a rollback restores. */
export interface SyncedFile {
  /** The live key (prefix included). */
  key: string;
  size: number;
  /** The live object's ETag without quotes: the content's hex MD5 for single-part uploads. */
  etag: string;
  contentType: string;
  cacheControl: string | null;
  /** The live object's version (bucket versioning), which a rollback copies back. */
  versionId: string | null;
  /** The deployment's kept copy (prefix versioning), which a rollback copies back. */
  versionKey: string | null;
}

/** What a sync or a restore did. */
export interface SyncResult {
  /** Every file now live, sorted by key. */
  files: SyncedFile[];
  /** How many live objects were written (uploaded, or copied from a kept version). */
  uploaded: number;
  /** How many live objects were already right (same size, ETag, content type and cache control). */
  unchanged: number;
  /** The live keys deleted because the deployment no longer has them. */
  deleted: string[];
}
