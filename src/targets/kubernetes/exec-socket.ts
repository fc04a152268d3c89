import type { IncomingMessage } from 'node:http';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';

/** The channel protocols offered, newest first: both carry the exit status on channel 3, v5 also closes streams. */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
/** How long the API server may take to accept the WebSocket. */
const HANDSHAKE_TIMEOUT_MS = 30_000;
/** Of a refusal's body, enough for the API server's Status message. */
const REFUSAL_BODY_LIMIT = 64 * 1024;

/** Receives one message of a channel; returns false to close the connection. */
export type ChannelHandler = (channel: number, data: Buffer) => boolean;

/**
 * Opens the WebSockets of client-node's `Exec` (its `WebSocketInterface`) with the configuration's
 * credentials and TLS settings. Unlike the library's own handler it keeps the API server's answer when
 * the upgrade is refused (thrown as the ApiException a plain request would have thrown, so a 403 or
 * 404 reads like one), never touches this process's stdin or stdout, and drops a message on a channel
 * the session did not ask for instead of letting the library's exception escape the socket.
 */
export class ExecSocketConnector {
  readonly #kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  /**
   * @throws ApiException when the API server refuses the upgrade; the socket's error (with its
   *   `code`) when it cannot be reached.
   */
  async connect(path: string, _text: unknown, onChannel: ChannelHandler | null): Promise<WebSocket> {
    const server = this.#kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new Error('the Kubernetes client configuration has no current cluster');
    const options: WebSocket.ClientOptions = {};
    await this.#kubeConfig.applyToHTTPSOptions(options);
    const socket = new WebSocket(`${server.replace(/^http/, 'ws')}${path}`, PROTOCOLS, {
      ...options,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    return new Promise((resolve, reject) => {
      // Registered for the socket's whole life: an 'error' nobody listens to would be thrown.
      socket.on('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        void readRefusal(response).then((refusal) => {
          reject(refusal);
          socket.terminate();
        });
      });
      socket.once('open', () => resolve(socket));
      socket.on('message', (data, isBinary) => {
        const message = toBuffer(data);
        if (!isBinary || message.length === 0 || !onChannel) return;
        let keepOpen = true;
        try {
          keepOpen = onChannel(message[0]!, message.subarray(1));
        } catch {
          // A channel the session did not open (stderr with a terminal): nothing reads it.
        }
        if (!keepOpen) socket.close(1000);
      });
    });
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** The refused upgrade as the ApiException a plain request would have thrown. */
function readRefusal(response: IncomingMessage): Promise<ApiException<string>> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    const done = () =>
      resolve(
        new ApiException(
          response.statusCode ?? 0,
          'Unsuccessful HTTP Request',
          Buffer.concat(parts).toString('utf8'),
          {},
        ),
      );
    response.on('data', (part: Buffer) => {
      if (size < REFUSAL_BODY_LIMIT) parts.push(part);
      size += part.length;
    });
    response.once('end', done);
    response.once('error', done);
    response.once('aborted', done);
  });
}
