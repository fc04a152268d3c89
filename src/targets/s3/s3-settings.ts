import { GantryError } from '../../domain/errors.ts';
import { samplePath } from '../environment-path.ts';
import type { S3Versioning } from './sync-directory.ts';

/**
 * An S3 target as registered: the bucket and prefix a site goes to, the endpoint of an
 * S3-compatible server (none: AWS), and the access key. The secret key is stored encrypted and
 * never shown; the access key id is not secret and is shown.
 */
export interface S3SettingsInput {
  bucket?: string;
  prefix?: string;
  region?: string;
  endpoint?: string | null;
  force_path_style?: boolean;
  versioning?: S3Versioning;
  access_key_id?: string;
  secret_access_key?: string | null;
}

/** The non-secret settings kept in `targets.config` (JSON), as the API shows them. */
export interface S3Config {
  bucket: string;
  /** `''`, or a key prefix ending in `/`. */
  prefix: string;
  region: string;
  /** An S3-compatible server's URL; null for AWS. */
  endpoint: string | null;
  /** Bucket in the path (`endpoint/bucket/key`), as most S3-compatible servers want. */
  force_path_style: boolean;
  /** Where rollbacks find a deployment's files: copies under the prefix, or the bucket's versions. */
  versioning: S3Versioning;
  access_key_id: string;
  secret_set: boolean;
}

/** The secret settings kept encrypted in `targets.secret_encrypted` (JSON). */
export interface S3Credentials {
  secret_access_key: string | null;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,64}$/;
const ACCESS_KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * Merges settings given over stored ones (`stored` null on create) and validates them: a bucket
 * name as S3 allows, a prefix `''` or ending in `/`, an http(s) endpoint, an access key with its
 * secret. Left out: region us-east-1, path-style addressing when an endpoint is given, versions
 * kept under the prefix.
 * @throws GantryError('validation_failed') naming the field.
 */
export function mergeS3Settings(
  input: S3SettingsInput,
  stored: { config: S3Config; credentials: S3Credentials } | null,
): { config: S3Config; credentials: S3Credentials } {
  const bucket = input.bucket ?? stored?.config.bucket;
  if (bucket === undefined || !BUCKET.test(bucket) || bucket.includes('..'))
    throw invalid('/s3/bucket', 'bucket is an S3 bucket name: 3 to 63 lowercase letters, digits, . and -');
  const prefix = input.prefix ?? stored?.config.prefix ?? '';
  const sample = samplePath(prefix);
  const segments = sample.slice(0, -1).split('/');
  if (sample !== '' && (!sample.endsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')))
    throw invalid(
      '/s3/prefix',
      `prefix is empty or a folder such as site/ (ending in /), got ${JSON.stringify(prefix)}`,
    );
  const region = input.region ?? stored?.config.region ?? 'us-east-1';
  if (!REGION.test(region)) throw invalid('/s3/region', 'region is a region name such as us-east-1');
  const endpoint = input.endpoint === undefined ? (stored?.config.endpoint ?? null) : input.endpoint || null;
  if (endpoint !== null && !/^https?:\/\/[^\s/?#@]+\/?$/.test(endpoint))
    throw invalid(
      '/s3/endpoint',
      `endpoint is the http(s) URL of an S3-compatible server, got ${JSON.stringify(endpoint)}`,
    );
  const versioning = input.versioning ?? stored?.config.versioning ?? 'prefix';
  if (versioning !== 'prefix' && versioning !== 'bucket')
    throw invalid(
      '/s3/versioning',
      'versioning is prefix (copies under the prefix) or bucket (bucket versioning)',
    );
  const accessKeyId = input.access_key_id ?? stored?.config.access_key_id;
  if (accessKeyId === undefined || !ACCESS_KEY.test(accessKeyId))
    throw invalid(
      '/s3/access_key_id',
      'access_key_id is the access key of a user allowed to write the bucket',
    );
  const secret =
    input.secret_access_key === undefined
      ? (stored?.credentials.secret_access_key ?? null)
      : input.secret_access_key || null;
  if (secret === null || secret.length > 1024 || /\s/.test(secret))
    throw invalid(
      '/s3/secret_access_key',
      'secret_access_key is needed with the access key (one word, at most 1024 characters)',
    );
  return {
    config: {
      bucket,
      prefix,
      region,
      endpoint: endpoint?.replace(/\/$/, '') ?? null,
      force_path_style: input.force_path_style ?? stored?.config.force_path_style ?? endpoint !== null,
      versioning,
      access_key_id: accessKeyId,
      secret_set: true,
    },
    credentials: { secret_access_key: secret },
  };
}

/** Reads a stored S3 target configuration; throws when it is not one. */
export function parseS3Config(json: string): S3Config {
  const value = JSON.parse(json) as Partial<S3Config>;
  if (typeof value.bucket !== 'string' || typeof value.access_key_id !== 'string')
    throw new Error('the target configuration is not an S3 one');
  return {
    bucket: value.bucket,
    prefix: value.prefix ?? '',
    region: value.region ?? 'us-east-1',
    endpoint: value.endpoint ?? null,
    force_path_style: value.force_path_style ?? false,
    versioning: value.versioning === 'bucket' ? 'bucket' : 'prefix',
    access_key_id: value.access_key_id,
    secret_set: value.secret_set ?? false,
  };
}

/** Reads decrypted credentials. */
export function parseS3Credentials(json: string | null): S3Credentials {
  const value = (json === null ? {} : JSON.parse(json)) as { secret_access_key?: unknown };
  return { secret_access_key: typeof value.secret_access_key === 'string' ? value.secret_access_key : null };
}

function invalid(path: string, message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path, message }]);
}
