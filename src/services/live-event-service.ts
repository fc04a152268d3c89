import type { Actor } from '../domain/actor.ts';
import { GantryError } from '../domain/errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { LiveEventFeed, type LiveEventSink } from '../events/live-event-feed.ts';
import type { ProjectAccess } from './project-access.ts';

/**
 * The live-update stream behind `GET /events/stream`: bus events of the projects the actor may
 * read. Read access is decided once per project per connection and kept while it lasts, since
 * memberships rarely change during one; a client whose access changed sees it on reconnecting.
 */
export class LiveEventService {
  readonly #bus: EventBus;
  readonly #access: ProjectAccess;

  constructor(deps: { bus: EventBus; access: ProjectAccess }) {
    this.#bus = deps.bus;
    this.#access = deps.access;
  }

  /**
   * Checks that the actor may read `projectId` (when given), so a stream that could never carry
   * anything is refused up front; call before answering. @throws not_found for such a project.
   */
  async authorize(actor: Actor, projectId: number | undefined): Promise<void> {
    if (projectId !== undefined) await this.#access.require(actor, String(projectId), 'read');
  }

  /**
   * Starts forwarding events to `sink`; close the feed when the client goes away. `onError` hears
   * of access checks that failed (the event is dropped, the project asked about again next time).
   */
  open(
    actor: Actor,
    projectId: number | undefined,
    sink: LiveEventSink,
    onError: (error: unknown) => void,
  ): LiveEventFeed {
    return new LiveEventFeed(this.#bus, sink, {
      projectId,
      mayRead: (id) => this.#mayRead(actor, id),
      onError,
    });
  }

  async #mayRead(actor: Actor, projectId: number): Promise<boolean> {
    try {
      await this.#access.require(actor, String(projectId), 'read');
      return true;
    } catch (error) {
      if (error instanceof GantryError && error.code === 'not_found') return false;
      throw error;
    }
  }
}
