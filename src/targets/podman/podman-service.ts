import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GantryError } from '../../domain/errors.ts';
import { LibpodClient } from './libpod-client.ts';
import type { PodmanHost } from './podman-host.ts';
import { podmanMessage } from './podman-host.ts';

/** Longest unix socket path (the kernel's limit is 107 bytes). */
const MAX_SOCKET_PATH = 100;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const MAX_STDERR_CHARS = 16 * 1024;

/**
 * A Podman API service of the Gantry server's own Podman, for what only the API offers (a
 * terminal's resize): `podman system service --time=0 unix://<dir>/podman.sock`, run with the
 * host's environment (its `CONTAINERS_CONF`, so containers it touches get the target's settings),
 * on a socket in a private directory of the host's session (a short one under the system's
 * temporary directory when that path would be too long for a socket). Stopped with {@link stop}.
 */
export class PodmanService {
  readonly client: LibpodClient;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #dir: string;
  readonly #exited: Promise<void>;

  private constructor(
    client: LibpodClient,
    child: ChildProcessWithoutNullStreams,
    dir: string,
    exited: Promise<void>,
  ) {
    this.client = client;
    this.#child = child;
    this.#dir = dir;
    this.#exited = exited;
  }

  /**
   * Starts the service and waits until it answers.
   * @throws GantryError('unavailable') when it cannot start or does not answer in time.
   */
  static async start(host: PodmanHost): Promise<PodmanService> {
    const parent =
      join(host.dir, 'api-XXXXXX', 'podman.sock').length <= MAX_SOCKET_PATH ? host.dir : tmpdir();
    const dir = await mkdtemp(join(parent, parent === host.dir ? 'api-' : 'gantry-podman-api-'));
    const socketPath = join(dir, 'podman.sock');
    const child = host.spawn(['system', 'service', '--time=0', `unix://${socketPath}`]);
    let stderr = '';
    let failure: GantryError | undefined;
    child.stdout.resume();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-MAX_STDERR_CHARS);
    });
    const exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        failure = host.startFailure(error);
        resolve();
      });
      child.once('close', () => resolve());
    });
    const service = new PodmanService(new LibpodClient(socketPath), child, dir, exited);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const ping = await service.client.call('GET', '/_ping').catch(() => undefined);
      if (ping?.status === 200) return service;
      const ended = child.exitCode !== null || child.signalCode !== null || failure !== undefined;
      if (ended || Date.now() > deadline) {
        await service.stop();
        throw (
          failure ??
          new GantryError(
            'unavailable',
            `podman system service ${ended ? 'ended' : 'did not answer in time'} on the Gantry server: ${podmanMessage(stderr)}`,
          )
        );
      }
      await sleep(20);
    }
  }

  /** Stops the service (its socket and directory go with it). */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await this.#exited;
      clearTimeout(timer);
    }
    await rm(this.#dir, { recursive: true, force: true });
  }
}
