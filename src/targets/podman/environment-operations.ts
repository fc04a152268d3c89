import { setTimeout as sleep } from 'node:timers/promises';
import type { PublishedPort } from '../../domain/deployment-snapshot.ts';
import { GantryError } from '../../domain/errors.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import type {
  ContainerSample,
  EnvironmentOperations,
  ExecRequest,
  ExecSession,
  LogChunk,
  LogRequest,
  RunningContainer,
} from '../environment-operations.ts';
import { MergedIterators } from '../merged-iterators.ts';
import { openApiExecSession } from './api-exec-session.ts';
import { openCliExecSession } from './cli-exec-session.ts';
import { containerLog, type LogSource, readContainerRuns } from './container-log.ts';
import { type SelectedContainer, selectContainers } from './container-selection.ts';
import { type CpuReadings, sharedCpuReadings } from './cpu-readings.ts';
import { defaultContainer, readCreationTimes } from './default-container.ts';
import { type EnvironmentPod, readEnvironmentPods } from './environment-pods.ts';
import { LibpodClient } from './libpod-client.ts';
import { openPodmanHost, type PodmanAccess } from './podman-connection.ts';
import type { PodmanHost } from './podman-host.ts';
import { PodmanService } from './podman-service.ts';
import { averageCores, cpuCores, cpuReading, type RawStats, readStats } from './podman-stats.ts';

/**
 * A sample without an earlier reading of a container (the first one, or after a restart) reads
 * its CPU time twice, this far apart, rather than report Podman's average since it started.
 */
const CPU_WINDOW_MS = 1_000;

/**
 * Logs, terminals and resource samples of an environment on a Podman host: its pods are those
 * labelled with the environment key (the deployment's `namePrefix` without its final `-`) and
 * the project (readEnvironmentPods); a session with the host is open until {@link
 * EnvironmentOperations.close}. See docs/podman.md, "Logs, shell and resource use".
 */
export async function openPodmanOperations(options: {
  target: TargetRow;
  podman: PodmanAccess;
  namePrefix: string;
  projectId: number;
  ports: PublishedPort[];
}): Promise<EnvironmentOperations> {
  const host = await openPodmanHost(options.target, options.podman);
  return new PodmanOperations(host, {
    key: options.namePrefix.replace(/-$/, ''),
    projectId: options.projectId,
    ports: options.ports,
    readings: sharedCpuReadings,
  });
}

interface Environment {
  key: string;
  projectId: number;
  ports: PublishedPort[];
  readings: CpuReadings;
}

class PodmanOperations implements EnvironmentOperations {
  readonly #host: PodmanHost;
  readonly #environment: Environment;
  readonly #sessions = new Set<ExecSession>();

  constructor(host: PodmanHost, environment: Environment) {
    this.#host = host;
    this.#environment = environment;
  }

