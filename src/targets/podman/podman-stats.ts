import type { PodmanHost } from './podman-host.ts';

/**
 * One container's numbers from `podman stats`, unrounded: `--format json` gives rounded strings
 * (`491.5kB / 25.28GB`), a template over the raw `ContainerStats` gives these (Podman 4.3).
 */
export interface RawStats {
  ContainerID: string;
  Name: string;
  /** Percent of one core, averaged since the container started (`--no-stream` has no earlier sample). */
  CPU: number;
  /** CPU time used since the container started, in nanoseconds. */
  CPUNano: number;
  /** When the sample was taken, in nanoseconds since the epoch; 0 for a container not running. */
  SystemNano: number;
  MemUsage: number;
}

/** A container's CPU time at one sample, to take the next sample's rate from. */
export interface CpuReading {
  containerId: string;
  cpuNanos: number;
  atNanos: number;
}

export const STATS_FORMAT = '{{json .ContainerStats}}';

/** `podman stats --no-stream` of the named containers (one JSON object a line). */
export async function readStats(host: PodmanHost, names: readonly string[]): Promise<RawStats[]> {
  if (names.length === 0) return [];
  return parseStats(await host.run(['stats', '--no-stream', '--format', STATS_FORMAT, ...names]));
}

/** The lines of {@link readStats}'s output (pure). */
export function parseStats(output: string): RawStats[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RawStats);
}

/**
 * The cores a container used (0.25 = a quarter of one core) since the previous reading: the CPU
 * time it used meanwhile over the time between them. 0 for a container not running; undefined
 * without a usable reading (none, another container, or a restart, which starts CPU time again at
 * zero) (pure).
 */
export function cpuCores(stats: RawStats, previous: CpuReading | undefined): number | undefined {
  if (stats.SystemNano === 0) return 0;
  const usable =
    previous !== undefined &&
    previous.containerId === stats.ContainerID &&
    stats.CPUNano >= previous.cpuNanos &&
    stats.SystemNano > previous.atNanos;
  if (!usable) return undefined;
  return (stats.CPUNano - previous.cpuNanos) / (stats.SystemNano - previous.atNanos);
}

/** Podman's own figure, the cores used on average since the container started (pure). */
export function averageCores(stats: RawStats): number {
  return stats.CPU / 100;
}

/** The reading to keep for the next {@link cpuCores} (pure). */
export function cpuReading(stats: RawStats): CpuReading {
  return { containerId: stats.ContainerID, cpuNanos: stats.CPUNano, atNanos: stats.SystemNano };
}
