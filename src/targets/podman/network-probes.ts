import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

/** Where a probe goes and how long it may take. */
export interface ProbeTarget {
  host: string;
  port: number;
  timeoutMs: number;
}

/**
 * An HTTP probe as the kubelet runs it: GET the path, success on a status from 200 to 399; the
 * certificate of an HTTPS probe is not verified (the kubelet does not either). Resolves to null on
 * success, else to what went wrong.
 */
export function httpProbe(
  target: ProbeTarget,
  options: { path: string; https: boolean; headers: Record<string, string> },
): Promise<string | null> {
  return new Promise((resolve) => {
    const request = (options.https ? httpsRequest : httpRequest)(
      {
        host: target.host,
        port: target.port,
        path: options.path,
        method: 'GET',
        headers: { 'user-agent': 'gantry-probe', ...options.headers },
        timeout: target.timeoutMs,
        rejectUnauthorized: false,
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve(status >= 200 && status < 400 ? null : `HTTP ${status}`);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${target.timeoutMs} ms`)));
    request.on('error', (error) => resolve(error.message));
    request.end();
  });
}

/** A TCP probe: the port accepts a connection. Resolves to null on success, else to the error. */
export function tcpProbe(target: ProbeTarget): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port, timeout: target.timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no connection within ${target.timeoutMs} ms`)));
    socket.once('error', (error) => resolve(error.message));
  });
}
