import { type ErrorCode, GantryError } from '../../domain/errors.ts';
import type { S3Location } from './s3-location.ts';

/** S3 error codes meaning the target's credentials are wrong, and how a person would say it. */
const credentialErrors: Record<string, string> = {
  InvalidAccessKeyId: 'the access key ID is unknown to the server',
  // versitygw's answer to an unknown access key ID.
  XAdminUserNotFound: 'the access key ID is unknown to the server',
  SignatureDoesNotMatch: 'the secret access key does not match the access key ID',
  InvalidToken: 'the session token is invalid',
  ExpiredToken: 'the session token has expired',
  AccessDenied: 'these credentials may not do this',
};

/** Socket error codes along a failed request's `cause` chain. */
const networkReasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
};

interface S3LikeError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * The error to throw for a failed S3 request: a {@link GantryError} whose one-line message names the
 * request, the bucket and the reason. Rejected credentials and a missing bucket are the target's
 * settings at fault (`validation_failed`, never `unauthorized`, which would blame the API caller's own
 * token); an unreachable server is `unavailable`. An abort returns the signal's reason, so callers
 * see their own.
 *
 * @param what the request as a verb phrase: `upload index.html`, `list the live files`.
 */
export function s3Error(error: unknown, what: string, location: S3Location): Error {
  if (error instanceof GantryError || !(typeof error === 'object' && error !== null)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const failure = error as S3LikeError;
  // The SDK wraps the signal's reason; callers want their own reason back.
  if (failure.name === 'AbortError') return failure.cause instanceof Error ? failure.cause : (error as Error);
  const name = typeof failure.name === 'string' ? failure.name : '';
  const status = failure.$metadata?.httpStatusCode;
  const bucket = `bucket '${location.bucket}'`;
  const fail = (code: ErrorCode, message: string) =>
    new GantryError(code, `cannot ${what} in ${bucket}: ${message}`);
  if (credentialErrors[name]) return fail('validation_failed', `${credentialErrors[name]} (${name})`);
  if (name === 'NoSuchBucket') return fail('validation_failed', 'the bucket does not exist (NoSuchBucket)');
  for (let link: unknown = error, depth = 0; depth < 5 && typeof link === 'object' && link; depth += 1) {
    const code = (link as S3LikeError).code;
    if (typeof code === 'string' && networkReasons[code]) {
      return fail('unavailable', `the S3 endpoint is unreachable (${networkReasons[code]})`);
    }
    link = (link as S3LikeError).cause;
  }
  const message =
    typeof failure.message === 'string' && failure.message !== '' ? failure.message : 'no message';
  const detail = `${message}${name && name !== 'Error' ? ` (${name}${typeof status === 'number' ? `, HTTP ${status}` : ''})` : ''}`;
  return fail(typeof status === 'number' && status >= 500 ? 'unavailable' : 'bad_request', detail);
}
