import { API_PREFIX } from './api-client.ts';

/** An event of the live-update stream (`GET /api/v1/events/stream`), snake_case as the API. */
export interface LiveEvent {
  type: 'push' | 'job' | 'pipeline' | 'deployment' | 'release' | 'resync';
  project_id?: number;
  id?: number;
  status?: string;
  pipeline_id?: number;
  environment_id?: number;
  [field: string]: unknown;
}

type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();
let source: EventSource | undefined;
const EVENT_TYPES: LiveEvent['type'][] = ['push', 'job', 'pipeline', 'deployment', 'release', 'resync'];

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
      const event = { ...data, type } as LiveEvent;
      for (const listener of listeners) listener(event);
    });
  }
  // After a reconnect the stream may have missed events: everyone refetches.
  source.addEventListener('open', () => {
    for (const listener of listeners) listener({ type: 'resync' });
  });
}

/**
 * Subscribes to live updates over one shared EventSource (opened with the first subscriber, closed
 * with the last). The browser reconnects by itself; each reconnect is announced as `resync`.
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
