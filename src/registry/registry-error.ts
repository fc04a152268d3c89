import type { ServerResponse } from 'node:http';

/** The realm of the Basic challenge `/v2/` answers without (valid) credentials. */
export const REGISTRY_REALM = 'Gantry registry';

/** Error codes of the Registry API that Gantry itself answers with. */
export type RegistryErrorCode = 'UNAUTHORIZED' | 'DENIED' | 'NAME_INVALID' | 'UNSUPPORTED' | 'UNAVAILABLE';

/** An answer in the registry's own error format, `{"errors":[{"code","message","detail"}]}`. */
export class RegistryError extends Error {
  readonly status: number;
  readonly code: RegistryErrorCode;

  constructor(status: number, code: RegistryErrorCode, message: string) {
    super(message);
    this.name = 'RegistryError';
    this.status = status;
    this.code = code;
  }
}

/** Refused credentials: registry clients then ask for (other) credentials. */
export const unauthorized = (message: string) => new RegistryError(401, 'UNAUTHORIZED', message);

/**
 * Refused access. One message whether the repository's project does not exist, cannot be seen or
 * needs a higher role, so a refusal tells nothing about what exists.
 */
export const denied = (what = 'requested access to the resource is denied') =>
  new RegistryError(403, 'DENIED', what);

/** Writes `error` as the registry API does, with the Basic challenge on 401. */
export function writeRegistryError(res: ServerResponse, error: RegistryError): void {
  const body = JSON.stringify({ errors: [{ code: error.code, message: error.message, detail: null }] });
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'docker-distribution-api-version': 'registry/2.0',
  };
  if (error.status === 401) headers['www-authenticate'] = `Basic realm="${REGISTRY_REALM}", charset="UTF-8"`;
  res.writeHead(error.status, headers);
  res.end(body);
}
