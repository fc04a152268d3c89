import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { GantryError } from '../../domain/errors.ts';
import type { PodmanHost } from './podman-host.ts';

/**
 * Where fresh host ports come from: below Linux's ephemeral range (32768 and up), so a port chosen
 * now is not taken later by an outgoing connection, and above the usual services' ports.
 */
export const HOST_PORT_RANGE = { min: 20_000, max: 32_767 } as const;

const ATTEMPTS = 200;

/**
 * Finds `count` host ports that no container on the host publishes (`podman ps --all`), nor any
 * of `reserved`; on the Gantry server's own host each is also bound once on the publish address to
 * be sure no other process listens there (a remote host's other processes cannot be seen).
 * @throws GantryError('unavailable') when the publish address is not one of this host's, or no
 *   free port is found.
 */
export async function freeHostPorts(
  host: PodmanHost,
  count: number,
  reserved: ReadonlySet<number>,
): Promise<number[]> {
  if (count === 0) return [];
  const containers = await host.json<{ Ports?: { host_port?: number }[] | null }[] | null>([
    'ps',
    '--all',
    '--format',
    'json',
  ]);
  const taken = new Set(reserved);
  for (const container of containers ?? [])
    for (const port of container.Ports ?? []) if (port.host_port) taken.add(port.host_port);
  const found: number[] = [];
  for (let attempt = 0; attempt < ATTEMPTS && found.length < count; attempt++) {
    const port = randomInt(HOST_PORT_RANGE.min, HOST_PORT_RANGE.max + 1);
    if (taken.has(port)) continue;
    taken.add(port);
    if (host.local && !(await canListen(host.config.publish_address, port))) continue;
    found.push(port);
  }
  if (found.length < count) {
    throw new GantryError(
      'unavailable',
      `no free host port found between ${HOST_PORT_RANGE.min} and ${HOST_PORT_RANGE.max} on ${host.where}`,
    );
  }
  return found;
}

/** Whether a TCP listener can bind `address:port` here; throws when the address is not this host's. */
function canListen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRNOTAVAIL') {
        reject(
          new GantryError(
            'unavailable',
            `publish_address ${address} is not an address of the Gantry server: change the target's publish_address`,
          ),
        );
      } else resolve(false);
    });
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
