import type { S3TargetSettings } from '../api/host-target-types.ts';

/** What the target form holds for an S3 bucket, as typed. */
export interface S3TargetForm {
  bucket: string;
  /** `''` or `site/`. */
  prefix: string;
  /** Empty for us-east-1. */
  region: string;
  /** An S3-compatible server's URL; empty for AWS. */
  endpoint: string;
  /** With an endpoint: the bucket in the path, as most S3-compatible servers want (AWS: never). */
  forcePathStyle: boolean;
  versioning: 'prefix' | 'bucket';
  accessKeyId: string;
  /** Write-only: blank keeps the stored one on update. */
  secretAccessKey: string;
}

export const EMPTY_S3_TARGET_FORM: S3TargetForm = {
  bucket: '',
  prefix: '',
  region: '',
  endpoint: '',
  forcePathStyle: true,
  versioning: 'prefix',
  accessKeyId: '',
  secretAccessKey: '',
};

/**
 * The `s3` settings of a target body: blank optional fields left out for the API's defaults (on
 * update: kept), the prefix always sent (empty is the bucket's root), and the endpoint too (null for
 * AWS, so an edit can go back to it), path-style addressing only with an endpoint.
 */
export function s3Settings(form: S3TargetForm): Record<string, unknown> {
  const endpoint = form.endpoint.trim();
  const settings: Record<string, unknown> = {
    bucket: form.bucket.trim(),
    prefix: form.prefix.trim(),
    endpoint: endpoint === '' ? null : endpoint,
    force_path_style: endpoint !== '' && form.forcePathStyle,
    versioning: form.versioning,
  };
  if (form.region.trim() !== '') settings.region = form.region.trim();
  if (form.accessKeyId.trim() !== '') settings.access_key_id = form.accessKeyId.trim();
  if (form.secretAccessKey.trim() !== '') settings.secret_access_key = form.secretAccessKey.trim();
  return settings;
}

/** A stored S3 target as the edit form starts from (the secret blank: kept). */
export function s3TargetForm(view: S3TargetSettings): S3TargetForm {
  return {
    bucket: view.bucket,
    prefix: view.prefix,
    region: view.region,
    endpoint: view.endpoint ?? '',
    // Typing an endpoint into an AWS target's form starts from what S3-compatible servers want.
    forcePathStyle: view.endpoint ? view.force_path_style : true,
    versioning: view.versioning,
    accessKeyId: view.access_key_id ?? '',
    secretAccessKey: '',
  };
}
