import { performance } from 'node:perf_hooks';
import {
  CLOCK_TICKS_PER_SECOND,
  descendantsOf,
  type MachineCpu,
  machineCpu,
  type ProcStat,
  readAllProcStats,
  rssKb,
} from './process-stats.ts';

/** Processes whose CPU is added up under one name. */
export interface ProcessGroup {
  name: string;
  /** The group's processes among every process now (called at each sample). */
  members(all: ReadonlyMap<number, ProcStat>): Iterable<number>;
}

/**
 * A group of processes (one or more), or of everything below them, with or without the processes
 * themselves.
 */
export function processGroup(
  name: string,
  pids: number | readonly number[],
  options: { descendants?: boolean; self?: boolean } = {},
): ProcessGroup {
  const roots = typeof pids === 'number' ? [pids] : pids;
  return {
    name,
    members(all) {
      if (!options.descendants) return roots;
      const parents = new Map([...all.values()].map((stat) => [stat.pid, stat.ppid]));
      const found = new Set(roots.flatMap((root) => [...descendantsOf(root, parents)]));
      if (options.self === false) for (const root of roots) found.delete(root);
      return found;
    },
  };
}

/** What a {@link ProcessSampler} saw between its start and stop. */
export interface SampledUsage {
  seconds: number;
  /** VmRSS of the watched process, kB: at the start, the highest sample, at the end. */
  rss: { startKb: number; maxKb: number; endKb: number; samples: number };
  /** CPU seconds per group, in the order given. */
  cpu: { name: string; seconds: number }[];
  /** CPU seconds the whole machine was busy (all cores), and how many cores. */
  machineBusySeconds: number;
}

/**
 * Samples a process's RSS (`/proc/<pid>/status`) and the CPU time of groups of processes
 * (`/proc/<pid>/stat`) every `intervalMs`. A process's CPU counts from the first sample that saw
 * it (all of it when it started after the sampler did) to the last; a process that ends between
 * two samples loses what it used since the last one, at most one interval.
 */
export class ProcessSampler {
  readonly #rssPid: number;
  readonly #groups: readonly ProcessGroup[];
  readonly #first = new Map<number, number>();
  readonly #last = new Map<number, number>();
  readonly #members: Set<number>[];
  readonly #startedAt = performance.now();
  readonly #machineStart: MachineCpu;
  readonly #timer: NodeJS.Timeout;
  #rss = { startKb: 0, maxKb: 0, endKb: 0, samples: 0 };
  #sampling: Promise<void> = Promise.resolve();
  #initial = true;

  private constructor(
    rssPid: number,
    groups: readonly ProcessGroup[],
    machine: MachineCpu,
    intervalMs: number,
  ) {
    this.#rssPid = rssPid;
    this.#groups = groups;
    this.#members = groups.map(() => new Set());
    this.#machineStart = machine;
    this.#timer = setInterval(() => this.#queueSample(), intervalMs);
  }

  /** Takes the first sample and samples every `intervalMs` (250 by default) until {@link stop}. */
  static async start(options: {
    rssPid: number;
    groups: readonly ProcessGroup[];
    intervalMs?: number;
  }): Promise<ProcessSampler> {
    const sampler = new ProcessSampler(
      options.rssPid,
      options.groups,
      await machineCpu(),
      options.intervalMs ?? 250,
    );
    sampler.#queueSample();
    await sampler.#sampling;
    return sampler;
  }

  /** Takes a last sample, stops, and reports. */
  async stop(): Promise<SampledUsage> {
    clearInterval(this.#timer);
    this.#queueSample();
    await this.#sampling;
    const machine = await machineCpu();
    return {
      seconds: (performance.now() - this.#startedAt) / 1000,
      rss: { ...this.#rss },
      cpu: this.#groups.map((group, index) => {
        let ticks = 0;
        for (const pid of this.#members[index]!)
          ticks += (this.#last.get(pid) ?? 0) - (this.#first.get(pid) ?? 0);
        return { name: group.name, seconds: ticks / CLOCK_TICKS_PER_SECOND };
      }),
      machineBusySeconds: (machine.busyTicks - this.#machineStart.busyTicks) / CLOCK_TICKS_PER_SECOND,
    };
  }

  #queueSample(): void {
    // One sample at a time: a slow /proc read delays the next rather than overlapping it.
    this.#sampling = this.#sampling.then(() => this.#sample());
  }

  async #sample(): Promise<void> {
    const [all, rss] = await Promise.all([readAllProcStats(), rssKb(this.#rssPid).catch(() => undefined)]);
    if (rss !== undefined) {
      if (this.#rss.samples === 0) this.#rss.startKb = rss;
      this.#rss.maxKb = Math.max(this.#rss.maxKb, rss);
      this.#rss.endKb = rss;
      this.#rss.samples += 1;
    }
    for (const [index, group] of this.#groups.entries()) {
      for (const pid of group.members(all)) {
        const stat = all.get(pid);
        if (stat === undefined) continue;
        this.#members[index]!.add(pid);
        if (!this.#first.has(pid)) this.#first.set(pid, this.#initial ? stat.cpuTicks : 0);
        this.#last.set(pid, stat.cpuTicks);
      }
    }
    this.#initial = false;
  }
}
