import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import { apiServerUrl } from './kube-connection.ts';
import { describeKubeError } from './kube-errors.ts';
import { LIVE_WORKLOAD_KINDS, type LiveObjects } from './live-view.ts';
import { type ReflectOptions, type Reflector, reflect } from './rollout-watch-reflector.ts';
import { type ResourceType, resourceTypesFor } from './rollout-watch-resources.ts';

/** Where the live view of one namespace comes from. */
export interface LiveSource {
  /**
   * Names the cluster and credentials (a target's id and its last change): a target whose settings
   * changed gets new watches, and the old ones close once idle.
   */
  target: string;
  namespace: string;
  /** The client configuration; only called when this target and namespace have no watches yet. */
  connect(): KubeConfig;
}

export interface LiveViewCacheOptions {
  /** Watches nobody asked for this long are closed; 5 minutes unless given. */
  idleMs?: number;
  /** At most this many namespaces are watched at once, the least recently used closed first; 32 unless given. */
  maxEntries?: number;
  /** How long a first request waits for the initial lists; 30 s unless given. */
  listTimeoutMs?: number;
  /** Told when a set of watches stops on an error (the next request starts it again). */
  onError?: (error: Error, source: { target: string; namespace: string }) => void;
  /** Starts one watch (tests pass a fake). */
  reflect?: (options: ReflectOptions) => Promise<Reflector>;
}

/** One namespace's watches. */
interface Entry {
  /** Resolves once every type is listed, with each kind's reflector. */
  ready: Promise<ReadonlyMap<string, Reflector>>;
  /** Closes the entry once idle; replaced on every request. */
  idle: NodeJS.Timeout | undefined;
  stop(): void;
}

/**
 * The workloads, ReplicaSets and pods of one namespace, by kind: what the live view shows. The
 * union of what the rollout watch reads for each workload kind (a workload and its pods).
 */
const LIVE_TYPES: readonly ResourceType[] = [
  ...new Map(
    LIVE_WORKLOAD_KINDS.flatMap((kind) => resourceTypesFor({ kind })).map((type) => [type.kind, type]),
  ).values(),
];

const DEFAULT_IDLE_MS = 5 * 60_000;
const DEFAULT_MAX_ENTRIES = 32;
const DEFAULT_LIST_TIMEOUT_MS = 30_000;

/**
 * A watch-fed copy of the workloads, ReplicaSets and pods of the namespaces environments run in, so
 * the live view costs no request to the cluster once warm. One set of watches per target and
 * namespace (list, then watch from the list's resourceVersion, reconnecting as the rollout watch
 * does), started by the first request, which waits for the initial lists; kept while requested and
 * closed after `idleMs` without a request; at most `maxEntries` sets; all closed by {@link close}.
 * A set whose watch fails (credentials revoked, namespace access withdrawn) is dropped, so the next
 * request lists again and reports the error.
 */
export class LiveViewCache {
  readonly #entries = new Map<string, Entry>();
  readonly #idleMs: number;
  readonly #maxEntries: number;
  readonly #listTimeoutMs: number;
  readonly #onError: NonNullable<LiveViewCacheOptions['onError']>;
  readonly #reflect: (options: ReflectOptions) => Promise<Reflector>;
  #closed = false;

  constructor(options: LiveViewCacheOptions = {}) {
    this.#idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#listTimeoutMs = options.listTimeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
    this.#onError = options.onError ?? (() => {});
    this.#reflect = options.reflect ?? reflect;
  }

  /** How many namespaces are watched now. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The namespace's workloads, ReplicaSets and pods by kind, as the watches last saw them.
   * @throws GantryError('unavailable') when the cluster cannot be listed (unreachable, credentials
   *   refused, no answer within the list timeout), or the cache is closed.
   */
  async objects(source: LiveSource): Promise<LiveObjects> {
    if (this.#closed) throw new GantryError('unavailable', 'the server is shutting down');
    const key = JSON.stringify([source.target, source.namespace]);
    let entry = this.#entries.get(key);
    if (entry) {
      // Map order is the eviction order: the entry asked for last goes last.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    } else {
      entry = this.#start(key, source);
    }
    clearTimeout(entry.idle);
    entry.idle = setTimeout(entry.stop, this.#idleMs);
    entry.idle.unref();
    const reflectors = await entry.ready;
    return new Map([...reflectors].map(([kind, reflector]) => [kind, [...reflector.objects.values()]]));
  }

  /** Closes every watch; later requests fail as unavailable. */
  close(): void {
    this.#closed = true;
    for (const entry of [...this.#entries.values()]) entry.stop();
  }

  #start(key: string, source: LiveSource): Entry {
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(oldest);
      entry.stop();
    }
    const kubeConfig = source.connect();
    const server = apiServerUrl(kubeConfig);
    const what = `list workloads and pods in namespace ${source.namespace}`;
    const started: Reflector[] = [];
    let listTimer: NodeJS.Timeout | undefined;
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(entry.idle);
      clearTimeout(listTimer);
      for (const reflector of started) reflector.stop();
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    };
    const onError = (error: Error) => {
      stop();
      this.#onError(error, { target: source.target, namespace: source.namespace });
    };
    const listed = Promise.all(
      LIVE_TYPES.map(async (type) => {
        const reflector = await this.#reflect({
          kubeConfig,
          namespace: source.namespace,
          type,
          onChange: () => {},
          onError,
        });
        // A sibling failed, the lists timed out or the entry was closed while this one listed.
        if (stopped) reflector.stop();
        else started.push(reflector);
        return [type.kind, reflector] as const;
      }),
    ).catch((error: unknown) => {
      throw new GantryError('unavailable', describeKubeError(error, what, server));
    });
    const timedOut = new Promise<never>((_, reject) => {
      listTimer = setTimeout(() => {
        const seconds = this.#listTimeoutMs / 1000;
        reject(
          new GantryError(
            'unavailable',
            `cannot ${what}: the Kubernetes API at ${server} did not answer within ${seconds} s`,
          ),
        );
      }, this.#listTimeoutMs);
    });
    const ready = Promise.race([listed, timedOut]).then(
      (pairs) => {
        clearTimeout(listTimer);
        return new Map(pairs);
      },
      (error: unknown) => {
        // Forgotten, so that the next request lists again.
        stop();
        throw error;
      },
    );
    const entry: Entry = { ready, idle: undefined, stop };
    this.#entries.set(key, entry);
    return entry;
  }
}
