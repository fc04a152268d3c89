import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GantryError } from '../../domain/errors.ts';
import { fixedDirectory } from '../environment-path.ts';
import type { TargetSettings } from '../target-settings.ts';
import { requireBucketVersioning } from './bucket-objects.ts';
import { s3Error } from './s3-errors.ts';
import { GANTRY_FOLDER } from './s3-location.ts';
import {
  mergeS3Settings,
  parseS3Config,
  parseS3Credentials,
  type S3Config,
  type S3Credentials,
  type S3SettingsInput,
} from './s3-settings.ts';

const CHECK_TIMEOUT_MS = 30_000;

/** A client for a target's bucket; `destroy()` it when done. */
export function s3Client(config: S3Config, credentials: S3Credentials): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint !== null && { endpoint: config.endpoint }),
    forcePathStyle: config.force_path_style,
    credentials: { accessKeyId: config.access_key_id, secretAccessKey: credentials.secret_access_key ?? '' },
    maxAttempts: 2,
  });
}

/**
 * Checks that the bucket answers with these settings and can be written: it exists (HeadBucket),
 * has versioning on when rollbacks rely on it, and a probe object under the prefix's `.gantry/`
 * folder can be put and deleted.
 */
export async function checkS3Target(config: S3Config, credentials: S3Credentials): Promise<void> {
  const client = s3Client(config, credentials);
  const location = { bucket: config.bucket, prefix: config.prefix };
  const abortSignal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  const step = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      const failure = s3Error(error, what, location);
      throw failure instanceof GantryError && failure.code === 'validation_failed'
        ? failure
        : new GantryError('validation_failed', failure.message);
    }
  };
  try {
    await step('reach the bucket', () =>
      client.send(new HeadBucketCommand({ Bucket: config.bucket }), { abortSignal }),
    );
    if (config.versioning === 'bucket')
      await step('read versioning', () => requireBucketVersioning(client, location, abortSignal));
    // A prefix naming the environment's slug is checked where its fixed part ends.
    const fixed = fixedDirectory(config.prefix);
    const base = fixed === config.prefix ? fixed : fixed === '.' ? '' : `${fixed}/`;
    const probe = `${base}${GANTRY_FOLDER}check-${randomBytes(6).toString('hex')}`;
    await step('write a probe object', () =>
      client.send(new PutObjectCommand({ Bucket: config.bucket, Key: probe, Body: 'gantry' }), {
        abortSignal,
      }),
    );
    await step('delete the probe object', () =>
      client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: probe }), { abortSignal }),
    );
  } finally {
    client.destroy();
  }
}

/** The settings of S3 targets: merged, validated, and the bucket checked on every save. */
export function s3TargetSettings(check = checkS3Target): TargetSettings<S3Config, S3Credentials> {
  return {
    kind: 's3',
    async save(input, stored) {
      const merged = mergeS3Settings(input as S3SettingsInput, stored);
      await check(merged.config, merged.credentials);
      return merged;
    },
    parseConfig: parseS3Config,
    parseCredentials: parseS3Credentials,
  };
}
