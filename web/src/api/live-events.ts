import { API_PREFIX } from './api-client.ts';

/** An event of the live-update stream (`GET /api/v1/events/stream`), snake_case as the API. */
export interface LiveEvent {
  type: 'push' | 'job' | 'pipeline' | 'deployment' | 'release' | 'resync';
  project_id?: number;
  id?: number;
  status?: string;
  pipeline_id?: number;
  environment_id?: number;
  /** For `resync`: when it arrived (`performance.now()`); data requested after it is fresh. */
  at?: number;
  [field: string]: unknown;
}

type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();
let source: EventSource | undefined;
const EVENT_TYPES = ['push', 'job', 'pipeline', 'deployment', 'release', 'resync', 'ready'] as const;

function open(): void {
  source = new EventSource(`${API_PREFIX}/events/stream`, { withCredentials: true });
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => {
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse((message as MessageEvent<string>).data || '{}') as Record<string, unknown>;
      } catch {
        // A malformed message still tells listeners something changed.
      }
      // `ready` (the subscription is live, after every connect) and `resync` (events were dropped
      // for this slow client) both mean: what is on screen may be stale, refetch it.
      const resync = type === 'ready' || type === 'resync';
      const event = {
        ...data,
        type: resync ? 'resync' : type,
        ...(resync && { at: performance.now() }),
      } as LiveEvent;
      for (const listener of listeners) listener(event);
    });
  }
}

/**
 * Subscribes to live updates over one shared EventSource (opened with the first subscriber, closed
 * with the last). The browser reconnects by itself; the server's `ready` after each connect (and
 * its `resync` after dropping events) reach listeners as `resync`.
 */
export function subscribeLiveEvents(listener: Listener): () => void {
  listeners.add(listener);
  if (!source) open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      source?.close();
      source = undefined;
    }
  };
}
