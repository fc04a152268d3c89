import type { Actor } from '../domain/actor.ts';
import { ConcurrencyLimit } from '../domain/concurrency-limit.ts';
import { GantryError } from '../domain/errors.ts';
import { LogLag } from '../domain/log-lag.ts';
import { filterLines, lineInstant, linesAfter, splitLines } from '../domain/log-lines.ts';
import type { EnvironmentOperations, LogChunk, RunningContainer } from '../targets/environment-operations.ts';
import type { AuthorizedEnvironment, EnvironmentOperationsAccess } from './environment-operations-access.ts';
import type { LiveLogListener, LogFanout } from './log-fanout.ts';

/** What a client asks of an environment's logs (`GET …/logs`). */
export interface LogQuery {
  pod?: string | undefined;
  container?: string | undefined;
  tailLines: number;
  since?: string | undefined;
  previous: boolean;
  follow: boolean;
  /** Case-insensitive substring; empty keeps every line. */
  filter: string;
}

/** Where a log stream goes (an SSE response): events, and how much is waiting to be sent. */
export interface LogSink {
  send(event: 'logs' | 'skipped' | 'end' | 'error', data: unknown): void;
  /** Bytes handed to the sink that the client has not taken yet. */
  readonly queuedBytes: number;
  /** Resolves once the queue has been handed to the network (or the client left). */
  drained(): Promise<void>;
  readonly closed: boolean;
  onClose(listener: () => void): void;
}

/** What the service needs of EnvironmentOperationsAccess. */
export type OperationsAccess = Pick<EnvironmentOperationsAccess, 'authorize' | 'check' | 'open'>;

/** `GET …/containers`. */
export interface EnvironmentContainers {
  deployment_id: number | null;
  target_kind: 'kubernetes' | 'podman' | null;
  containers: ContainerView[];
}

/** A running container as the API shows it. */
export interface ContainerView {
  pod: string;
  container: string;
  state: string;
  restarts: number;
  has_previous: boolean;
}

/**
 * At most this much may wait for one client. History waits for the client (it is finite); live
 * lines beyond it are left out and counted, so a slow client never holds memory or falls behind.
 */
export const MAX_QUEUED_BYTES = 1024 * 1024;

/** A live line further behind than this (against the quickest line so far) is skipped. */
export const MAX_LIVE_LAG_NS = 2_000_000_000n;

/** Log streams one user may have open at once. */
const MAX_STREAMS_PER_USER = 16;

/**
 * An environment's containers and logs. History (tail, since, a previous container) is read for
 * each client at the client's pace; following joins the environment's shared live feed
 * (LogFanout), from which a client that cannot keep up skips lines — and is told how many.
 */
export class EnvironmentLogService {
  readonly #access: OperationsAccess;
  readonly #fanout: LogFanout;
  readonly #recheckMs: number;
  readonly #perUser = new ConcurrencyLimit(MAX_STREAMS_PER_USER, 'log streams');

  /** `recheckMs`: how often a followed log checks that its user may still read it (default a minute). */
  constructor(deps: { access: OperationsAccess; fanout: LogFanout; recheckMs?: number }) {
    this.#access = deps.access;
    this.#fanout = deps.fanout;
    this.#recheckMs = deps.recheckMs ?? 60_000;
  }

  /** The environment's containers as its target reports them; none when nothing runs there. */
  async containers(actor: Actor, ref: string, environmentId: number): Promise<EnvironmentContainers> {
    const authorized = await this.#access.authorize(actor, ref, environmentId, 'logs');
    const current = authorized.current;
    if (!current) return { deployment_id: null, target_kind: null, containers: [] };
    const operations = await this.#access.open(authorized);
    try {
      return {
        deployment_id: current.deployment.id,
        target_kind: current.snapshot.kind,
        containers: (await operations.containers()).map(containerView),
      };
    } finally {
      await operations.close();
    }
  }