  async containers(): Promise<RunningContainer[]> {
    return selectContainers(await this.#pods(), {}).map(({ pod, container, state }) => ({
      pod,
      container,
      state: state.state,
      restarts: state.restarts,
      // Podman keeps the container, and its log, across restarts: the earlier runs are its previous.
      hasPrevious: state.restarts > 0,
    }));
  }

  logs(request: LogRequest): AsyncIterable<LogChunk> {
    return { [Symbol.asyncIterator]: () => this.#logs(request) };
  }

  async *#logs(request: LogRequest): AsyncGenerator<LogChunk> {
    // Stopping early must also end sources busy reading (a follow waiting for its next line).
    const stop = new AbortController();
    const signal = AbortSignal.any([request.signal, stop.signal]);
    try {
      const sources = await this.#logSources(request);
      const merged = new MergedIterators<LogChunk>();
      for (const source of sources) merged.add(containerLog(this.#host, source, { ...request, signal }));
      merged.close();
      yield* merged;
    } finally {
      stop.abort();
    }
  }

  async #logSources(request: LogRequest): Promise<LogSource[]> {
    let selected = selectContainers(await this.#pods(), request);
    if (request.previous) {
      selected = selected.filter((entry) => entry.state.restarts > 0);
      if (selected.length === 0) throw new GantryError('conflict', noPreviousLog(request));
    }
    const runs = await readContainerRuns(
      this.#host,
      selected.map((entry) => entry.podmanName),
    );
    return selected.flatMap(({ pod, container, podmanName }) => {
      const run = runs.get(podmanName);
      return run ? [{ pod, container, podmanName, run }] : [];
    });
  }

  async exec(request: ExecRequest): Promise<ExecSession> {
    const selected = selectContainers(await this.#pods(), request);
    const target =
      request.container === undefined
        ? defaultContainer(
            selected,
            await readCreationTimes(
              this.#host,
              selected.map((entry) => entry.podmanName),
            ),
          )
        : selected[0];
    if (!target) throw new GantryError('not_found', 'no container runs in the environment');
    if (target.state.state !== 'running') {
      throw new GantryError(
        'conflict',
        `container ${target.container} of pod ${target.pod} is ${target.state.state}: a command can only run in a running container`,
      );
    }
    const session = await this.#openSession(target, request);
    this.#sessions.add(session);
    void session.exited.then(() => this.#sessions.delete(session));
    return session;
  }

  /**
   * Through the libpod API where Gantry reaches it (a service it starts for the Gantry server's
   * Podman, or the target's unix socket), for resize; through `podman exec -i -t` over SSH.
   */
  async #openSession(target: SelectedContainer, request: ExecRequest): Promise<ExecSession> {
    const host = this.#host;
    const common = {
      pod: target.pod,
      container: target.container,
      podmanName: target.podmanName,
      command: request.command,
      signal: request.signal,
    };
    const url = host.config.url;
    if (url?.startsWith('ssh://')) return openCliExecSession({ ...common, host });
    if (url !== null) {
      return openApiExecSession({
        ...common,
        size: request.size,
        client: new LibpodClient(new URL(url).pathname),
        release: async () => {},
      });
    }
    const service = await PodmanService.start(host);
    return openApiExecSession({
      ...common,
      size: request.size,
      client: service.client,
      killProcess: (pid) => process.kill(pid, 'SIGKILL'),
      release: () => service.stop(),
    });
  }

  async sample(): Promise<ContainerSample[]> {
    const { readings } = this.#environment;
    readings.prune();
    const { selected, stats } = await this.#stats();
    const byName = new Map(stats.map((entry) => [entry.Name, entry]));
    const unknown = stats.filter((entry) => cpuCores(entry, readings.get(entry.ContainerID)) === undefined);
    if (unknown.length > 0) {
      for (const entry of unknown) readings.set(cpuReading(entry));
      await sleep(CPU_WINDOW_MS);
      const again = await readStats(
        this.#host,
        unknown.map((entry) => entry.Name),
      ).catch(() => []);
      for (const entry of again) byName.set(entry.Name, entry);
    }
    return selected.flatMap(({ pod, container, podmanName, state }) => {
      const entry = byName.get(podmanName);
      if (!entry) return [];
      const cpu = cpuCores(entry, readings.get(entry.ContainerID)) ?? averageCores(entry);
      if (entry.SystemNano !== 0) readings.set(cpuReading(entry));
      return [{ pod, container, cpuCores: cpu, memoryBytes: entry.MemUsage, restarts: state.restarts }];
    });
  }

  /** The environment's containers with their stats; listed again once when one went meanwhile. */
  async #stats(): Promise<{ selected: SelectedContainer[]; stats: RawStats[] }> {
    for (let attempt = 1; ; attempt++) {
      const selected = selectContainers(await this.#pods(), {});
      try {
        return {
          selected,
          stats: await readStats(
            this.#host,
            selected.map((entry) => entry.podmanName),
          ),
        };
      } catch (error) {
        if (attempt > 1 || !(error instanceof Error) || !/no such container/i.test(error.message))
          throw error;
      }
    }
  }

  async close(): Promise<void> {
    const sessions = [...this.#sessions];
    for (const session of sessions) session.close();
    await Promise.all(sessions.map((session) => session.exited));
    await this.#host.close();
  }

  #pods(): Promise<EnvironmentPod[]> {
    const { key, projectId, ports } = this.#environment;
    return readEnvironmentPods(this.#host, key, projectId, ports);
  }
}

function noPreviousLog({ pod, container }: LogRequest): string {
  const where = pod === undefined ? 'the environment' : `pod ${pod}`;
  if (container === undefined) return `no container of ${where} has restarted: there is no previous log`;
  return `container ${container} of ${where} has not restarted: there is no previous log`;
}
