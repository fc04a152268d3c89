import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GantryError } from '../../domain/errors.ts';
import { LibpodClient } from './libpod-client.ts';
import type { PodmanHost } from './podman-host.ts';
import { podmanMessage } from './podman-host.ts';
import { SupervisedProcess } from './supervised-process.ts';

/** Longest unix socket path (the kernel's limit is 107 bytes). */
const MAX_SOCKET_PATH = 100;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const MAX_STDERR_CHARS = 16 * 1024;
/**
 * Seconds without a connection after which the service exits by itself. Podman 4 counts an exec
 * stream as a connection to the end (and its end not always), so a terminal in use is never cut
 * off; the service usually ends by {@link PodmanService.stop} or with Gantry (its supervisor).
 */
const IDLE_EXIT_SECONDS = 60;
/** The directories under the system's temporary directory: `<prefix><Gantry's pid>-XXXXXX`. */
const FALLBACK_PREFIX = 'gantry-podman-api-';

let staleRemoved: Promise<void> | undefined;

/**
 * A Podman API service of the Gantry server's own Podman, for what only the API offers (a
 * terminal's resize): `podman system service --time=60 unix://<dir>/podman.sock`, run with the
 * host's environment (its `CONTAINERS_CONF`, so containers it touches get the target's settings),
 * under a supervisor that stops it should Gantry die, on a socket in a private directory of the
 * host's session (a short one under the system's temporary directory, named with Gantry's pid,
 * when that path would be too long for a socket; those of Gantry processes that are gone are
 * removed the first time a service starts). Stopped with {@link stop}; it also exits by itself
 * after a minute without connections.
 */
export class PodmanService {
  readonly client: LibpodClient;
  readonly #process: SupervisedProcess;
  readonly #dir: string;

  private constructor(client: LibpodClient, process: SupervisedProcess, dir: string) {
    this.client = client;
    this.#process = process;
    this.#dir = dir;
  }

  /**
   * Starts the service and waits until it answers.
   * @throws GantryError('unavailable') when it cannot start or does not answer in time.
   */
  static async start(host: PodmanHost): Promise<PodmanService> {
    staleRemoved ??= removeStaleDirectories(tmpdir());
    await staleRemoved;
    const local = join(host.dir, 'api-XXXXXX', 'podman.sock').length <= MAX_SOCKET_PATH;
    const dir = await mkdtemp(
      local ? join(host.dir, 'api-') : join(tmpdir(), `${FALLBACK_PREFIX}${process.pid}-`),
    );
    const socketPath = join(dir, 'podman.sock');
    const child = host.spawn(['system', 'service', `--time=${IDLE_EXIT_SECONDS}`, `unix://${socketPath}`], {
      supervised: true,
    });
    const supervised = new SupervisedProcess(child);
    let stderr = '';
    let failure: GantryError | undefined;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-MAX_STDERR_CHARS);
    });
    child.once('error', (error) => {
      failure = host.startFailure(error);
    });
    child.once('exit', (code) => {
      // The supervisor's shell did not find podman.
      if (code === 127)
        failure ??= host.startFailure(Object.assign(new Error('not found'), { code: 'ENOENT' }));
    });
    const service = new PodmanService(new LibpodClient(socketPath), supervised, dir);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const ping = await service.client.call('GET', '/_ping').catch(() => undefined);
      if (ping?.status === 200) return service;
      const ended = !supervised.running || failure !== undefined;
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

  /** The service's process id while it runs (tests see it end). */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** Stops the service (its socket and directory go with it). */
  async stop(): Promise<void> {
    await this.#process.stop(STOP_TIMEOUT_MS);
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/**
 * Removes the service directories under `parent` left by Gantry processes that are gone (killed
 * before they could stop their services): those of this user whose pid runs no process.
 */
export async function removeStaleDirectories(parent: string): Promise<void> {
  const names = await readdir(parent).catch(() => []);
  const uid = process.getuid?.();
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(new RegExp(`^${FALLBACK_PREFIX}(\\d+)-`).exec(name)?.[1]);
      if (!pid || pid === process.pid || processRuns(pid)) return;
      const path = join(parent, name);
      const info = await lstat(path).catch(() => undefined);
      if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) return;
      await rm(path, { recursive: true, force: true }).catch(() => {});
    }),
  );
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
