import type { EventBus, GantryEvents } from '../events/event-bus.ts';
import type {
  HookEventColumn,
  ProjectHookRepository,
  ProjectHookRow,
} from '../store/repositories/project-hook-repository.ts';
import type { HookEventName, HookPayloads } from './hook-payloads.ts';

/**
 * GitLab's names for the kinds of events a hook may receive (its flags and the `:trigger` of a
 * hook test), with the event name deliveries carry and the column storing the flag.
 */
export const HOOK_TRIGGERS = {
  pipeline_events: { event: 'pipeline', column: 'pipeline_events' },
  job_events: { event: 'job', column: 'job_events' },
  deployment_events: { event: 'deployment', column: 'deployment_events' },
  releases_events: { event: 'release', column: 'release_events' },
} as const satisfies Record<string, { event: HookEventName; column: HookEventColumn }>;

export type HookTrigger = keyof typeof HOOK_TRIGGERS;

/** The part of the outbox the subscription needs. */
export interface HookEnqueuer {
  enqueueForHook(hook: ProjectHookRow, event: string, payload: object): Promise<number>;
}

/**
 * Turns bus events into project hook deliveries: for each pipeline, job, deployment or release
 * event, one delivery per hook of the project that receives that kind of event, with a payload
 * built from the database. Events of one project are handled one after the other, so their
 * deliveries are queued in the order the events happened; a failure is reported through `onError`
 * and never reaches the bus or the code that published the event.
 */
export class ProjectHookEvents {
  readonly #bus: EventBus;
  readonly #hooks: ProjectHookRepository;
  readonly #payloads: HookPayloads;
  readonly #outbox: HookEnqueuer;
  readonly #onError: (error: unknown, event: HookEventName) => void;
  /** The tail of each project's chain of event handlers. */
  readonly #chains = new Map<number, Promise<void>>();
  #unsubscribe: Array<() => void> = [];

  constructor(deps: {
    bus: EventBus;
    hooks: ProjectHookRepository;
    payloads: HookPayloads;
    outbox: HookEnqueuer;
    onError: (error: unknown, event: HookEventName) => void;
  }) {
    this.#bus = deps.bus;
    this.#hooks = deps.hooks;
    this.#payloads = deps.payloads;
    this.#outbox = deps.outbox;
    this.#onError = deps.onError;
  }

  start(): void {
    if (this.#unsubscribe.length > 0) return;
    this.#unsubscribe = [
      this.#on('pipeline', 'pipeline_events', (e) =>
        // A deleted pipeline has no row left to describe.
        e.status === 'deleted' ? Promise.resolve(undefined) : this.#payloads.pipeline(e.id, e.status),
      ),
      this.#on('job', 'job_events', (e) => this.#payloads.job(e.id, e.status)),
      this.#on('deployment', 'deployment_events', (e) => this.#payloads.deployment(e.id, e.status)),
      this.#on('release', 'releases_events', (e) => this.#payloads.release(e)),
    ];
  }

  /** Unsubscribes, then waits until the events already received are queued. */
  async stop(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    await Promise.allSettled([...this.#chains.values()]);
  }

  #on<K extends 'pipeline' | 'job' | 'deployment' | 'release'>(
    name: K,
    trigger: HookTrigger,
    build: (event: GantryEvents[K]) => Promise<object | undefined>,
  ): () => void {
    const { event, column } = HOOK_TRIGGERS[trigger];
    return this.#bus.on(name, (payload) => {
      const projectId = payload.projectId;
      const run = async () => {
        const hooks = await this.#hooks.listSubscribed(projectId, column);
        if (hooks.length === 0) return;
        const body = await build(payload);
        if (body === undefined) return;
        for (const hook of hooks) await this.#outbox.enqueueForHook(hook, event, body);
      };
      const previous = this.#chains.get(projectId) ?? Promise.resolve();
      const next = previous.then(run).catch((error: unknown) => this.#onError(error, event));
      this.#chains.set(projectId, next);
      void next.then(() => {
        if (this.#chains.get(projectId) === next) this.#chains.delete(projectId);
      });
    });
  }
}
