import { Type } from 'typebox';
import { eventStreams, SSE_KEEP_ALIVE, sseMessage } from '../event-stream.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses } from '../route-schemas.ts';

/** How often an idle stream sends a comment, so proxies and browsers keep the connection open. */
const KEEP_ALIVE_MS = 15_000;

/**
 * `/events/stream`: what changes in the projects the caller may read (pushes, pipelines, jobs,
 * deployments, releases), live as Server-Sent Events, for the web UI. Job logs have their own
 * stream (`/projects/:id/jobs/:job_id/trace/stream`).
 */
export function liveEventRoutes(app: GantryApp, deps: ApiDeps): void {
  const openStream = eventStreams(app);

  app.get(
    '/events/stream',
    {
      schema: {
        summary:
          'Live updates as Server-Sent Events: `ready`, then push, pipeline, job, deployment and release events of readable projects; `resync` after events were dropped',
        tags: ['events'],
        querystring: Type.Object({
          project_id: Type.Optional(Type.Integer({ minimum: 1, description: 'only this project’s events' })),
        }),
        produces: ['text/event-stream'],
        response: {
          200: Type.String({ description: 'a text/event-stream that stays open' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const projectId = request.query.project_id;
      await deps.liveEvents.authorize(actor, projectId);
      const stream = openStream(reply);
      const feed = deps.liveEvents.open(
        actor,
        projectId,
        {
          send: (event, data) => stream.write(sseMessage(event, data)),
          drained: () => stream.drained(),
        },
        (error) => request.log.warn({ err: error }, 'live events: a project access check failed'),
      );
      // Sent once subscribed: whatever happened before is for the client to fetch, nothing after is missed.
      stream.write(sseMessage('ready', {}));
      const keepAlive = setInterval(() => stream.write(SSE_KEEP_ALIVE), KEEP_ALIVE_MS);
      stream.onClose(() => {
        clearInterval(keepAlive);
        feed.close();
        stream.end();
      });
    },
  );
}
