import { request } from 'node:http';
import type { Socket } from 'node:net';
import { GantryError } from '../../domain/errors.ts';

/** The libpod API version asked for: the oldest Podman 4 serves. */
const API_PREFIX = '/v4.0.0/libpod';

const CALL_TIMEOUT_MS = 30_000;

/** A libpod API answer. */
export interface LibpodResponse {
  status: number;
  /** The parsed JSON body; undefined when empty. */
  body: unknown;
}

/**
 * The few libpod REST calls Gantry makes, over a Podman service's unix socket (`podman system
 * service`): JSON calls, and the one that turns the connection into a raw stream (exec start).
 * Paths are given without the API prefix (`/exec/<id>/json`).
 */
export class LibpodClient {
  readonly socketPath: string;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  /**
   * One call with a JSON body.
   * @throws GantryError('unavailable') when the service cannot be reached or does not answer.
   */
  call(method: string, path: string, body?: unknown): Promise<LibpodResponse> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          socketPath: this.socketPath,
          method,
          path: `${API_PREFIX}${path}`,
          headers: { 'Content-Type': 'application/json' },
          signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => reject(this.#unreachable(error)));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: parseBody(Buffer.concat(chunks)) }),
          );
        },
      );
      outgoing.on('error', (error) => reject(this.#unreachable(error)));
      outgoing.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /**
   * A POST answered with `101 Switching Protocols` (`Upgrade: tcp`): the connection, from then on a
   * raw stream both ways. Bytes the service sent with the answer are pushed back onto it.
   * @throws GantryError('unavailable') when unreachable, or when it answers otherwise (with its message).
   */
  upgrade(path: string, body: unknown): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const outgoing = request({
        socketPath: this.socketPath,
        method: 'POST',
        path: `${API_PREFIX}${path}`,
        headers: { 'Content-Type': 'application/json', Connection: 'Upgrade', Upgrade: 'tcp' },
      });
      outgoing.on('upgrade', (_response, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      outgoing.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const answer = { status: response.statusCode ?? 0, body: parseBody(Buffer.concat(chunks)) };
          reject(new GantryError('unavailable', `Podman's API refused ${path}: ${libpodMessage(answer)}`));
        });
      });
      outgoing.on('error', (error) => reject(this.#unreachable(error)));
      outgoing.end(JSON.stringify(body));
    });
  }

  #unreachable(error: Error): GantryError {
    return new GantryError(
      'unavailable',
      `cannot reach Podman's API at unix://${this.socketPath}: ${error.message}`,
    );
  }
}

/** What the service said of a failed call: its JSON `message`, else the body, else the status. */
export function libpodMessage(response: LibpodResponse): string {
  const { body, status } = response;
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { message?: unknown }).message === 'string'
  )
    return (body as { message: string }).message;
  if (typeof body === 'string' && body !== '') return body;
  return `HTTP ${status}`;
}

/** A body as JSON when it is JSON, else as text; undefined when empty. */
function parseBody(bytes: Buffer): unknown {
  const text = bytes.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
