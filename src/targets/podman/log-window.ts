import { GantryError } from '../../domain/errors.ts';
import { instantNanos, utcInstant } from '../../domain/log-lines.ts';
import type { LogRequest } from '../environment-operations.ts';

/** A container's runs as `podman inspect` tells them (instants in RFC 3339). */
export interface ContainerRun {
  /** When its last run started. */
  startedAt: string | null;
  /** When it last finished: the previous run while it runs again, the last one once it has ended. */
  finishedAt: string | null;
  /** Restarts by its restart policy. */
  restarts: number;
}

/**
 * How much earlier than Podman's `StartedAt` a run's first lines may be stamped. Podman records
 * `StartedAt` once the runtime's `start` has returned, by when the program may have written (a few
 * milliseconds were seen, more on a busy host); a restart takes longer (over 100 ms: cleanup,
 * network, start).
 */
export const START_SKEW_NANOS = 50_000_000n;

/**
 * The instant that separates the container's last run from the runs before it (Podman keeps one
 * container, and one log, across restarts); undefined when it has not run before (the whole log
 * is its run). While it runs again after a restart (`FinishedAt` before `StartedAt`), the middle
 * of the gap between the two: Podman stamps the previous run's last lines a little after
 * `FinishedAt`, and this run's first a little before `StartedAt`. Once it has ended after
 * restarts, {@link START_SKEW_NANOS} before `StartedAt`.
 */
export function runBoundary(run: ContainerRun): bigint | undefined {
  const started = podmanInstant(run.startedAt);
  if (started === undefined) return undefined;
  const finished = podmanInstant(run.finishedAt);
  if (finished !== undefined && finished < started) return (finished + started) / 2n;
  return run.restarts > 0 ? started - START_SKEW_NANOS : undefined;
}

/** What to ask `podman logs -t` for one container. */
export interface LogWindow {
  /** Options of `podman logs` (besides `--timestamps`). */
  args: string[];
  /**
   * Lines to keep from the end of what podman gives, counted by Gantry, or null for all. Podman
   * 4.3 applies `--tail` before `--until`, so the tail of a previous run cannot be asked of it;
   * and its `--tail` can give more lines than asked while the log ends in a line being written in
   * pieces. A follow takes Podman's tail as it is (what it gives is the start of the stream).
   */
  keepLast: number | null;
}

/**
 * The `podman logs` window of a request: the previous runs are what the log holds before
 * {@link runBoundary} (`--until`; never followed, they are over); the current run is what it holds
 * from there on (`--since` the boundary, or the request's `since` when later), so a follow or a
 * tail never repeats an earlier run's lines.
 * @throws GantryError('bad_request') for a `since` that is not an ISO-8601 instant;
 *   GantryError('conflict') for `previous` of a container that has not run before.
 */
export function logWindow(
  request: Pick<LogRequest, 'tailLines' | 'since' | 'previous' | 'follow'>,
  run: ContainerRun,
): LogWindow {
  const boundary = runBoundary(run);
  const since = request.since === undefined ? undefined : requestedInstant(request.since);
  const sinceArgs = (instant: bigint | undefined) =>
    instant === undefined ? [] : ['--since', utcInstant(instant)];
  if (request.previous) {
    if (boundary === undefined)
      throw new GantryError('conflict', 'the container never started: it has no previous run');
    return {
      args: [...sinceArgs(since), '--until', utcInstant(boundary)],
      keepLast: request.tailLines ?? null,
    };
  }
  const from = since !== undefined && (boundary === undefined || since > boundary) ? since : boundary;
  return {
    args: [
      ...(request.follow ? ['--follow'] : []),
      ...(request.tailLines === undefined ? [] : ['--tail', String(request.tailLines)]),
      ...sinceArgs(from),
    ],
    keepLast: request.follow ? null : (request.tailLines ?? null),
  };
}

/** Whether the container's last run has ended: it is neither running nor being restarted. */
export function runHasEnded(run: ContainerRun): boolean {
  const started = podmanInstant(run.startedAt);
  const finished = podmanInstant(run.finishedAt);
  return started !== undefined && finished !== undefined && finished >= started;
}

/** An instant Podman reports, or undefined for none (empty, or Go's zero time, year 1). */
function podmanInstant(text: string | null): bigint | undefined {
  const instant = text === null ? undefined : instantNanos(text);
  return instant !== undefined && instant > 0n ? instant : undefined;
}

function requestedInstant(text: string): bigint {
  const exact = instantNanos(text);
  if (exact !== undefined) return exact;
  const millis = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(millis))
    throw new GantryError(
      'bad_request',
      `since must be an ISO-8601 instant such as 2026-11-29T10:00:00Z, not "${text}"`,
    );
  return BigInt(millis) * 1_000_000n;
}
