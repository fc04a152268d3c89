import { request } from 'node:https';
import { createConnection, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../support/free-port.ts';
import type { KubeRigClient } from '../support/kube-rig.ts';

// Faults of a cluster connection for the Kubernetes target's tests: a port nothing listens on, a
// proxy in front of the rig's API server that can be shut, and a token the API server refuses.

/** A loopback port nothing listens on (bound, then released). */
export const closedLoopbackPort = freePort;

/** A TCP proxy on 127.0.0.1 to the rig's API server (TLS passes through untouched). */
export interface ApiProxy {
  /** `https://127.0.0.1:<port>`: the rig's certificate names 127.0.0.1, so TLS still verifies. */
  url: string;
  /** Stops listening and cuts every connection, so the cluster becomes unreachable through it. */
  close(): Promise<void>;
}

/** Starts a proxy forwarding every connection to the rig's API server. */
export async function startApiProxy(rig: KubeRigClient): Promise<ApiProxy> {
  const upstream = new URL(rig.info.server);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const server = createConnection({ host: upstream.hostname, port: Number(upstream.port) });
    track(client);
    track(server);
    client.pipe(server).pipe(client);
    client.once('close', () => server.destroy());
    server.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The rig's admin kubeconfig with its API server reached at `server` instead. */
export function adminKubeconfigVia(rig: KubeRigClient, kubeconfig: string, server: string): string {
  if (!kubeconfig.includes(rig.info.server))
    throw new Error(`the rig's kubeconfig does not name ${rig.info.server}`);
  return kubeconfig.replaceAll(rig.info.server, server);
}

/** The HTTP status the rig's API server answers `GET /api` with, as bearer `token`. */
export function statusWithToken(rig: KubeRigClient, token: string): Promise<number> {
  const url = new URL('/api', rig.info.server);
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      { ca: rig.info.caPem, headers: { authorization: `Bearer ${token}` } },
      (answer) => {
        answer.resume();
        answer.once('end', () => resolve(answer.statusCode ?? 0));
      },
    );
    sent.once('error', reject);
    sent.end();
  });
}

/**
 * Waits until the API server refuses `token` (401): a deleted ServiceAccount's token may still be
 * accepted for a few seconds (the authenticator caches it).
 */
export async function untilTokenRefused(
  rig: KubeRigClient,
  token: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let status = await statusWithToken(rig, token);
  while (status !== 401) {
    if (Date.now() > deadline) throw new Error(`the API server still answers ${status} to the revoked token`);
    await sleep(200);
    status = await statusWithToken(rig, token);
  }
}