  /**
   * Authorizes and opens the environment's logs; the returned function streams them into `sink`
   * until they end, the client leaves or a failure (sent as an `error` event). Errors before the
   * stream starts (not found, forbidden, unreachable) are thrown, so the route answers them as JSON.
   */
  async open(
    actor: Actor,
    ref: string,
    environmentId: number,
    query: LogQuery,
    reauthenticate: () => Promise<Actor>,
  ): Promise<(sink: LogSink) => Promise<void>> {
    const authorized = await this.#access.authorize(actor, ref, environmentId, 'logs');
    const release = this.#perUser.acquire(String(actor.userId));
    let operations: EnvironmentOperations | undefined;
    // Fails here, before any event, when the pod or container is unknown or the target is down.
    try {
      operations = await this.#access.open(authorized);
      checkNamed(await operations.containers(), query, authorized.environment.name);
    } catch (error) {
      release();
      await operations?.close();
      throw error;
    }
    const opened = operations;
    // Removed from the project or its token revoked meanwhile: a followed log ends.
    const stillAllowed = async () =>
      void (await this.#access.check(await reauthenticate(), ref, environmentId, 'logs'));
    return (sink) => this.#stream(authorized, opened, query, sink, stillAllowed).finally(release);
  }

  async #stream(
    authorized: AuthorizedEnvironment,
    operations: EnvironmentOperations,
    query: LogQuery,
    sink: LogSink,
    stillAllowed: () => Promise<void>,
  ): Promise<void> {
    const stop = new AbortController();
    sink.onClose(() => stop.abort());
    let recheck: NodeJS.Timeout | undefined;
    const revoked = new Promise<never>((_, reject) => {
      recheck = setInterval(() => {
        stillAllowed().catch(() => reject(new Error('access to these logs was revoked')));
      }, this.#recheckMs);
    });
    revoked.catch(() => {});
    const live = query.follow && !query.previous ? this.#joinLive(authorized, query, sink) : undefined;
    try {
      const shown = await deliverHistory(operations, query, sink, stop.signal);
      if (!live) {
        if (!sink.closed) sink.send('end', {});
        return;
      }
      live.startAfter(shown);
      await Promise.race([live.ended, revoked]);
    } catch (error) {
      if (!sink.closed)
        sink.send('error', { message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearInterval(recheck);
      live?.leave();
      stop.abort();
      await operations.close();
    }
  }

  /**
   * Subscribes the client to the shared live feed before the history is read, holding what
   * arrives meanwhile (up to the queue limit), so no line written in between is missed.
   */
  #joinLive(authorized: AuthorizedEnvironment, query: LogQuery, sink: LogSink) {
    const current = authorized.current!;
    const key = JSON.stringify([
      current.target.id,
      current.deployment.id,
      query.pod ?? '',
      query.container ?? '',
    ]);
    let held: LogChunk[] | undefined = [];
    let heldBytes = 0;
    let skipped = 0;
    let shownUpTo = new Map<string, bigint>();
    let finish: (error?: Error) => void = () => {};
    const ended = new Promise<void>((resolve, reject) => {
      finish = (error) => (error ? reject(error) : resolve());
    });
    // Lines the feed reads too late are skipped as well: a feed that falls behind (the target
    // writes faster than it can be read and sent) catches up instead of every client lagging more.
    const lag = new LogLag();
    const tooOld = (line: string) => {
      const written = lineInstant(line);
      return written !== undefined && lag.behind(written, BigInt(Date.now()) * 1_000_000n) > MAX_LIVE_LAG_NS;
    };
    const deliver = (chunk: LogChunk) => {
      let lines = splitLines(chunk.text);
      const shown = shownUpTo.get(chunk.source);
      if (shown !== undefined) {
        const fresh = linesAfter(lines, shown);
        // Once a line newer than the history's last arrives, every later one is newer too.
        if (fresh.some((line) => lineInstant(line) !== undefined)) shownUpTo.delete(chunk.source);
        lines = fresh;
      }
      lines = filterLines(lines, query.filter);
      if (lines.length === 0) return;
      if (sink.closed || sink.queuedBytes > MAX_QUEUED_BYTES || tooOld(lines.at(-1)!)) {
        skipped += lines.length;
        return;
      }
      if (skipped > 0) {
        sink.send('skipped', { lines: skipped });
        skipped = 0;
      }
      sink.send('logs', { source: chunk.source, lines });
    };
    const listener: LiveLogListener = {
      chunk: (chunk) => {
        if (held === undefined) return deliver(chunk);
        if (heldBytes + chunk.text.length > MAX_QUEUED_BYTES) skipped += splitLines(chunk.text).length;
        else {
          held.push(chunk);
          heldBytes += chunk.text.length;
        }
      },
      end: (error) => {
        if (!error && !sink.closed) sink.send('end', {});
        finish(error);
      },
    };
    sink.onClose(() => finish());
    const leave = this.#fanout.subscribe(
      key,
      async (signal) => {
        const operations = await this.#access.open(authorized);
        return {
          chunks: operations.logs({
            pod: query.pod,
            container: query.container,
            tailLines: 0,
            follow: true,
            signal,
          }),
          close: () => operations.close(),
        };
      },
      listener,
    );
    return {
      ended,
      leave,
      /** Sends what was held, leaving out lines the history already showed, then goes live. */
      startAfter(shown: Map<string, bigint>) {
        shownUpTo = shown;
        const pending = held ?? [];
        held = undefined;
        for (const chunk of pending) deliver(chunk);
      },
    };
  }
}

/**
 * Sends the history the query asks for at the client's pace and returns, per source, the
 * instant of the last line read (shown or filtered out).
 */
async function deliverHistory(
  operations: EnvironmentOperations,
  query: LogQuery,
  sink: LogSink,
  signal: AbortSignal,
): Promise<Map<string, bigint>> {
  const last = new Map<string, bigint>();
  const wantsHistory = query.tailLines > 0 || query.since !== undefined || query.previous || !query.follow;
  if (!wantsHistory) return last;
  const chunks = operations.logs({
    pod: query.pod,
    container: query.container,
    tailLines: query.tailLines,
    since: query.since,
    previous: query.previous,
    follow: false,
    signal,
  });
  for await (const chunk of chunks) {
    if (sink.closed) break;
    const lines = splitLines(chunk.text);
    const instant = lineInstant(lines.findLast((line) => lineInstant(line) !== undefined) ?? '');
    if (instant !== undefined) last.set(chunk.source, instant);
    const shown = filterLines(lines, query.filter);
    if (shown.length === 0) continue;
    sink.send('logs', { source: chunk.source, lines: shown });
    if (sink.queuedBytes > MAX_QUEUED_BYTES) await sink.drained();
  }
  return last;
}

function containerView(container: RunningContainer): ContainerView {
  return {
    pod: container.pod,
    container: container.container,
    state: container.state,
    restarts: container.restarts,
    has_previous: container.hasPrevious,
  };
}

/** Throws not_found, naming what there is, when the query names a pod or container the environment lacks. */
function checkNamed(containers: readonly RunningContainer[], query: LogQuery, environment: string): void {
  const inPod = containers.filter((c) => query.pod === undefined || c.pod === query.pod);
  if (inPod.length === 0 && query.pod !== undefined) {
    const pods = [...new Set(containers.map((c) => c.pod))];
    throw new GantryError(
      'not_found',
      `environment ${environment} has no pod ${query.pod}; its pods: ${pods.join(', ') || 'none'}`,
    );
  }
  if (query.container !== undefined && !inPod.some((c) => c.container === query.container)) {
    const names = [...new Set(inPod.map((c) => c.container))];
    throw new GantryError(
      'not_found',
      `${query.pod ?? `environment ${environment}`} has no container ${query.container}; its containers: ${names.join(', ') || 'none'}`,
    );
  }
}
