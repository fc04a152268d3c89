import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UpstreamAuth } from './upstream-auth.ts';

/** One request to the registry backend. */
export interface UpstreamRequest {
  method: string;
  /** Path and query, `/v2/…`. */
  path: string;
  headers: OutgoingHttpHeaders;
  /** The token scope an external registry's Bearer flow needs (`repository:a/b:pull,push`); null for none. */
  scope: string | null;
}

/** Where the backend is: the bundled registry's unix socket, or an external registry's URL. */
export type UpstreamLocation =
  | { kind: 'socket'; socketPath: string }
  | { kind: 'remote'; url: string; username: string | undefined; password: string | undefined };

// One keep-alive pool per backend: blobs arrive as many requests in a row.
const socketAgent = new http.Agent({ keepAlive: true });
const remoteAgents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/**
 * The registry backend Gantry's `/v2/` proxies to. Bodies are streamed both ways, never buffered;
 * an external registry gets Gantry's own credentials (see {@link UpstreamAuth}).
 */
export class RegistryUpstream {
  readonly #location: UpstreamLocation;
  readonly #auth: UpstreamAuth | null;
  /** For messages: the socket path or the URL. */
  readonly description: string;
  /** The backend's origin, to make its absolute `Location` headers relative; null for the socket. */
  readonly origin: string | null;

  constructor(location: UpstreamLocation) {
    this.#location = location;
    if (location.kind === 'socket') {
      this.#auth = null;
      this.description = location.socketPath;
      this.origin = null;
    } else {
      this.origin = new URL(location.url).origin;
      this.#auth = new UpstreamAuth({
        origin: this.origin,
        username: location.username,
        password: location.password,
      });
      this.description = this.origin;
    }
  }

  /**
   * Sends a request, streaming `body` (null: none) into it; resolves with the response once its
   * headers arrive. When the backend refuses a request (401: a token expired, the challenge
   * changed) its credentials are dropped; a bodyless request is sent once more with fresh ones, one
   * with a body cannot be replayed, but the next request gets fresh ones.
   */
  async send(request: UpstreamRequest, body: Readable | null): Promise<IncomingMessage> {
    const response = await this.#attempt(request, body);
    if (response.statusCode !== 401 || this.#auth === null) return response;
    this.#auth.refused(request.scope, response.headers['www-authenticate']);
    if (body !== null) return response;
    response.resume();
    return this.#attempt(request, null);
  }

  async #attempt(request: UpstreamRequest, body: Readable | null): Promise<IncomingMessage> {
    const authorization = await this.#auth?.authorization(request.scope);
    const headers = { ...request.headers, ...(authorization !== undefined && { authorization }) };
    return new Promise((resolve, reject) => {
      const outgoing = this.#open(request.method, request.path, headers);
      outgoing.once('response', resolve);
      outgoing.once('error', reject);
      if (body === null) outgoing.end();
      // An aborted client destroys the outgoing request (and an upstream error the incoming one).
      else pipeline(body, outgoing).catch(reject);
    });
  }

  #open(method: string, path: string, headers: OutgoingHttpHeaders): http.ClientRequest {
    const location = this.#location;
    if (location.kind === 'socket') {
      return http.request({ socketPath: location.socketPath, path, method, headers, agent: socketAgent });
    }
    const url = new URL(path, location.url);
    const agent = remoteAgents[url.protocol as 'http:' | 'https:'];
    return (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent });
  }
}
