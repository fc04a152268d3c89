import type { JobResult, JobSpec } from './job-spec.ts';

/**
 * Messages on a runner's WebSocket. Control messages are JSON text frames; job logs travel as
 * binary frames (4-byte big-endian job id, then the bytes) so large logs need no re-encoding.
 */
export type RunnerMessage =
  | { type: 'hello'; name: string; concurrency: number; running: number[]; version: string }
  | { type: 'heartbeat'; running: number[] }
  | { type: 'finished'; jobId: number; result: JobResult };

export type ServerMessage =
  | { type: 'welcome'; runnerId: number; heartbeatSeconds: number }
  | { type: 'job'; spec: JobSpec }
  | { type: 'cancel'; jobId: number };

export const RUNNER_PROTOCOL_VERSION = '1';

export function encodeLogFrame(jobId: number, data: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(jobId);
  return Buffer.concat([header, data]);
}

export function decodeLogFrame(frame: Buffer): { jobId: number; data: Buffer } | null {
  if (frame.length < 4) return null;
  return { jobId: frame.readUInt32BE(0), data: frame.subarray(4) };
}

/** Parses a JSON control message, or null for anything malformed (the sender is then disconnected). */
export function parseMessage<T extends { type: string }>(
  text: string,
  types: readonly T['type'][],
): T | null {
  try {
    const value = JSON.parse(text) as { type?: unknown };
    return typeof value === 'object' && value !== null && types.includes(value.type as T['type'])
      ? (value as T)
      : null;
  } catch {
    return null;
  }
}
