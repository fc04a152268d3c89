import { setTimeout as sleep } from 'node:timers/promises';
import { GantryError } from '../../domain/errors.ts';
import { instantNanos } from '../../domain/log-lines.ts';
import type { LogChunk, LogRequest } from '../environment-operations.ts';
import { MergedIterators } from '../merged-iterators.ts';
import { type EnvironmentPod, podName } from './environment-pod.ts';
import { type LogSource, selectLogSources, sourceName } from './log-sources.ts';

/** How one container log is opened. */
export interface LogOpenOptions {
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  /** RFC 3339, as the request gave it. */
  sinceTime?: string;
  /** The same instant in nanoseconds. */
  sinceInstant?: bigint;
  signal: AbortSignal;
}

/** What the log merge needs from the cluster (injected, so the merge can be tested without one). */
export interface LogReader {
  /** The environment's pods as they are now. */
  listPods(signal: AbortSignal): Promise<EnvironmentPod[]>;
  /** One container's log as chunks, read as fast as they are taken; see `openPodLog`. */
  open(source: LogSource, options: LogOpenOptions): Promise<AsyncIterable<LogChunk>>;
}

/**
 * How often a followed log lists the pods again, to join pods that appear (a rollout) and containers
 * that start or restart. A re-list rather than a watch: one small labelled list every few seconds
 * costs the API server little, needs no `watch` permission, and cannot miss an event.
 */
export const RELIST_INTERVAL_MS = 3000;

/**
 * The environment's logs the request selects, merged into one stream of chunks (each source's lines in
 * order, sources interleaved as they arrive). Each source holds at most one chunk until the consumer
 * takes it. `tailLines` and `since` apply to every log opened at the start. When following (the
 * current logs, not `previous`), the pods are listed again every `relistMs`: a pod that appears and a
 * container that starts or restarts join the stream with their whole log (`since` still applies);
 * following a named pod ends once the pod is gone. Aborting the request's
 * signal, or the consumer stopping, ends every HTTP request; the stream then ends without an error.
 *
 * @throws GantryError('not_found') for a pod or container that is not the environment's, or a
 *   previous log asked of a container that has not restarted; GantryError('conflict') for the log of
 *   a named container that has not started (unless following: it joins once it starts);
 *   GantryError('validation_failed') for a `since` that is no RFC 3339 instant or a negative
 *   `tailLines`; what the reader throws.
 */
export async function* environmentLogs(
  reader: LogReader,
  request: LogRequest,
  namespace: string,
  relistMs = RELIST_INTERVAL_MS,
): AsyncGenerator<LogChunk> {
  const sinceInstant = request.since === undefined ? undefined : checkedSince(request.since);
  if (request.tailLines !== undefined && !(Number.isInteger(request.tailLines) && request.tailLines >= 0)) {
    throw new GantryError(
      'validation_failed',
      `tailLines must be a whole number of lines, 0 or more, got ${request.tailLines}`,
    );
  }
  const previous = request.previous === true;
  const single = request.pod !== undefined && request.container !== undefined;
  const watchNew = request.follow && !previous;
  const stop = new AbortController();
  const signal = AbortSignal.any([request.signal, stop.signal]);
  const merge = new MergedIterators<LogChunk>();
  const onAbort = () => merge.close();
  signal.addEventListener('abort', onAbort, { once: true });
  /** The instance each source is being read from, by `<pod>/<container>`. */
  const streamed = new Map<string, string | null>();
  const since = {
    ...(request.since !== undefined ? { sinceTime: request.since } : {}),
    ...(sinceInstant !== undefined ? { sinceInstant } : {}),
  };

  /** Opens a source; failures that waiting may cure (not started yet, pod gone) are dropped when `tolerant`. */
  const start = async (source: LogSource, options: { tail: boolean; tolerant: boolean }) => {
    const key = sourceName(source);
    streamed.set(key, source.instance);
    try {
      merge.add(
        await reader.open(source, {
          follow: request.follow,
          previous,
          ...(options.tail && request.tailLines !== undefined ? { tailLines: request.tailLines } : {}),
          ...since,
          signal,
        }),
      );
    } catch (error) {
      streamed.delete(key);
      if (signal.aborted) return;
      const curable =
        error instanceof GantryError && (error.code === 'conflict' || error.code === 'not_found');
      if (!(options.tolerant || (curable && (!single || watchNew)))) throw error;
    }
  };

  const relist = async () => {
    while (!signal.aborted) {
      await sleep(relistMs, undefined, { signal }).catch(() => {});
      if (signal.aborted) return;
      let sources: LogSource[];
      try {
        const pods = await reader.listPods(signal);
        if (request.pod !== undefined && !pods.some((pod) => podName(pod) === request.pod)) {
          // Deleted: the kubelet is done with it, so whatever its logs had has been read.
          stop.abort();
          return;
        }
        sources = selectLogSources(pods, request, namespace);
      } catch {
        // The cluster may be briefly unreachable, or the named container not in the pods of the
        // moment (a rollout): the streams already open go on, and the next round tries again.
        continue;
      }
      const fresh = sources.filter(
        (source) => source.instance !== null && streamed.get(sourceName(source)) !== source.instance,
      );
      await Promise.all(fresh.map((source) => start(source, { tail: false, tolerant: true })));
    }
  };

  try {
    const sources = selectLogSources(await reader.listPods(signal), request, namespace);
    const readable = sources.filter((source) => source.instance !== null);
    if (single && readable.length === 0) {
      const [source] = sources;
      if (previous) {
        throw new GantryError(
          'not_found',
          `container ${request.container} of pod ${request.pod} has no previous instance: it has not restarted`,
        );
      }
      if (!request.follow) {
        throw new GantryError(
          'conflict',
          `container ${source?.container} of pod ${source?.pod} has not started yet, so it has no log`,
        );
      }
    }
    await Promise.all(readable.map((source) => start(source, { tail: true, tolerant: false })));
    if (watchNew) void relist();
    else merge.close();
    yield* merge;
  } catch (error) {
    if (request.signal.aborted) return;
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

function checkedSince(since: string): bigint {
  const key = instantNanos(since);
  if (key === undefined) {
    throw new GantryError(
      'validation_failed',
      `since must be an RFC 3339 instant such as 2025-01-31T12:00:00Z, got "${since}"`,
    );
  }
  return key;
}
