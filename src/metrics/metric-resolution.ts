/**
 * How series are cut into chunks. A chunk holds one series' values at one resolution for a fixed
 * span (slot `i` is the moment `start + i × seconds`); chunk starts are multiples of the span in
 * unix time, so every writer and reader agrees on them without coordination.
 */
export interface Resolution {
  seconds: number;
  /** Slots per chunk. */
  slots: number;
}

/** What the sampler writes: 10 s slots, one hour per chunk. */
export const FINE: Resolution = { seconds: 10, slots: 360 };
/** What fine data is downsampled into: 5 min slots, one day per chunk. */
export const COARSE: Resolution = { seconds: 300, slots: 288 };

/** How long fine chunks are kept; coarse ones are kept for GANTRY_METRICS_RETENTION_DAYS. */
export const FINE_RETENTION_SECONDS = 24 * 3600;

/** The span of one chunk, in seconds. */
export function chunkSeconds(resolution: Resolution): number {
  return resolution.seconds * resolution.slots;
}

/** The chunk (its start, unix seconds) and slot that the moment `t` (unix seconds) falls in. */
export function slotOf(resolution: Resolution, t: number): { chunkStart: number; slot: number } {
  const span = chunkSeconds(resolution);
  const chunkStart = Math.floor(t / span) * span;
  return { chunkStart, slot: Math.floor((t - chunkStart) / resolution.seconds) };
}

/**
 * The resolution a graph of `from`…`to` (unix seconds) is drawn at: fine for ranges up to a day
 * that fine data still covers (it is kept 24 h), coarse otherwise. Either way at most 8,640
 * points per series.
 */
export function resolutionForRange(from: number, to: number, now: number): Resolution {
  return to - from <= FINE_RETENTION_SECONDS && from >= now - FINE_RETENTION_SECONDS ? FINE : COARSE;
}

/**
 * The latest chunk start (unix seconds) whose chunk ends by `now − keepSeconds`: that chunk and
 * every earlier one hold nothing younger than `keepSeconds` and can be deleted.
 */
export function lastExpiredChunkStart(resolution: Resolution, now: number, keepSeconds: number): number {
  return now - keepSeconds - chunkSeconds(resolution);
}
