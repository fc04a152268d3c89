import type { EventBus, GantryEvents } from './event-bus.ts';

/**
 * The bus events a live feed forwards. `job-log` is not among them: logs stream on their own
 * route, and forwarding every log write to every browser would swamp them.
 */
export const LIVE_EVENTS = ['push', 'job', 'pipeline', 'deployment', 'release'] as const;
export type LiveEventName = (typeof LIVE_EVENTS)[number];

/** An event as clients receive it: the API's snake_case fields, `project_id` always among them. */
export type LiveEventData = { project_id: number } & Record<string, string | number | null>;

/** Sent once the client drained after events were dropped for it: refetch what you show. */
export const RESYNC_EVENT = 'resync';

/** Where a feed writes; an SSE response in production. */
export interface LiveEventSink {
  /** Sends one event; false when the client is not keeping up (the event is still sent). */
  send(event: LiveEventName | typeof RESYNC_EVENT, data: object): boolean;
  /** Resolves once the client has taken what was sent, or went away. */
  drained(): Promise<void>;
}

export interface LiveEventFeedOptions {
  /** Only this project's events; all readable projects' when undefined. */
  projectId?: number | undefined;
  /**
   * Whether the client may read a project's events. Asked at most once per project for the life
   * of the feed: memberships rarely change during one connection, and asking the database for
   * every event would cost a query per event per client.
   */
  mayRead(projectId: number): Promise<boolean>;
  /** A `mayRead` that failed: the event is dropped, and the project is asked again next time. */
  onError(error: unknown): void;
}

/**
 * Events not yet sent while a project's read access is looked up. Past this the feed drops events
 * and asks the client to resync, as for a client that does not drain: memory stays bounded.
 */
export const MAX_PENDING_EVENTS = 1000;

const WIRE: { [K in LiveEventName]: (event: GantryEvents[K]) => LiveEventData } = {
  push: (e) => ({
    project_id: e.projectId,
    id: e.id,
    ref: e.ref,
    before: e.before,
    after: e.after,
    user_id: e.userId,
    created_at: e.createdAt,
  }),
  job: (e) => ({
    project_id: e.projectId,
    id: e.id,
    pipeline_id: e.pipelineId,
    name: e.name,
    status: e.status,
  }),
  pipeline: (e) => ({ project_id: e.projectId, id: e.id, status: e.status }),
  deployment: (e) => ({
    project_id: e.projectId,
    id: e.id,
    environment_id: e.environmentId,
    status: e.status,
    action: e.action,
  }),
  release: (e) => ({ project_id: e.projectId, id: e.id, tag_name: e.tagName, action: e.action }),
};

/** A bus event as a live feed sends it, with the fields named as the REST API names them. */
export function liveEventData<K extends LiveEventName>(event: K, payload: GantryEvents[K]): LiveEventData {
  return WIRE[event](payload);
}

/**
 * One client's view of the event bus: the events of the projects it may read, in publish order,
 * as snake_case JSON. A client that stops draining does not make the server buffer without end:
 * once a send reports a full buffer, later events are dropped until the client drains, and then
 * one `resync` event tells it to refetch what it shows instead of trusting the events it got.
 */
export class LiveEventFeed {
  readonly #sink: LiveEventSink;
  readonly #options: LiveEventFeedOptions;
  readonly #readable = new Map<number, boolean>();
  readonly #pending: Array<{ event: LiveEventName; data: LiveEventData }> = [];
  readonly #unsubscribe: Array<() => void>;
  #flushing = false;
  #congested = false;
  #dropped = 0;
  #closed = false;

  /** Subscribes to `bus` at once; call `close()` when the client goes away. */
  constructor(bus: EventBus, sink: LiveEventSink, options: LiveEventFeedOptions) {
    this.#sink = sink;
    this.#options = options;
    this.#unsubscribe = LIVE_EVENTS.map((event) =>
      bus.on(event, (payload: GantryEvents[typeof event]) =>
        this.#accept(event, liveEventData(event, payload)),
      ),
    );
  }

  /** Stops listening; nothing is sent afterwards. */
  close(): void {
    this.#closed = true;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#pending.length = 0;
  }

  #accept(event: LiveEventName, data: LiveEventData): void {
    if (this.#closed) return;
    const only = this.#options.projectId;
    if (only !== undefined && data.project_id !== only) return;
    if (this.#congested || this.#pending.length >= MAX_PENDING_EVENTS) {
      this.#drop();
      return;
    }
    this.#pending.push({ event, data });
    if (!this.#flushing) void this.#flush();
  }

  /**
   * Sends pending events in order. Runs synchronously while every project's access is known, so
   * an event usually leaves within its publish; it waits only to look a new project up, and
   * events arriving meanwhile queue behind it, keeping publish order across projects too.
   */
  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (!this.#closed && !this.#congested && this.#pending.length > 0) {
        const next = this.#pending.shift()!;
        const known = this.#mayRead(next.data.project_id);
        // `await` on a known answer would still yield: keep the common case synchronous.
        const readable = typeof known === 'boolean' ? known : await known;
        if (!readable || this.#closed) continue;
        if (!this.#sink.send(next.event, next.data)) this.#congest();
      }
    } finally {
      this.#flushing = false;
    }
  }

  #mayRead(projectId: number): boolean | Promise<boolean> {
    const known = this.#readable.get(projectId);
    if (known !== undefined) return known;
    return this.#options.mayRead(projectId).then(
      (readable) => {
        this.#readable.set(projectId, readable);
        return readable;
      },
      (error: unknown) => {
        this.#options.onError(error);
        return false;
      },
    );
  }

  #drop(): void {
    this.#dropped++;
    if (!this.#congested) this.#congest();
  }

  /** Stops sending until the client drained, then asks it to resync if anything was dropped. */
  #congest(): void {
    this.#congested = true;
    void this.#sink.drained().then(() => {
      this.#congested = false;
      if (this.#closed) return;
      if (this.#dropped > 0) {
        const dropped = this.#dropped;
        this.#dropped = 0;
        if (!this.#sink.send(RESYNC_EVENT, { dropped })) this.#congest();
      }
      if (!this.#flushing) void this.#flush();
    });
  }
}
