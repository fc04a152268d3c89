import type { CpuReading } from './podman-stats.ts';

/** How long a reading may serve as the start of the next sample's window. */
export const READING_MAX_AGE_MS = 120_000;

/**
 * The last CPU reading of each container (by Podman's container id, unique on every host), so
 * that a sample's CPU is the rate since the previous sample — also when each sample opens its own
 * operations, as the metrics sampler does. Readings older than {@link READING_MAX_AGE_MS} are
 * not used, and dropped by {@link prune}.
 */
export class CpuReadings {
  readonly #readings = new Map<string, { reading: CpuReading; at: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get(containerId: string): CpuReading | undefined {
    const entry = this.#readings.get(containerId);
    return entry && this.#now() - entry.at <= READING_MAX_AGE_MS ? entry.reading : undefined;
  }

  set(reading: CpuReading): void {
    this.#readings.set(reading.containerId, { reading, at: this.#now() });
  }

  /** Drops the readings too old to use (of containers no longer sampled). */
  prune(): void {
    const now = this.#now();
    for (const [id, entry] of this.#readings)
      if (now - entry.at > READING_MAX_AGE_MS) this.#readings.delete(id);
  }

  get size(): number {
    return this.#readings.size;
  }
}

/** The readings of every Podman operations object of this server. */
export const sharedCpuReadings = new CpuReadings();
