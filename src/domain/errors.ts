/** Machine-readable error codes, each mapped to one HTTP status by the API layer. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'unavailable'
  | 'internal';

/** One problem with one input field, located by a JSON-pointer-like path (`/name`, `/members/0/role`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * An error meant for the person or tool that made the request: its message says what was expected.
 * Anything else thrown is an internal error whose message is never shown to clients.
 */
export class GantryError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'GantryError';
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string): GantryError => new GantryError('not_found', `${what} not found`);
export const forbidden = (message: string): GantryError => new GantryError('forbidden', message);
export const conflict = (message: string): GantryError => new GantryError('conflict', message);
export const badRequest = (message: string, details: ErrorDetail[] = []): GantryError =>
  new GantryError('bad_request', message, details);
