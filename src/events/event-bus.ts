import { EventEmitter } from 'node:events';

/** A ref update received by a hosted repository or fetched into a mirror. */
export interface PushEvent {
  id: number;
  projectId: number;
  /** Full ref name, e.g. `refs/heads/main`. */
  ref: string;
  /** Object id before the update; forty zeros when the ref was created. */
  before: string;
  /** Object id after the update; forty zeros when the ref was deleted. */
  after: string;
  /** The user who pushed; null for mirror fetches. */
  userId: number | null;
  createdAt: string;
}

/** A job changed status. */
export interface JobEvent {
  id: number;
  pipelineId: number;
  projectId: number;
  name: string;
  status: string;
}

/** A pipeline changed status. */
export interface PipelineEvent {
  id: number;
  projectId: number;
  status: string;
}

/** A deployment was recorded or changed status. */
export interface DeploymentEvent {
  id: number;
  projectId: number;
  environmentId: number;
  status: string;
  action: string;
}

/** A release was created, updated or deleted. */
export interface ReleaseEvent {
  id: number;
  projectId: number;
  tagName: string;
  action: 'create' | 'update' | 'delete';
}

/** Every event the server publishes, by name. Later modules add their own entries. */
export interface GantryEvents {
  push: PushEvent;
  job: JobEvent;
  pipeline: PipelineEvent;
  /** A job's log grew to `size` bytes (the bytes themselves are read from the log store). */
  'job-log': { jobId: number; size: number };
  deployment: DeploymentEvent;
  release: ReleaseEvent;
}

type Listener<T> = (payload: T) => void;

/**
 * In-process publish/subscribe for server events. Listeners run synchronously in publish order;
 * a throwing listener is reported through `onListenerError` and does not stop the others, so one
 * broken consumer can never lose an event for the rest.
 */
export class EventBus {
  readonly #emitter = new EventEmitter({ captureRejections: false });
  readonly #onListenerError: (error: unknown, event: keyof GantryEvents) => void;

  constructor(onListenerError: (error: unknown, event: keyof GantryEvents) => void = () => {}) {
    this.#emitter.setMaxListeners(0);
    this.#onListenerError = onListenerError;
  }

  /** Subscribes to one event; returns a function that unsubscribes. */
  on<K extends keyof GantryEvents>(event: K, listener: Listener<GantryEvents[K]>): () => void {
    const wrapped = (payload: GantryEvents[K]): void => {
      try {
        listener(payload);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    };
    this.#emitter.on(event, wrapped);
    return () => this.#emitter.off(event, wrapped);
  }

  publish<K extends keyof GantryEvents>(event: K, payload: GantryEvents[K]): void {
    this.#emitter.emit(event, payload);
  }
}
