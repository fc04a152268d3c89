import { ApiException } from '@kubernetes/client-node';
import { type ErrorCode, GantryError } from '../../domain/errors.ts';

/** What went wrong talking to a cluster, coarsely: it decides the wording and the error code. */
export type KubeErrorKind =
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'server'
  | 'other';

/** Socket error codes (Node and undici) and how a person would say them. */
const networkReasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed by the server',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
};

const timeoutCodes = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** TLS error codes and what they mean for the person who entered the CA. */
const tlsReasons: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed and not the configured CA",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate is not signed by the configured CA",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not signed by the configured CA",
  UNABLE_TO_GET_ISSUER_CERT: "the server's certificate is not signed by the configured CA",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate is not signed by the configured CA",
  CERT_SIGNATURE_FAILURE: "the server's certificate signature does not verify",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate does not name this host",
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS at this address (plain HTTP?)',
  EPROTO: 'the TLS handshake failed',
};

interface Classified {
  kind: KubeErrorKind;
  /** The HTTP status when the API answered. */
  status?: number;
  /** The API's own message, or the socket/TLS reason. */
  detail: string;
}

/** The error codes along an error's `cause` chain (a fetch error wraps the socket error). */
function causeChain(error: unknown): { code?: string; name?: string; message: string; reason?: string }[] {
  const chain: { code?: string; name?: string; message: string; reason?: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const item = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      reason?: unknown;
      cause?: unknown;
    };
    chain.push({
      ...(typeof item.code === 'string' ? { code: item.code } : {}),
      ...(typeof item.name === 'string' ? { name: item.name } : {}),
      ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
      message: typeof item.message === 'string' ? item.message : '',
    });
    current = item.cause;
  }
  return chain;
}

/** The API's `Status.message` from an ApiException body (a JSON string, or already an object). */
export function kubeStatusMessage(error: ApiException<unknown>): string {
  let body: unknown = error.body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.trim().slice(0, 500);
    }
  }
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { message?: unknown }).message === 'string'
  ) {
    return (body as { message: string }).message;
  }
  return '';
}

const statusKinds: Record<number, KubeErrorKind> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'conflict',
  422: 'invalid',
  504: 'timeout',
};

/** Sorts any error thrown while talking to a cluster. */
export function classifyKubeError(error: unknown): Classified {
  if (error instanceof ApiException) {
    const status = error.code;
    const detail = kubeStatusMessage(error);
    // Server-side apply answers 500 for a field the schema does not have: the object's fault.
    if (status === 500 && detail.includes('failed to create typed patch object')) {
      return { kind: 'invalid', status, detail };
    }
    const kind = statusKinds[status] ?? (status >= 500 || status === 429 ? 'server' : 'other');
    return { kind, status, detail };
  }
  for (const link of causeChain(error)) {
    if (link.name === 'TimeoutError' || (link.code && timeoutCodes.has(link.code))) {
      return { kind: 'timeout', detail: 'no answer in time' };
    }
    if (link.code && networkReasons[link.code])
      return { kind: 'unreachable', detail: networkReasons[link.code]! };
    if (link.code && tlsReasons[link.code]) {
      const extra = link.reason ? ` (${link.reason.replace(/[:\s]+$/, '')})` : ` (${link.code})`;
      return { kind: 'tls', detail: `${tlsReasons[link.code]}${extra}` };
    }
  }
  return { kind: 'other', detail: error instanceof Error ? error.message : String(error) };
}

const statusNames: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  422: 'Invalid',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Timeout',
};

const withDetail = (text: string, detail: string) => (detail ? `${text}: ${detail}` : text);

/**
 * One line saying what failed and why, for job logs and API errors. Failures of the connection
 * itself (unreachable, TLS, rejected credentials) are about the cluster and name its URL; the
 * others are about one request and start with `cannot <what>`.
 *
 * @param what the request as a verb phrase: `apply Deployment shop/web`, `read the server version`.
 * @param server the API server's URL, named by connection failures.
 */
export function describeKubeError(error: unknown, what: string, server = 'the cluster'): string {
  if (error instanceof GantryError) return error.message;
  const { kind, status, detail } = classifyKubeError(error);
  const api = server.startsWith('http') ? `the Kubernetes API at ${server}` : 'the Kubernetes API';
  const code = status ? ` (${status}${statusNames[status] ? ` ${statusNames[status]}` : ''})` : '';
  switch (kind) {
    case 'unreachable':
      return `cannot reach ${api}: ${detail}`;
    case 'tls':
      return `TLS connection to ${api} failed: ${detail}`;
    case 'timeout':
      return status
        ? withDetail(`cannot ${what}: the API server timed out${code}`, detail)
        : `cannot ${what}: ${api} did not answer in time`;
    case 'unauthorized':
      return 'the cluster refused the credentials (401 Unauthorized): the token or certificate is invalid or revoked';
    case 'forbidden':
      return withDetail(`cannot ${what}: forbidden${code}`, detail);
    case 'not_found':
      return withDetail(`cannot ${what}: not found${code}`, detail);
    case 'conflict':
      return withDetail(`cannot ${what}: conflict${code}`, detail);
    case 'invalid':
      return withDetail(`cannot ${what}: the API server rejected it${code}`, detail);
    case 'server':
      return withDetail(`cannot ${what}: the API server failed${code}`, detail);
    default:
      return withDetail(`cannot ${what}${code}`, detail);
  }
}

/**
 * Which Gantry error code a cluster failure becomes. Rejected credentials are `validation_failed`,
 * never `unauthorized`/`forbidden`: those would tell the API client that its own Gantry token is
 * at fault, when it is the target's settings.
 */
const gantryCodes: Record<KubeErrorKind, ErrorCode> = {
  unreachable: 'unavailable',
  tls: 'unavailable',
  timeout: 'unavailable',
  server: 'unavailable',
  unauthorized: 'validation_failed',
  forbidden: 'validation_failed',
  invalid: 'validation_failed',
  not_found: 'not_found',
  conflict: 'conflict',
  other: 'internal',
};

/** A GantryError carrying {@link describeKubeError}'s message; a GantryError passes through. */
export function kubeFailure(error: unknown, what: string, server?: string): GantryError {
  if (error instanceof GantryError) return error;
  return new GantryError(gantryCodes[classifyKubeError(error).kind], describeKubeError(error, what, server));
}

/** Whether the API answered 404 (an object, or a namespace it would live in, does not exist). */
export const isNotFound = (error: unknown): boolean => error instanceof ApiException && error.code === 404;

/** Whether the API answered 403 (the credentials may not do this). */
export const isForbidden = (error: unknown): boolean => error instanceof ApiException && error.code === 403;
