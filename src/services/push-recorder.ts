import type { EventBus, PushEvent } from '../events/event-bus.ts';
import type { RefUpdate } from '../git/bare-repository.ts';
import type { ProjectRepository } from '../store/repositories/project-repository.ts';
import type { PushEventRepository } from '../store/repositories/push-event-repository.ts';

/**
 * Stores each ref update as a push event, then publishes it. Storing comes first so a consumer
 * that reacts to the event (a pipeline, later) can always find the record it refers to.
 */
export class PushRecorder {
  readonly #events: PushEventRepository;
  readonly #projects: ProjectRepository;
  readonly #bus: EventBus;

  constructor(deps: { events: PushEventRepository; projects: ProjectRepository; bus: EventBus }) {
    this.#events = deps.events;
    this.#projects = deps.projects;
    this.#bus = deps.bus;
  }

  async record(projectId: number, userId: number | null, updates: RefUpdate[]): Promise<PushEvent[]> {
    if (updates.length === 0) return [];
    const stored: PushEvent[] = [];
    for (const update of updates) {
      stored.push(await this.#events.insert({ projectId, userId, ...update }));
    }
    await this.#projects.update(projectId, { last_activity_at: new Date().toISOString() });
    for (const event of stored) this.#bus.publish('push', event);
    return stored;
  }
}
